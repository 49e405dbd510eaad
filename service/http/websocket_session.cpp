#include "http/websocket_session.hpp"

#include "app/event_hub.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <spdlog/spdlog.h>

namespace relais::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

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
asio::awaitable<void> read_until_closed(Ws& ws, app::event_hub& hub,
                                        const std::shared_ptr<app::event_hub::channel>& sub) {
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
asio::awaitable<void> write_notices(Ws& ws, const std::shared_ptr<app::event_hub::channel>& sub) {
    for (;;) {
        auto [ec, notice] = co_await sub->async_receive(as_tuple_awaitable);
        if (ec)
            break;  // dropped (too slow), the peer left, or the server is stopping
        ws.text(true);
        auto [wec, n] = co_await ws.async_write(asio::buffer(notice), as_tuple_awaitable);
        if (wec)
            co_return;
    }
    if (ws.is_open()) {
        // Going away: the reader receives the peer's answering close frame and ends.
        auto [cec] = co_await ws.async_close(websocket::close_code::going_away, as_tuple_awaitable);
        (void)cec;
    }
}

}  // namespace

bool is_websocket_upgrade(const request& req) {
    return websocket::is_upgrade(req);
}

template <class Stream>
asio::awaitable<void> run_live_feed(Stream& stream, const request& req, app::event_hub& hub,
                                    std::function<void()>& stop_hook) {
    // The WebSocket layer keeps its own timers; the HTTP deadline of the TCP stream must not cut it.
    beast::get_lowest_layer(stream).expires_never();
    websocket::stream<Stream&> ws(stream);
    ws.set_option(feed_timeouts());
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "relais"); }));
    ws.read_message_max(4096);

    auto sub = hub.subscribe(co_await asio::this_coro::executor);
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
        co_await (read_until_closed(ws, hub, sub) && write_notices(ws, sub));
    stop_hook = nullptr;
    hub.unsubscribe(sub);
}

template asio::awaitable<void> run_live_feed<beast::tcp_stream>(beast::tcp_stream&, const request&,
                                                                app::event_hub&, std::function<void()>&);
template asio::awaitable<void> run_live_feed<beast::ssl_stream<beast::tcp_stream>>(
    beast::ssl_stream<beast::tcp_stream>&, const request&, app::event_hub&, std::function<void()>&);

}  // namespace relais::http
