#include "http/session.hpp"

#include "http/dispatcher.hpp"
#include "http/problem.hpp"
#include "http/server_context.hpp"
#include "http/websocket_session.hpp"
#include "wire/live_upgrade.hpp"
#include "wire/request_checks.hpp"

#include <sodium.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/buffer_ref.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <spdlog/spdlog.h>

namespace relais::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

namespace {

constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (auto b : raw) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

bool valid_request_id(std::string_view id) {
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return true;
}

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

/// The session over a concrete stream: beast::tcp_stream (HTTP) or tls_stream (HTTPS).
template <class Stream>
class stream_session final : public session {
  public:
    template <class... StreamArgs>
    stream_session(server_context& app, address_limits& limits, std::optional<address_limits::slot> slot,
                   StreamArgs&&... stream_args)
        : stream_(std::forward<StreamArgs>(stream_args)...),
          app_(app),
          limits_(limits),
          slot_(std::move(slot)) {
        boost::system::error_code ec;
        auto ep = tcp_layer().socket().remote_endpoint(ec);
        client_ = ec ? "unknown" : ep.address().to_string();
        id_prefix_ = random_hex(6);
        app_.stats.open_connections++;
    }
    ~stream_session() override { app_.stats.open_connections--; }

    asio::awaitable<void> run() override;
    void stop() override;
    asio::any_io_executor executor() override { return stream_.get_executor(); }
    std::optional<std::chrono::steady_clock::time_point> idle_since() const override;
    bool close_if_idle() override;

  private:
    static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

    beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }

    Stream stream_;
    server_context& app_;
    std::string client_;
    std::string id_prefix_;
    std::uint64_t served_ = 0;
    bool busy_ = false;  // between a request's first byte being parsed and its response written
    std::atomic<bool> stopping_{false};
    std::function<void()> stop_live_;  // set while the connection serves the live feed (WebSocket)
    address_limits& limits_;
    std::optional<address_limits::slot> slot_;  // this connection's place in its client key's count
    bool answered_ = false;      // a response was written: later waits for a request are keep-alive idle
    bool waiting_idle_ = false;  // (strand) in the idle wait for the next request's first bytes
    // Steady-clock time (ns) the idle wait began, or -1 when not idle; claimed (set to -1) by close_if_idle.
    std::atomic<std::int64_t> idle_since_ns_{-1};

    /// Behind a proxy the client is only known from the headers: the connection's slot moves to the
    /// request's forwarded address; false when that address holds too many connections already.
    bool admit_forwarded(const request& req);
};

template <class Stream>
std::optional<std::chrono::steady_clock::time_point> stream_session<Stream>::idle_since() const {
    const auto ns = idle_since_ns_.load();
    if (ns < 0)
        return std::nullopt;
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns));
}

template <class Stream>
bool stream_session<Stream>::close_if_idle() {
    auto ns = idle_since_ns_.load();
    if (ns < 0 || !idle_since_ns_.compare_exchange_strong(ns, -1))
        return false;
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), this] {
        // Still in the idle wait (no byte of a next request arrived meanwhile): end it.
        if (waiting_idle_) {
            boost::system::error_code ec;
            tcp_layer().socket().cancel(ec);
        }
    });
    return true;
}

template <class Stream>
bool stream_session<Stream>::admit_forwarded(const request& req) {
    if (!app_.cfg.behind_proxy)
        return true;
    auto key = wire::client_key(wire::client_address(client_, req["X-Forwarded-For"], true));
    if (slot_ && slot_->key() == key)
        return true;
    slot_.reset();  // the previous request's address (a proxy reuses its connections for other clients)
    slot_ = limits_.acquire(std::move(key));
    return slot_.has_value();
}

template <class Stream>
void stream_session<Stream>::stop() {
    // Runs on the connection's strand, so it never races the coroutine.
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), this] {
        stopping_ = true;
        if (stop_live_)
            stop_live_();  // the live feed sends a close frame and ends
        if (!busy_) {
            boost::system::error_code ec;
            tcp_layer().socket().cancel(ec);
        }
    });
}

/// Why a request's framing is ambiguous, or nullopt. Beast accepts some framings that another HTTP hop could
/// read differently (the way requests are smuggled past a proxy): repeated Content-Length fields (even equal
/// ones), a Transfer-Encoding that is not exactly "chunked" (which Beast then ignores, reading the body as
/// empty), Transfer-Encoding with Content-Length or on HTTP/1.0. RFC 9112 6.1 and 6.3: answer 400 and close.
template <class Fields>
std::optional<std::string> framing_problem(const bhttp::request_header<Fields>& h) {
    // RFC 9112 3.2: an HTTP/1.1 request has exactly one Host; more than one, or none, is a 400.
    const auto hosts = h.count(bhttp::field::host);
    if (hosts > 1)
        return "The request has more than one Host.";
    if (hosts == 0 && h.version() >= 11)
        return "The request has no Host.";
    if (h.count(bhttp::field::content_length) > 1)
        return "The request has more than one Content-Length.";
    // Beast takes "Content-Length: 2, 2" as 2; another hop may not: only a plain number is accepted.
    if (auto cl = h.find(bhttp::field::content_length); cl != h.end()) {
        std::string_view v = cl->value();
        if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos)
            return "The request's Content-Length is not a single number.";
    }
    const auto te = h.count(bhttp::field::transfer_encoding);
    if (te == 0)
        return std::nullopt;
    if (te > 1 || h.count(bhttp::field::content_length) > 0 || h.version() < 11)
        return "The request's Transfer-Encoding conflicts with its other framing.";
    std::string_view v = h[bhttp::field::transfer_encoding];
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    if (!beast::iequals(v, "chunked"))
        return "The only Transfer-Encoding accepted is chunked.";
    return std::nullopt;
}

/// True if the header block `head` (up to and including its blank line) continues a field on the next line
/// (obs-fold: a line starting with a space or a tab). RFC 9112 5.2: refuse it with 400, since Beast would
/// join the lines and another hop might not.
bool has_folded_line(std::string_view head) {
    for (auto pos = head.find("\r\n"); pos != std::string_view::npos && pos + 2 < head.size();
         pos = head.find("\r\n", pos + 2)) {
        const char next = head[pos + 2];
        if (next == ' ' || next == '\t')
            return true;
    }
    return false;
}

/// The client went away (or we cancelled): end the connection without answering.
bool client_gone(const boost::system::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
           ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::eof ||
           ec == asio::ssl::error::stream_truncated;
}

template <class Stream>
asio::awaitable<void> stream_session<Stream>::run() {
    auto self = shared_from_this();
    const auto& cfg = app_.cfg;
    beast::flat_buffer buffer(cfg.header_limit + cfg.body_limit);
    bool open = true;
    if constexpr (is_tls) {
        // The handshake shares the first request's deadline: a client that never finishes it is cut off.
        tcp_layer().expires_after(cfg.read_timeout);
        auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, as_tuple_awaitable);
        open = !ec;
    }
    for (; open;) {
        if (stopping_)
            break;
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
        parser.body_limit(cfg.body_limit);
        // One deadline for the whole request (headers and body): a client trickling bytes is cut off.
        tcp_layer().expires_after(cfg.read_timeout);
        if (answered_ && buffer.size() == 0) {
            // Keep-alive idle: wait for the next request's first bytes. Meanwhile the server may close this
            // connection to make room for a new one when every slot is taken (server::accept_loop).
            waiting_idle_ = true;
            idle_since_ns_ = std::chrono::steady_clock::now().time_since_epoch().count();
            auto [iec, in] = co_await stream_.async_read_some(buffer.prepare(4096), as_tuple_awaitable);
            idle_since_ns_ = -1;
            waiting_idle_ = false;
            if (iec)
                break;  // the client left, timed out, was closed to make room, or we are shutting down
            buffer.commit(in);
        }
        // The raw header block first, to see folded lines (the parser joins them); a block over the limit
        // or without its blank line is left to the parser, which answers for it.
        bool folded = false;
        {
            auto [hec, hn] =
                co_await asio::async_read_until(stream_, beast::ref(buffer), "\r\n\r\n", as_tuple_awaitable);
            if (client_gone(hec))
                break;
            if (!hec) {
                const auto data = buffer.data();
                folded = has_folded_line(std::string_view(static_cast<const char*>(data.data()), hn));
            }
        }
        auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer, parser, as_tuple_awaitable);
        busy_ = true;
        std::optional<error> refusal;
        if (!ec && folded) {
            refusal.emplace(error_kind::bad_request,
                            "The request continues a header field on a folded line.");
        } else if (ec == bhttp::error::header_limit) {
            refusal.emplace(error_kind::headers_too_large, "The request headers are too large.");
        } else if (ec == bhttp::error::body_limit) {
            refusal.emplace(error_kind::payload_too_large, "The request body is too large.");
        } else if (client_gone(ec)) {
            break;  // the client left, timed out, or we are shutting down
        } else if (ec) {
            refusal.emplace(error_kind::bad_request, "The request is not valid HTTP/1.1.");
        } else if (auto why = framing_problem(parser.get().base())) {
            refusal.emplace(error_kind::bad_request, *why);
        }
        if (!refusal && !admit_forwarded(parser.get())) {
            refusal.emplace(error_kind::too_many_requests, "Too many connections from this address.");
            refusal->retry_after = std::chrono::seconds(1);
        }
        if (!refusal) {
            auto [ec2, n2] = co_await bhttp::async_read(stream_, buffer, parser, as_tuple_awaitable);
            if (ec2 == bhttp::error::body_limit)
                refusal.emplace(
                    error_kind::payload_too_large,
                    "The request body is larger than " + std::to_string(cfg.body_limit) + " bytes.");
            else if (client_gone(ec2))
                break;
            else if (ec2)
                refusal.emplace(error_kind::bad_request,
                                "The request body could not be read: " + ec2.message() + ".");
        }
        response res;
        bool keep_alive = false;
        if (refusal) {
            // After a framing error the rest of the stream cannot be trusted: answer, then close.
            res = problem_response(*refusal, 11, false);
            add_common_headers(res, id_prefix_ + "-" + std::to_string(++served_));
            app_.stats.observe("(unparsed)", res.result_int(), std::chrono::nanoseconds(0));
        } else {
            auto& req = parser.get();
            std::string rid(req["X-Request-Id"]);
            if (!valid_request_id(rid))
                rid = id_prefix_ + "-" + std::to_string(++served_);
            res = co_await dispatch(app_, req, client_, std::move(rid));
            if (res.result() == status::switching_protocols && wire::is_websocket_upgrade(req)) {
                // The dispatcher authorized GET /api/v1/live: the connection is the live feed until it ends.
                if (!stopping_)
                    co_await run_live_feed(stream_, req, res, app_, stop_live_);
                break;
            }
            keep_alive = req.keep_alive() && !stopping_;
            res.keep_alive(keep_alive);
        }
        if constexpr (is_tls)
            res.set(bhttp::field::strict_transport_security,
                    "max-age=31536000");  // a year: HTTPS only from now on
        tcp_layer().expires_after(cfg.write_timeout);
        auto [wec, wn] = co_await bhttp::async_write(stream_, res, as_tuple_awaitable);
        busy_ = false;
        answered_ = true;
        if (wec || !keep_alive)
            break;
    }
    if constexpr (is_tls) {
        if (open) {
            // close_notify, bounded: a peer that does not answer does not hold the connection.
            tcp_layer().expires_after(std::chrono::seconds(2));
            auto [ec] = co_await stream_.async_shutdown(as_tuple_awaitable);
            (void)ec;
        }
    }
    boost::system::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp_layer().socket().close(ignored);
}

}  // namespace

std::shared_ptr<session> make_session(tcp::socket socket, server_context& app, asio::ssl::context* tls,
                                      address_limits& limits, std::optional<address_limits::slot> slot) {
    if (tls)
        return std::make_shared<stream_session<tls_stream>>(app, limits, std::move(slot), std::move(socket),
                                                            *tls);
    return std::make_shared<stream_session<beast::tcp_stream>>(app, limits, std::move(slot),
                                                               std::move(socket));
}

}  // namespace relais::http
