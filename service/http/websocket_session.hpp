#pragma once

#include "http/types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <functional>

namespace relais::app {
class event_hub;
}

namespace relais::http {

/// True if `req` asks to upgrade the connection to a WebSocket (GET with Upgrade: websocket).
bool is_websocket_upgrade(const request& req);

/// The live feed on one connection, after the dispatcher accepted the upgrade of `req` (GET /api/v1/live:
/// signed-in coordinator or admin, same origin). Takes over `stream` (the session's, on its strand): accepts
/// the WebSocket handshake, subscribes to `hub`, sends each notice as a text message, answers pings, sends
/// its own pings and drops a peer that stays silent (timeouts). It ends when the peer closes, the hub drops
/// the subscriber (too slow) or `stop_hook` is called (server shutdown): then it sends a close frame.
/// While it runs, `stop_hook` is set to a callable that ends the feed cleanly; it is reset on return.
/// Client messages are read and ignored (the feed is one-way).
template <class Stream>
boost::asio::awaitable<void> run_live_feed(Stream& stream, const request& req, app::event_hub& hub,
                                           std::function<void()>& stop_hook);

extern template boost::asio::awaitable<void> run_live_feed<boost::beast::tcp_stream>(
    boost::beast::tcp_stream&, const request&, app::event_hub&, std::function<void()>&);
extern template boost::asio::awaitable<void>
run_live_feed<boost::beast::ssl_stream<boost::beast::tcp_stream>>(
    boost::beast::ssl_stream<boost::beast::tcp_stream>&, const request&, app::event_hub&,
    std::function<void()>&);

}  // namespace relais::http
