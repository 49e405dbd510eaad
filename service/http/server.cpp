#include "http/server.hpp"

#include "app/app_context.hpp"
#include "http/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>

#include <spdlog/spdlog.h>

namespace relais::http {

namespace asio = boost::asio;
using asio::ip::tcp;

server::server(asio::io_context& ioc, app::app_context& app, asio::ssl::context* tls)
    : ioc_(ioc), app_(app), tls_(tls), acceptor_(ioc) {}

std::uint16_t server::listen(const std::string& address, std::uint16_t port) {
    tcp::endpoint ep(asio::ip::make_address(address), port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    return acceptor_.local_endpoint().port();
}

void server::start() { asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached); }

asio::awaitable<void> server::accept_loop() {
    for (;;) {
        // Each connection gets its own strand: its handlers never run concurrently.
        auto [ec, socket] =
            co_await acceptor_.async_accept(asio::make_strand(ioc_), asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (ec) {
            spdlog::warn("accept failed: {}", ec.message());
            continue;
        }
        if (app_.stats.open_connections.load() >= static_cast<std::int64_t>(app_.cfg.max_connections)) {
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        socket.set_option(tcp::no_delay(true));
        auto s = make_session(std::move(socket), app_, tls_);
        {
            std::lock_guard lock(mutex_);
            if (shutting_down_)
                co_return;
            sessions_[s.get()] = s;
        }
        asio::co_spawn(s->executor(), [](std::shared_ptr<session> s, server* self) -> asio::awaitable<void> {
            try {
                co_await s->run();
            } catch (const std::exception& e) {
                spdlog::error("session ended with an exception: {}", e.what());
            }
            std::lock_guard lock(self->mutex_);
            self->sessions_.erase(s.get());
        }(s, this), asio::detached);
    }
}

void server::begin_shutdown() {
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
