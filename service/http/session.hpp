#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <memory>
#include <string>

namespace relais::app {
struct app_context;
}

namespace relais::http {

/// One HTTP/1.1 connection, run as a coroutine on its own strand: read a request (with header and body
/// limits and a deadline), dispatch it, write the response, repeat while keep-alive holds. Requests on a
/// connection are answered one at a time, so pipelined requests wait in the bounded read buffer.
class session : public std::enable_shared_from_this<session> {
public:
    session(boost::asio::ip::tcp::socket socket, app::app_context& app);
    ~session();

    /// The connection's life; completes when the connection is closed.
    boost::asio::awaitable<void> run();

    /// Asks the session to end: an idle connection is closed now, a busy one after its current response.
    /// Thread-safe.
    void stop();

    /// The connection's strand.
    boost::asio::any_io_executor executor() { return stream_.get_executor(); }

private:
    boost::beast::tcp_stream stream_;
    app::app_context& app_;
    std::string client_;
    std::string id_prefix_;
    std::uint64_t served_ = 0;
    bool busy_ = false;           // between a request's first byte being parsed and its response written
    std::atomic<bool> stopping_{false};
};

}  // namespace relais::http
