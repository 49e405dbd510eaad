#include "http/server.hpp"

#include "core/fd_limit.hpp"
#include "core/log_exceptions.hpp"
#include "http/server_context.hpp"
#include "http/session.hpp"
#include "wire/request_checks.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <spdlog/spdlog.h>

namespace relais::http {

namespace asio = boost::asio;
using asio::ip::tcp;

server::server(asio::io_context& ioc, server_context& app, asio::ssl::context* tls)
    : ioc_(ioc),
      app_(app),
      tls_(tls),
      acceptor_(asio::make_strand(ioc)),
      limits_(app.cfg.max_connections_per_address) {}

std::uint16_t server::listen(const std::string& address, std::uint16_t port) {
    tcp::endpoint ep(asio::ip::make_address(address), port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    return acceptor_.local_endpoint().port();
}

void server::start() {
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), core::log_exceptions("the accept loop"));
}

asio::awaitable<void> server::accept_loop() {
    // Everything here runs on the acceptor's strand, as does begin_shutdown's close: never at the same time.
    asio::steady_timer pause(acceptor_.get_executor());
    accept_backoff errors;    // failed accepts (no file descriptor left): no spinning, no flood of log lines
    accept_backoff restarts;  // the loop threw (a bug, no memory): the same pacing, at error level
    for (;;) {
        std::exception_ptr failure;
        try {
            co_await accept_connections(pause, errors, restarts);
            co_return;  // the acceptor was closed: shutting down
        } catch (...) {
            failure = std::current_exception();
        }
        const auto step = restarts.failed(std::chrono::steady_clock::now());
        if (step.report)
            spdlog::error(
                "the accept loop failed {} time(s) since the last report ({}); accepting again in {} ms",
                *step.report, core::log_exceptions::describe(failure), step.pause.count());
        if (!co_await wait(pause, step.pause))
            co_return;
    }
}

asio::awaitable<bool> server::wait(asio::steady_timer& pause, std::chrono::milliseconds d) {
    pause.expires_after(d);
    auto [ec] = co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return !ec && acceptor_.is_open();
}

asio::awaitable<void> server::accept_connections(asio::steady_timer& pause, accept_backoff& errors,
                                                 accept_backoff& restarts) {
    for (;;) {
        // Each connection gets its own strand: its handlers never run concurrently.
        auto [ec, socket] =
            co_await acceptor_.async_accept(asio::make_strand(ioc_), asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (ec) {
            const auto step = errors.failed(std::chrono::steady_clock::now());
            if (step.report)
                spdlog::warn(
                    "accept failed {} time(s) since the last report ({}); pausing up to 500 ms between "
                    "attempts",
                    *step.report, ec.message());
            if (!co_await wait(pause, step.pause))
                co_return;
            continue;
        }
        errors.succeeded();
        if (accept_hook_)
            accept_hook_();
        boost::system::error_code pec;
        const auto peer = socket.remote_endpoint(pec);
        std::optional<address_limits::slot> slot;
        if (!app_.cfg.behind_proxy) {
            // Counted per socket peer now; behind a proxy the session counts the forwarded address instead.
            slot =
                limits_.acquire(pec ? std::string("unknown") : wire::client_key(peer.address().to_string()));
            if (!slot) {
                refused_per_address_++;
                boost::system::error_code ignored;
                socket.close(ignored);
                continue;
            }
        }
        if (app_.stats.open_connections.load() >= static_cast<std::int64_t>(connection_budget()) &&
            !evict_idle()) {
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        socket.set_option(tcp::no_delay(true), pec);
        auto s = make_session(std::move(socket), app_, tls_, limits_, std::move(slot));
        {
            std::lock_guard lock(mutex_);
            if (shutting_down_)
                co_return;
            sessions_[s.get()] = s;
        }
        asio::co_spawn(
            s->executor(),
            [](std::shared_ptr<session> s, server* self) -> asio::awaitable<void> {
                try {
                    co_await s->run();
                } catch (const std::exception& e) {
                    spdlog::error("session ended with an exception: {}", e.what());
                }
                std::lock_guard lock(self->mutex_);
                self->sessions_.erase(s.get());
            }(s, this),
            core::log_exceptions("a connection"));
        restarts.succeeded();
    }
}

std::size_t server::connection_budget() {
    // The open-file limit may be lower than --max-connections (it may even change while running: prlimit):
    // stop at what it leaves room for, rather than failing accepts (EMFILE) and starving the database and
    // the log of descriptors. Re-read at most once a second (one system call).
    const auto now = std::chrono::steady_clock::now();
    if (now - budget_read_at_ >= std::chrono::seconds(1)) {
        const auto fds = core::current_fd_limit();
        const auto margin = core::fd_margin(static_cast<std::size_t>(app_.cfg.readers));
        fd_budget_ = fds.soft > margin
                         ? static_cast<std::size_t>(std::min<std::uint64_t>(fds.soft - margin, SIZE_MAX))
                         : 0;
        budget_read_at_ = now;
    }
    return std::min(app_.cfg.max_connections, fd_budget_);
}

bool server::evict_idle() {
    // Only when every slot is taken; a scan of the live connections is cheap next to refusing service.
    // A connection claimed here closes shortly (on its own strand), so the count may pass the cap by the few
    // connections being closed at that moment.
    for (;;) {
        std::shared_ptr<session> oldest;
        std::optional<std::chrono::steady_clock::time_point> oldest_since;
        {
            std::lock_guard lock(mutex_);
            for (auto& [p, w] : sessions_) {
                auto since = p->idle_since();
                if (since && (!oldest_since || *since < *oldest_since)) {
                    if (auto s = w.lock()) {
                        oldest = std::move(s);
                        oldest_since = since;
                    }
                }
            }
        }
        if (!oldest)
            return false;
        if (oldest->close_if_idle()) {
            evicted_idle_++;
            return true;
        }
        // It became busy meanwhile: look again.
    }
}

void server::begin_shutdown() {
    // Called from the signal handler's thread: the close runs on the acceptor's strand, like its loop.
    asio::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    });
    std::vector<std::shared_ptr<session>> live;
    {
        std::lock_guard lock(mutex_);
        shutting_down_ = true;
        for (auto& [p, w] : sessions_)
            if (auto s = w.lock())
                live.push_back(std::move(s));
    }
    for (auto& s : live)
        s->stop();
}

std::size_t server::live_sessions() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace relais::http
