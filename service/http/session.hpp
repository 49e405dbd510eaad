#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace boost::asio::ssl {
class context;
}

namespace relais::app {
struct app_context;
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
};

/// A session over an accepted socket: plain HTTP, or HTTPS when `tls` is given (the TLS handshake is then
/// part of the first request's read deadline).
std::shared_ptr<session> make_session(boost::asio::ip::tcp::socket socket, app::app_context& app,
                                      boost::asio::ssl::context* tls);

}  // namespace relais::http
