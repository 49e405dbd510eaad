// The accept loop survives a throw: it logs it, pauses and accepts again (one exception must not leave a
// running server that takes no connection). The server runs in this process on an ephemeral port, with the
// test hook making the accept loop throw on chosen connections.
#include "http/server.hpp"

#include "api/event_hub.hpp"
#include "api/routes.hpp"
#include "http/call_throttle.hpp"
#include "http/server_context.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/log_capture.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

using namespace std::chrono_literals;

namespace {

/// One GET /healthz over a new connection (closed by the server after the answer); what came back, empty
/// when the connection was closed without an answer. Gives up after 5 s without data.
std::string get_healthz(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string out;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
        const std::string req = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
            char buf[4096];
            for (;;) {
                const auto n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0)
                    break;
                out.append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    ::close(fd);
    return out;
}

}  // namespace

TEST_CASE("the accept loop logs a throw and accepts again after a pause") {
    relais::testing::temp_dir dir;
    const std::string path = dir.file("relais.db");
    relais::testing::log_capture log;
    relais::store::migrate(path);
    relais::store::store_options so;
    so.path = path;
    so.sync = relais::store::sync_mode::normal;
    relais::store::store db(so);
    relais::core::metrics stats;
    boost::asio::thread_pool workers(1);
    relais::wire::route_table routes;
    relais::api::add_system_routes(routes, {db, [&stats] { return stats.render(); }});
    const relais::http::server_config cfg;
    relais::auth::session_cache sessions;
    relais::http::call_throttle calls;
    relais::api::event_hub feeds;
    relais::http::server_context app(cfg, routes, db, sessions, calls, stats, workers, feeds);

    boost::asio::io_context ioc;
    relais::http::server srv(ioc, app);
    const auto port = srv.listen("127.0.0.1", 0);
    std::atomic<int> throws_left{2};  // the first two connections make the loop throw
    srv.set_accept_hook([&] {
        if (throws_left.fetch_sub(1) > 0)
            throw std::runtime_error("injected accept failure");
    });
    srv.start();
    std::thread io([&] { ioc.run(); });

    const auto started = std::chrono::steady_clock::now();
    CHECK(get_healthz(port).empty());  // its connection went down with the throw
    CHECK(get_healthz(port).empty());
    const auto answer = get_healthz(port);  // accepted after the pauses (50 then 100 ms)
    CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(std::chrono::steady_clock::now() - started >= 150ms);
    CHECK(get_healthz(port).rfind("HTTP/1.1 200", 0) == 0);

    srv.begin_shutdown();
    ioc.stop();
    io.join();
    workers.join();
    db.stop();

    const auto text = log.text();
    // The first failure is reported at once, the second within the same 5 s is only counted.
    CHECK(text.find("error the accept loop failed 1 time(s) since the last report (injected accept failure); "
                    "accepting again in 50 ms") != std::string::npos);
    CHECK(text.find("failed 2 time(s)") == std::string::npos);
}
