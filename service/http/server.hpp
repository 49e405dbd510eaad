#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/accept_backoff.hpp"
#include "http/address_limits.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace boost::asio::ssl {
class context;
}

namespace relais::http {
struct server_context;
}

namespace relais::http {

class session;

/// Accepts connections and starts a session per connection, each on its own strand. Keeps a registry of
/// live sessions so a graceful shutdown can stop them. Connection slots are bounded: per client key
/// (--max-connections-per-address: the socket peer, or behind a proxy the forwarded address once a request's
/// headers are read) and in total (--max-connections: when all are taken, the connection idle the longest
/// is closed to make room; with none idle, the new one is closed; an open-file limit too low for
/// --max-connections lowers it). Accept errors (no file descriptor left) pause the loop, growing from 50 to
/// 500 ms, and are logged once per interval with their count (accept_backoff). The acceptor and its loop
/// live on a strand of their own (closing it is posted there); an exception out of the loop is logged and the
/// loop starts again after a pause growing the same way, so one throw cannot end accepting for good.
class server {
  public:
    /// With `tls`, every connection speaks HTTPS with that context (which must outlive the server).
    server(boost::asio::io_context& ioc, server_context& app, boost::asio::ssl::context* tls = nullptr);

    /// Binds and listens; returns the bound port (useful with port 0).
    std::uint16_t listen(const std::string& address, std::uint16_t port);

    /// Starts accepting (call after listen).
    void start();

    /// Stops accepting and asks every session to finish its current request and close.
    void begin_shutdown();

    std::size_t live_sessions() const;

    /// Connections refused because their address held too many, and idle ones closed to make room.
    std::uint64_t refused_per_address() const { return refused_per_address_.load(); }
    std::uint64_t evicted_idle() const { return evicted_idle_.load(); }

    /// Tests only (the server never sets it): called on each accepted connection before its session
    /// starts, so a test can make the accept loop throw and watch it recover. Set before start().
    void set_accept_hook(std::function<void()> hook) { accept_hook_ = std::move(hook); }

  private:
    /// Runs accept_connections, and again after a pause whenever it throws; ends once the acceptor is closed.
    boost::asio::awaitable<void> accept_loop();
    /// Accepts until the acceptor is closed (returns) or something throws. `errors` paces failed accepts;
    /// `restarts` is told when a connection got through, so the next failure pauses briefly again.
    boost::asio::awaitable<void> accept_connections(boost::asio::steady_timer& pause, accept_backoff& errors,
                                                    accept_backoff& restarts);
    /// Waits `d` on `pause`; false if the wait was cancelled or the acceptor closed meanwhile.
    boost::asio::awaitable<bool> wait(boost::asio::steady_timer& pause, std::chrono::milliseconds d);
    /// Closes the live connection idle the longest; false if none is idle.
    bool evict_idle();
    /// --max-connections, or fewer when the open-file limit leaves room for fewer (accept loop only).
    std::size_t connection_budget();

    boost::asio::io_context& ioc_;
    server_context& app_;
    boost::asio::ssl::context* tls_;
    boost::asio::ip::tcp::acceptor acceptor_;  ///< on a strand of its own: see accept_loop, begin_shutdown
    std::function<void()> accept_hook_;
    mutable std::mutex mutex_;
    std::unordered_map<session*, std::weak_ptr<session>> sessions_;
    bool shutting_down_ = false;
    address_limits limits_;
    std::size_t fd_budget_ = 0;
    std::chrono::steady_clock::time_point budget_read_at_{};
    std::atomic<std::uint64_t> refused_per_address_{0};
    std::atomic<std::uint64_t> evicted_idle_{0};
};

}  // namespace relais::http
