#include "http/websocket_session.hpp"

#include "api/event_hub.hpp"
#include "auth/sessions.hpp"
#include "http/server_context.hpp"
#include "store/store.hpp"
#include "wire/live_upgrade.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

namespace relais::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

/// A session that ended is noticed within this time even when no notice is sent.
constexpr auto session_recheck = std::chrono::seconds(2);

/// True while the session `session_id` is valid: the session cache when its entry still holds (no commit
/// touched sessions or accounts since), otherwise one read on a reader thread (never on this I/O thread).
asio::awaitable<bool> session_still_valid(server_context& app, const std::string& session_id) {
    const std::int64_t now = auth::wall_now_s();
    const std::int64_t idle = app.cfg.session_idle.count();
    const auto generation = app.db.watched_generation();
    if (app.sessions.find(session_id, generation, now, idle))
        co_return true;
    auto find = [session_id, now, idle](SQLite::Database& db) {
        return auth::find_session(db, session_id, now, idle);
    };
    std::optional<auth::session_record> session;
    try {
        session = co_await app.db.read(std::move(find));
    } catch (const std::exception&) {
        co_return false;  // not verified (the store is overloaded or stopping): nothing is sent; it
                          // reconnects
    }
    if (session)
        app.sessions.put(*session, generation);
    co_return session.has_value();
}

/// The feed's timeouts: the handshake and the closing handshake are bounded; an idle peer gets a ping
/// after half the idle time and is dropped if nothing at all came back after the whole of it.
websocket::stream_base::timeout feed_timeouts() {
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = std::chrono::seconds(40);
    t.keep_alive_pings = true;
    return t;
}

template <class Ws>
asio::awaitable<void> read_until_closed(Ws& ws, api::event_hub& hub,
                                        const std::shared_ptr<api::event_hub::channel>& sub) {
    beast::flat_buffer buffer;
    for (;;) {
        // Reading also processes control frames: pongs to our pings, the peer's close frame.
        auto [ec, n] = co_await ws.async_read(buffer, as_tuple_awaitable);
        if (ec)
            break;
        buffer.consume(buffer.size());
    }
    // The peer left (or timed out): end the writer, which waits on the channel.
    hub.unsubscribe(sub);
}

template <class Ws>
asio::awaitable<void> write_notices(Ws& ws, server_context& app, const std::string& session_id,
                                    const std::shared_ptr<api::event_hub::channel>& sub) {
    std::vector<std::string> burst;
    for (;;) {
        auto [ec, notice] = co_await sub->async_receive(as_tuple_awaitable);
        if (ec)
            break;  // dropped (too slow), its session ended, the peer left, or the server is stopping
        // The notices already waiting go with it (one commit's events come together): one session check
        // for them all.
        burst.clear();
        burst.push_back(std::move(notice));
        while (burst.size() < 256 && sub->try_receive([&](boost::system::error_code e, std::string more) {
            if (!e)
                burst.push_back(std::move(more));
        })) {
        }
        // Nothing goes to a session that has ended, even between two of the watcher's checks.
        if (!co_await session_still_valid(app, session_id)) {
            app.events.unsubscribe(sub);
            break;
        }
        for (const auto& n : burst) {
            ws.text(true);
            auto [wec, written] = co_await ws.async_write(asio::buffer(n), as_tuple_awaitable);
            if (wec)
                co_return;
        }
    }
    if (ws.is_open()) {
        // Going away: the reader receives the peer's answering close frame and ends.
        auto [cec] = co_await ws.async_close(websocket::close_code::going_away, as_tuple_awaitable);
        (void)cec;
    }
}

/// Every few seconds, ends the subscription of a session that is no longer valid (expired, idle too long,
/// or ended by a change another process made); runs until cancelled (the feed ended).
asio::awaitable<void> watch_session(server_context& app, const std::string& session_id,
                                    const std::shared_ptr<api::event_hub::channel>& sub) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        timer.expires_after(session_recheck);
        auto [ec] = co_await timer.async_wait(as_tuple_awaitable);
        if (ec)
            co_return;
        if (!co_await session_still_valid(app, session_id))
            app.events.unsubscribe(sub);  // the writer sends the close frame
    }
}

}  // namespace

template <class Stream>
asio::awaitable<void> run_live_feed(Stream& stream, const request& req, const response& upgrade,
                                    server_context& app, std::function<void()>& stop_hook) {
    auto& hub = app.events;
    auto owner = wire::live_owner_of(upgrade);
    const api::event_hub::owner who{
        std::move(owner.session_id), std::move(owner.user_id),
        owner.volunteer_id.empty() ? api::event_hub::audience::staff : api::event_hub::audience::volunteer,
        owner.volunteer_id};
    // The WebSocket layer keeps its own timers; the HTTP deadline of the TCP stream must not cut it.
    beast::get_lowest_layer(stream).expires_never();
    websocket::stream<Stream&> ws(stream);
    ws.set_option(feed_timeouts());
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "relais"); }));
    ws.read_message_max(4096);

    // The handler checked the caps already (429); this checks again, atomically with the subscription.
    std::shared_ptr<api::event_hub::channel> sub;
    auto ex = co_await asio::this_coro::executor;
    if (!who.session_id.empty())
        sub = hub.subscribe(ex, who);
    auto [aec] = co_await ws.async_accept(req, as_tuple_awaitable);
    if (aec) {
        hub.unsubscribe(sub);
        co_return;
    }
    if (!sub) {
        // Shutting down, or too many live consoles: say so, and the console retries later.
        auto [cec] = co_await ws.async_close(websocket::close_reason(websocket::close_code::try_again_later),
                                             as_tuple_awaitable);
        (void)cec;
        co_return;
    }
    stop_hook = [&hub, sub] { hub.unsubscribe(sub); };
    // A first message so the console knows the feed is live (and re-fetches what it may have missed).
    const auto hello = boost::json::serialize(boost::json::object{{"type", "hello"}});
    ws.text(true);
    auto [hec, hn] = co_await ws.async_write(asio::buffer(hello), as_tuple_awaitable);
    if (!hec)
        co_await ((read_until_closed(ws, hub, sub) && write_notices(ws, app, who.session_id, sub)) ||
                  watch_session(app, who.session_id, sub));
    stop_hook = nullptr;
    hub.unsubscribe(sub);
}

template asio::awaitable<void> run_live_feed<beast::tcp_stream>(beast::tcp_stream&, const request&,
                                                                const response&, server_context&,
                                                                std::function<void()>&);
template asio::awaitable<void> run_live_feed<beast::ssl_stream<beast::tcp_stream>>(
    beast::ssl_stream<beast::tcp_stream>&, const request&, const response&, server_context&,
    std::function<void()>&);

}  // namespace relais::http
