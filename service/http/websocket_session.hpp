#pragma once

#include "http/types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <functional>

namespace relais::app {
struct app_context;
}

namespace relais::http {

/// True if `req` asks to upgrade the connection to a WebSocket (GET with Upgrade: websocket).
bool is_websocket_upgrade(const request& req);

/// Marks the 101 answer of an accepted upgrade with who opens the feed (the session's token hash, the
/// account id and, for a volunteer, their volunteer id: they see only their own missions' events; empty for
/// staff, who see every event). The 101 is never written as such (the WebSocket handshake answers instead),
/// so these fields stay inside the process; run_live_feed reads them.
void set_live_owner(response& upgrade, std::string_view session_id, std::string_view user_id,
                    std::string_view volunteer_id);

/// The live feed on one connection, after the dispatcher accepted the upgrade of `req` (GET /api/v1/live:
/// signed-in coordinator, admin or volunteer, same origin) with the 101 `upgrade` (set_live_owner). Takes
/// over `stream` (the session's, on its strand): accepts the WebSocket handshake, subscribes to app.events
/// for its owner (within the per-session and per-account caps), sends each notice its owner may see as a text
/// message, answers pings, sends its own pings and drops a peer that stays silent (timeouts). The owner's
/// session is checked again before each notice and every few seconds: a session that ended (logout, expiry,
/// password change, disabled account) ends the feed. It ends when the peer closes, the hub drops the
/// subscriber (too slow, or its session ended) or `stop_hook` is called (server shutdown): then it sends a
/// close frame. While it runs, `stop_hook` is set to a callable that ends the feed cleanly; it is reset on
/// return. Client messages are read and ignored (the feed is one-way).
template <class Stream>
boost::asio::awaitable<void> run_live_feed(Stream& stream, const request& req, const response& upgrade,
                                           app::app_context& app, std::function<void()>& stop_hook);

extern template boost::asio::awaitable<void> run_live_feed<boost::beast::tcp_stream>(
    boost::beast::tcp_stream&, const request&, const response&, app::app_context&, std::function<void()>&);
extern template boost::asio::awaitable<void>
run_live_feed<boost::beast::ssl_stream<boost::beast::tcp_stream>>(
    boost::beast::ssl_stream<boost::beast::tcp_stream>&, const request&, const response&, app::app_context&,
    std::function<void()>&);

}  // namespace relais::http
