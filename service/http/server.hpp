#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <mutex>
#include <unordered_map>

namespace boost::asio::ssl {
class context;
}

namespace relais::app {
struct app_context;
}

namespace relais::http {

class session;

/// Accepts connections and starts a session per connection, each on its own strand. Keeps a registry of
/// live sessions so a graceful shutdown can stop them.
class server {
public:
    /// With `tls`, every connection speaks HTTPS with that context (which must outlive the server).
    server(boost::asio::io_context& ioc, app::app_context& app, boost::asio::ssl::context* tls = nullptr);

    /// Binds and listens; returns the bound port (useful with port 0).
    std::uint16_t listen(const std::string& address, std::uint16_t port);

    /// Starts accepting (call after listen).
    void start();

    /// Stops accepting and asks every session to finish its current request and close.
    void begin_shutdown();

    std::size_t live_sessions() const;

private:
    boost::asio::awaitable<void> accept_loop();

    boost::asio::io_context& ioc_;
    app::app_context& app_;
    boost::asio::ssl::context* tls_;
    boost::asio::ip::tcp::acceptor acceptor_;
    mutable std::mutex mutex_;
    std::unordered_map<session*, std::weak_ptr<session>> sessions_;
    bool shutting_down_ = false;
};

}  // namespace relais::http
