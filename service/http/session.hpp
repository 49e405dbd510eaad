#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/address_limits.hpp"

#include <chrono>
#include <memory>
#include <optional>

namespace boost::asio::ssl {
class context;
}

namespace relais::http {
struct server_context;
}

namespace relais::http {

/// One HTTP/1.1 connection, run as a coroutine on its own strand: read a request (with header and body
/// limits and a deadline), dispatch it, write the response, repeat while keep-alive holds. Requests on a
/// connection are answered one at a time, so pipelined requests wait in the bounded read buffer.
/// The same loop serves plain TCP and TLS (see make_session).
class session : public std::enable_shared_from_this<session> {
  public:
    virtual ~session() = default;

    /// The connection's life; completes when the connection is closed.
    virtual boost::asio::awaitable<void> run() = 0;

    /// Asks the session to end: an idle connection is closed now, a busy one after its current response.
    /// Thread-safe.
    virtual void stop() = 0;

    /// The connection's strand.
    virtual boost::asio::any_io_executor executor() = 0;

    /// When the connection became idle (a kept-alive connection waiting for the first byte of its next
    /// request), or nullopt while it is not idle (new, mid-request, answering, live feed). Thread-safe.
    virtual std::optional<std::chrono::steady_clock::time_point> idle_since() const = 0;

    /// Closes the connection if it is still idle (the server makes room for a new one when every slot is
    /// taken); false if it is not idle any more. A connection is claimed at most once. Thread-safe.
    virtual bool close_if_idle() = 0;
};

/// A session over an accepted socket: plain HTTP, or HTTPS when `tls` is given (the TLS handshake is then
/// part of the first request's read deadline). `slot` is its place in `limits` (the socket peer's key), or
/// empty behind a proxy: then each request takes a slot for its forwarded address once its headers are read,
/// and a request over the cap is refused (429) and the connection closed.
std::shared_ptr<session> make_session(boost::asio::ip::tcp::socket socket, server_context& app,
                                      boost::asio::ssl::context* tls, address_limits& limits,
                                      std::optional<address_limits::slot> slot);

}  // namespace relais::http
