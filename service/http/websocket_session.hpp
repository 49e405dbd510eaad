#pragma once

#include "http/types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <functional>

namespace relais::http {
struct server_context;
}

namespace relais::http {

/// The live feed on one connection, after the dispatcher accepted the upgrade of `req` (GET /api/v1/live:
/// signed-in coordinator, admin or volunteer, same origin) with the 101 `upgrade` (set_live_owner). Takes
/// over `stream` (the session's, on its strand): accepts the WebSocket handshake, subscribes to the live
/// feeds (events) for its owner (within the per-session and per-account caps), sends each notice its owner
/// may see as a text message, answers pings, sends its own pings and drops a peer that stays silent
/// (timeouts). The owner's session is checked again before each notice and every few seconds: a session that
/// ended (logout, expiry, password change, disabled account) ends the feed. It ends when the peer closes, the
/// hub drops the subscriber (too slow, or its session ended) or `stop_hook` is called (server shutdown): then
/// it sends a close frame. While it runs, `stop_hook` is set to a callable that ends the feed cleanly; it is
/// reset on return. Client messages are read and ignored (the feed is one-way).
template <class Stream>
boost::asio::awaitable<void> run_live_feed(Stream& stream, const request& req, const response& upgrade,
                                           server_context& app, std::function<void()>& stop_hook);

extern template boost::asio::awaitable<void> run_live_feed<boost::beast::tcp_stream>(
    boost::beast::tcp_stream&, const request&, const response&, server_context&, std::function<void()>&);
extern template boost::asio::awaitable<void>
run_live_feed<boost::beast::ssl_stream<boost::beast::tcp_stream>>(
    boost::beast::ssl_stream<boost::beast::tcp_stream>&, const request&, const response&, server_context&,
    std::function<void()>&);

}  // namespace relais::http
