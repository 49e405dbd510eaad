#include "app/runner.hpp"

#include "auth/password_policy.hpp"

#include "api/routes.hpp"
#include "app/app_context.hpp"
#include "app/demo.hpp"
#include "core/fd_limit.hpp"
#include "app/retention_job.hpp"
#include "app/server_log.hpp"
#include "http/server.hpp"
#include "http/static_cache.hpp"
#include "http/tls.hpp"
#include "match/maintenance.hpp"
#include "store/connection.hpp"
#include "store/migrations.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <iostream>
#include <thread>

namespace relais::app {

namespace asio = boost::asio;

namespace {

/// The most bytes of web-root files kept in memory (the app is about 350 KB; a stray large file is served
/// from disk instead of growing the process).
constexpr std::size_t static_cache_bytes = 16 * 1024 * 1024;

// Demo credentials go to the terminal of whoever ran scripts/run (they exist only in a demo database).
void print_demo_logins(const std::vector<demo_login>& logins) {
    if (logins.empty())
        return;
    std::cout << "\nDemo city seeded. Demo sign-ins (demo database only):\n";
    for (const auto& l : logins)
        std::cout << "  " << l.role << std::string(12 - std::min<std::size_t>(11, l.role.size()), ' ')
                  << l.email << "  /  " << l.password << "\n";
    std::cout << std::endl;
}

}  // namespace

int run_server(const config& cfg, server_log& log) {
    if (sodium_init() < 0) {
        spdlog::critical("libsodium failed to initialise");
        return 1;
    }
    if (auto dir = std::filesystem::path(cfg.db).parent_path(); !dir.empty())
        std::filesystem::create_directories(dir);
    // Every connection is a file descriptor: with a limit below --max-connections, accept fails (EMFILE)
    // long before the connection cap is reached.
    if (const auto fds = core::raise_fd_limit();
        !core::fd_limit_enough(fds, cfg.max_connections, static_cast<std::size_t>(cfg.readers)))
        spdlog::warn(
            "the open-file limit is {} (hard limit {}), below --max-connections {} plus {} for the "
            "database and the rest: fewer connections will be taken; raise LimitNOFILE / ulimit -n",
            fds.soft, fds.hard, cfg.max_connections, core::fd_margin(static_cast<std::size_t>(cfg.readers)));

    if (const auto open = store::files_open_to_others(cfg.db); !open.empty() && !cfg.allow_shared_db) {
        for (const auto& f : open)
            spdlog::critical(
                "{} can be read or written by other users of this machine; it holds personal data: "
                "run `chmod 600 {}` (or start with --allow-shared-db if that is intended)",
                f, f);
        return 1;
    }

    store::store_options so;
    so.path = cfg.db;
    so.sync = cfg.synchronous == "normal" ? store::sync_mode::normal : store::sync_mode::full;
    so.readers = cfg.readers;
    so.write_queue = cfg.write_queue;
    std::unique_ptr<store::store> db;
    try {
        store::migrate(cfg.db);
        if (cfg.demo) {
            try {
                // With a test clock started at a given time, the demo season ends there (tests replay the
                // demo at chosen hours of the day); otherwise at the real present.
                const std::int64_t ends_at =
                    cfg.test_clock_start ? *cfg.test_clock_start : clock(false).now_s();
                print_demo_logins(seed_demo_if_empty(cfg.db, ends_at));
            } catch (const std::runtime_error& e) {
                spdlog::critical("the demo city could not be seeded: {}", e.what());
                return 1;
            }
        }
        db = std::make_unique<store::store>(so);
    } catch (const store::schema_too_new& e) {
        spdlog::critical("{}", e.what());
        return 2;
    }

    metrics stats;
    stats.log_lines_dropped = [&log] { return log.dropped(); };
    clock clk(cfg.test_clock);
    if (cfg.test_clock_start)
        clk.start_at(std::chrono::system_clock::time_point(std::chrono::seconds(*cfg.test_clock_start)));
    asio::thread_pool workers(2);
    app_context app{cfg, *db, stats, clk, workers, {}};
    app.throttles.call_policy =
        auth::call_policy_of(cfg.public_post_limit, cfg.public_post_window, cfg.rate_limits);
    // The web app's files and page dictionaries, read once: serving them needs no file I/O or worker thread.
    app.statics = http::static_cache::load(cfg.web_root, static_cache_bytes);
    spdlog::info("web root: {} files ({} bytes) in memory, {} left on disk", app.statics->files(),
                 app.statics->bytes(), app.statics->skipped());
    app.events.set_caps(cfg.live_per_session, cfg.live_per_user);
    api::register_routes(app);
    spdlog::info("password hashing: {} threads, {} jobs may wait", app.hashing.threads(),
                 app.hashing.queue_limit());
    auth::common_passwords();  // the list new passwords are checked against, built once before serving
    app.matcher = match::start_engine(cfg.db, clk.now_s());  // the volunteer index, loaded before serving

    std::unique_ptr<asio::ssl::context> tls;
    if (!cfg.tls_cert.empty()) {
        try {
            tls = http::make_tls_context(cfg.tls_cert, cfg.tls_key);
        } catch (const std::exception& e) {
            spdlog::critical("{}", e.what());
            return 1;
        }
    }

    asio::io_context ioc(static_cast<int>(cfg.threads));
    http::server srv(ioc, app, tls.get());
    std::uint16_t port = 0;
    try {
        port = srv.listen(cfg.bind, cfg.port);
    } catch (const std::exception& e) {
        spdlog::critical("cannot listen on {}:{}: {}", cfg.bind, cfg.port, e.what());
        return 1;
    }
    // The committed domain events (store::event_dispatcher) reach the live feeds and the volunteer index;
    // nothing publishes from the HTTP routes, so changes made by the tick or inside a batch are seen too.
    const auto feed_subscription =
        db->events().subscribe([&app](const store::committed_batch& batch) { app.events.publish(batch); });
    const auto index_subscription = match::follow_commits(ioc, app);
    srv.start();
    match::spawn_maintenance(ioc, app, cfg.tick);  // proposal expiry and auto re-dispatch every --tick
    spawn_retention_job(ioc, app);       // personal data past its retention period erased every hour
    spdlog::info("relais {} listening on {}://{}:{} (database {}, {} I/O threads)", RELAIS_VERSION,
                 tls ? "https" : "http", cfg.bind, port, cfg.db, cfg.threads);
    log.flush();  // whoever started the server (a service manager, a test) waits for this line

    // Graceful shutdown: stop accepting, let in-flight requests finish (bounded by the grace period), then
    // stop the I/O threads; the store drains its queue and closes the database afterwards.
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    asio::steady_timer grace(ioc);
    // `poll` re-arms itself from the timer, so it must outlive the signal handler that starts it.
    std::function<void()> poll;
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec)
            return;
        spdlog::info("signal {} received: shutting down", sig);
        app.events.stop();  // live feeds close cleanly and no new one starts
        srv.begin_shutdown();
        const auto deadline = std::chrono::steady_clock::now() + cfg.shutdown_grace;
        poll = [&, deadline] {
            if (srv.live_sessions() == 0 || std::chrono::steady_clock::now() >= deadline) {
                if (srv.live_sessions() > 0)
                    spdlog::warn("{} connections still open after the grace period", srv.live_sessions());
                ioc.stop();
                return;
            }
            grace.expires_after(std::chrono::milliseconds(20));
            grace.async_wait([&](const boost::system::error_code&) { poll(); });
        };
        poll();
    });

    std::vector<std::thread> threads;
    for (unsigned i = 1; i < cfg.threads; ++i)
        threads.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : threads)
        t.join();
    workers.join();
    app.hashing.join();
    // The subscribers use the app context and the I/O context: off before the last writes drain.
    db->events().unsubscribe(feed_subscription);
    db->events().unsubscribe(index_subscription);
    db->stop();
    spdlog::info("relais stopped cleanly");  // written out by the caller's server_log as it goes
    return 0;
}

}  // namespace relais::app
