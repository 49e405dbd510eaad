#include "app/runner.hpp"
#include "auth/sessions.hpp"
#include "auth/setup_gate.hpp"

#include "auth/password_policy.hpp"

#include "api/event_hub.hpp"
#include "api/read_cache.hpp"
#include "api/routes.hpp"
#include "app/retention_job.hpp"
#include "app/server_log.hpp"
#include "auth/hash_pool.hpp"
#include "auth/login_throttle.hpp"
#include "auth/session_cache.hpp"
#include "core/clock.hpp"
#include "core/fd_limit.hpp"
#include "core/metrics.hpp"
#include "core/thread_name.hpp"
#include "domain/programme.hpp"
#include "domain/requests.hpp"
#include "domain/secret_handover.hpp"
#include "http/call_throttle.hpp"
#include "http/server.hpp"
#include "http/server_context.hpp"
#include "http/static_cache.hpp"
#include "http/tls.hpp"
#include "match/maintenance.hpp"
#include "notify/digest.hpp"
#include "notify/outbox.hpp"
#include "notify/planner.hpp"
#include "notify/push_subscriptions.hpp"
#include "notify/sender.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include "store/connection.hpp"
#include "store/migrations.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

namespace relais::app {

namespace asio = boost::asio;

namespace {

/// --public-url without its trailing slashes (links and signed webhook addresses append paths to it).
std::string public_url_of(std::string url) {
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url;
}

/// The most bytes of web-root files kept in memory (the app is about 350 KB; a stray large file is served
/// from disk instead of growing the process).
constexpr std::size_t static_cache_bytes = 16 * 1024 * 1024;

}  // namespace

int run_server(const config& cfg, server_log& log, const demo_seeder& seed_demo) {
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

    // Messages are decided inside the commit of the change they tell of (notify::plan_messages); the
    // address their links start with is known once the server listens, before anything is written.
    std::mutex plan_mutex;
    notify::planner_settings plan;
    plan.email = !cfg.smtp_url.empty();
    plan.sms = !cfg.sms_provider.empty();
    std::string sms_token;
    if (plan.sms) {
        std::ifstream f(cfg.sms_token_file);
        if (!std::getline(f, sms_token) || sms_token.empty()) {
            spdlog::critical("cannot read --sms-token-file {}", cfg.sms_token_file);
            return 1;
        }
    }
    plan.keep_seconds = std::int64_t{cfg.outbox_retention_days} * 86400;
    try {
        plan.words = core::dictionaries::load(std::filesystem::path(cfg.web_root) / "i18n");
    } catch (const std::exception& e) {
        spdlog::warn("message texts not loaded ({}): messages would show their keys", e.what());
    }
    store::store_options so;
    so.path = cfg.db;
    so.before_commit = [&plan, &plan_mutex](SQLite::Database& conn,
                                            const std::vector<store::committed_event>& ev) {
        std::lock_guard lock(plan_mutex);
        std::size_t failed = 0;
        notify::plan_messages(conn, ev, plan, &failed);
        return failed;
    };
    so.sync = cfg.synchronous == "normal" ? store::sync_mode::normal : store::sync_mode::full;
    so.readers = cfg.readers;
    so.write_queue = cfg.write_queue;
    std::unique_ptr<store::store> db;
    try {
        store::migrate(cfg.db);
        if (cfg.demo) {
            if (!seed_demo) {
                spdlog::critical("--demo: this build has no demo season");
                return 1;
            }
            try {
                // With a test clock started at a given time, the demo season ends there (tests replay the
                // demo at chosen hours of the day); otherwise at the real present.
                const std::int64_t ends_at =
                    cfg.test_clock_start ? *cfg.test_clock_start : core::clock(false).now_s();
                seed_demo(cfg.db, ends_at);
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

    core::metrics stats;
    stats.log_lines_dropped = [&log] { return log.dropped(); };
    core::clock clk(cfg.test_clock);
    if (cfg.test_clock_start)
        clk.start_at(std::chrono::system_clock::time_point(std::chrono::seconds(*cfg.test_clock_start)));
    asio::thread_pool workers(2);  // blocking work that is neither SQLite nor hashing: files
    auth::login_throttle logins;   // password checks (in memory)
    http::call_throttle calls(     // every caller's rate limit (in memory)
        http::call_policy_of(cfg.public_post_limit, cfg.public_post_window, cfg.rate_limits));
    // Argon2 on threads of its own with a bounded queue, so a burst of logins can neither starve the workers
    // (static files) nor queue without bound (full queue: 503).
    auth::hash_pool hashing(cfg.hash_threads, cfg.hash_queue);
    auth::session_cache sessions;
    api::read_cache reads;  // serialized answers of repeated identical reads (the coordinators' queue)
    api::event_hub feeds;   // the live feeds (GET /api/v1/live), fed by the store's committed events
    feeds.set_caps(cfg.live_per_session, cfg.live_per_user);
    std::shared_ptr<match::engine> matcher;  // the volunteer index and auto-dispatch, loaded below

    // Web push: the server's VAPID key pair, made once and kept in the database (a new pair would orphan
    // every device's subscription). On with a --public-url (the links pushed must reach the service) unless
    // --push off.
    std::optional<notify::vapid_keys> vapid;
    if (cfg.push.value_or(!cfg.public_url.empty())) {
        try {
            auto conn = store::open_writer(cfg.db, so.sync);
            SQLite::Transaction tx(conn);
            vapid = notify::load_or_make_vapid_keys(conn, clk.now_s());
            tx.commit();
        } catch (const std::exception& e) {
            spdlog::critical("the web push keys could not be read or made: {}", e.what());
            return 1;
        }
        std::lock_guard lock(plan_mutex);
        plan.push = true;
    }
    domain::phone_plan phones;  // the region of numbers typed without a country code: the programme's country
    {
        auto conn = store::open_reader(cfg.db);
        phones.set_region(domain::load_programme(conn).country);
    }
    // First start without an admin (and without --demo): a one-time setup link, printed once listening.
    auth::setup_gate setup;
    std::string setup_token;
    if (!cfg.demo) {
        auto conn = store::open_reader(cfg.db);
        SQLite::Statement admins(conn,
                                 "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL");
        admins.executeStep();
        if (admins.getColumn(0).getInt() == 0)
            setup_token = setup.open(auth::wall_now_s());
    }
    // Every route, declared once by its group with the services it uses.
    const api::service_set services{{*db, clk, phones},
                                    hashing,
                                    workers,
                                    logins,
                                    feeds,
                                    reads,
                                    stats,
                                    matcher,
                                    cfg.web_root,
                                    cfg.secure_cookies,
                                    cfg.behind_proxy,
                                    cfg.session_idle,
                                    cfg.session_lifetime,
                                    cfg.login_limit,
                                    cfg.login_account_limit,
                                    cfg.login_window,
                                    !cfg.smtp_url.empty(),
                                    plan.sms,
                                    cfg.sms_provider,
                                    sms_token,
                                    public_url_of(cfg.public_url),
                                    std::int64_t{cfg.outbox_retention_days} * 86400,
                                    vapid ? vapid->public_key() : std::string(),
                                    cfg.push_local_http,
                                    setup_token.empty() ? nullptr : &setup};
    const wire::route_table routes = api::declare_routes(services);

    http::server_config hcfg;
    hcfg.web_root = cfg.web_root;
    hcfg.readers = cfg.readers;
    hcfg.body_limit = cfg.body_limit;
    hcfg.header_limit = cfg.header_limit;
    hcfg.read_timeout = cfg.read_timeout;
    hcfg.write_timeout = cfg.write_timeout;
    hcfg.max_connections = cfg.max_connections;
    hcfg.max_connections_per_address = cfg.max_connections_per_address;
    hcfg.session_idle = cfg.session_idle;
    hcfg.secure_cookies = cfg.secure_cookies;
    hcfg.behind_proxy = cfg.behind_proxy;
    hcfg.allowed_hosts = cfg.allowed_hosts;
    http::server_context web(hcfg, routes, *db, sessions, calls, stats, workers, feeds);
    // The web app's files and page dictionaries, read once: serving them needs no file I/O or worker thread.
    web.statics = http::static_cache::load(cfg.web_root, static_cache_bytes);
    spdlog::info("web root: {} files ({} bytes) in memory, {} left on disk", web.statics->files(),
                 web.statics->bytes(), web.statics->skipped());
    spdlog::info("password hashing: {} threads, {} jobs may wait", hashing.threads(), hashing.queue_limit());
    auth::common_passwords();  // the list new passwords are checked against, built once before serving
    matcher = match::start_engine(cfg.db, clk.now_s());  // the volunteer index, loaded before serving
    // New requests' tracking codes reach the planner through the writer's memory (never the file): queued
    // first, before any request's job.
    db->post_write([](SQLite::Database& conn) { domain::hand_over_secrets(conn); });
    const match::engine_services engine_host{*db, clk, matcher};

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
    http::server srv(ioc, web, tls.get());
    std::uint16_t port = 0;
    try {
        port = srv.listen(cfg.bind, cfg.port);
    } catch (const std::exception& e) {
        spdlog::critical("cannot listen on {}:{}: {}", cfg.bind, cfg.port, e.what());
        return 1;
    }
    {
        std::lock_guard lock(plan_mutex);
        plan.public_url = cfg.public_url.empty() ? std::string(tls ? "https://" : "http://") + cfg.bind +
                                                       ":" + std::to_string(port)
                                                 : cfg.public_url;
        while (!plan.public_url.empty() && plan.public_url.back() == '/')
            plan.public_url.pop_back();
    }
    if (cfg.public_url.empty())
        spdlog::warn("no --public-url: links in messages point at {}", plan.public_url);
    // The outbox's sender, on a thread of its own; woken by every commit (one may have queued messages).
    std::unique_ptr<notify::sender> outbox_sender;
    std::optional<std::uint64_t> sender_subscription;
    if (plan.email || plan.sms || plan.push) {
        notify::sender_settings ss;
        if (vapid) {
            ss.push.vapid_private_key = vapid->private_key();
            ss.push.vapid_public_key = vapid->public_key();
            ss.push.subject = !cfg.push_subject.empty() ? cfg.push_subject
                              : !cfg.mail_from.empty()  ? "mailto:" + cfg.mail_from
                                                        : plan.public_url;
            if (!ss.push.subject.starts_with("mailto:") && !ss.push.subject.starts_with("https://"))
                ss.push.subject = "mailto:relais@invalid";  // (an http:// bind address is no contact)
            ss.push.ca_file = cfg.push_ca_file;
            ss.push.allow_local_http = cfg.push_local_http;
        }
        if (plan.sms) {
            ss.sms.provider = cfg.sms_provider;
            ss.sms.url = cfg.sms_url;
            ss.sms.account = cfg.sms_account;
            ss.sms.token = sms_token;
            ss.sms.from = cfg.sms_from;
            ss.sms.ca_file = cfg.sms_ca_file;
            ss.sms.status_url = plan.public_url + "/api/v1/sms/status";
        }
        ss.smtp.url = cfg.smtp_url;
        ss.smtp.user = cfg.smtp_user;
        ss.smtp.from = cfg.mail_from;
        ss.smtp.ca_file = cfg.smtp_ca_file;
        if (!cfg.smtp_password_file.empty()) {
            std::ifstream f(cfg.smtp_password_file);
            if (!std::getline(f, ss.smtp.password)) {
                spdlog::critical("cannot read --smtp-password-file {}", cfg.smtp_password_file);
                return 1;
            }
        }
        {
            // The programme's name as the sender's display name, read once at start.
            auto conn = store::open_reader(cfg.db);
            ss.from_name = domain::load_programme(conn).name;
        }
        // The public requests' receipts, owed by their commits, written out off them (notify/planner.hpp).
        ss.expand_owed = [&plan, &plan_mutex](SQLite::Database& conn, std::int64_t now, int limit) {
            std::lock_guard lock(plan_mutex);
            return notify::expand_owed_receipts(conn, plan, now, limit);
        };
        ss.oldest_owed = [](SQLite::Database& conn) { return notify::oldest_owed_receipt(conn); };
        if (plan.email)
            ss.daily = [&plan, &plan_mutex](SQLite::Database& conn, std::int64_t now) {
                std::lock_guard lock(plan_mutex);
                notify::queue_morning_digests(conn, now, plan);
            };
        try {
            outbox_sender = std::make_unique<notify::sender>(*db, clk, ss);
        } catch (const std::invalid_argument& e) {
            spdlog::critical("{}", e.what());
            return 1;
        }
        outbox_sender->start();
        sender_subscription =
            db->events().subscribe([s = outbox_sender.get()](const store::committed_batch&) { s->wake(); });
        if (plan.email)
            spdlog::info("email: on, sent as {}", cfg.mail_from);
        if (plan.sms)
            spdlog::info("sms: on, through the {} provider", cfg.sms_provider);
        if (plan.push)
            spdlog::info("web push: on");
    }
    if (!plan.push)
        spdlog::info("web push: off ({})", cfg.public_url.empty() ? "no --public-url" : "--push off");
    if (!plan.email)
        spdlog::warn("email: off (no --smtp-url): nobody is told anything by email");
    if (!plan.sms)
        spdlog::info("sms: off (no --sms-provider)");
    // The committed domain events (store::event_dispatcher) reach the live feeds and the volunteer index;
    // nothing publishes from the HTTP routes, so changes made by the tick or inside a batch are seen too.
    const auto feed_subscription =
        db->events().subscribe([&feeds](const store::committed_batch& batch) { feeds.publish(batch); });
    const auto index_subscription = match::follow_commits(ioc, engine_host);
    srv.start();
    // Proposal expiry and auto re-dispatch every --tick; a new request's automatic proposal at once.
    const auto wakeup = match::spawn_maintenance(ioc, engine_host, cfg.tick);
    const auto dispatch_subscription = match::dispatch_new_requests_promptly(*db, wakeup);
    spawn_retention_job(ioc, *db, clk);  // personal data past its retention period erased every hour
    spdlog::info("relais {} listening on {}://{}:{} (database {}, {} I/O threads)", RELAIS_VERSION,
                 tls ? "https" : "http", cfg.bind, port, cfg.db, cfg.threads);
    log.flush();  // whoever started the server (a service manager, a test) waits for this line
    if (!setup_token.empty()) {
        // On standard output only, never in the log: the link is a secret (its token is in the fragment,
        // which browsers do not send, so no access log sees it either).
        const std::string host = cfg.bind == "0.0.0.0" || cfg.bind == "::" ? "localhost" : cfg.bind;
        const std::string base = !cfg.public_url.empty() ? public_url_of(cfg.public_url)
                                                         : std::string(tls ? "https" : "http") + "://" +
                                                               host + ":" + std::to_string(port);
        std::cout << "\nNo admin account yet. Set up the city within the hour at:\n  " << base
                  << "/setup/#lien=" << setup_token << "\n\n"
                  << std::flush;
        spdlog::warn("first start: no admin account; the one-time setup link is on standard output (1 hour)");
        log.flush();
    }

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
        feeds.stop();  // live feeds close cleanly and no new one starts
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
        threads.emplace_back([&ioc] {
            core::name_this_thread("relais-io");
            ioc.run();
        });
    ioc.run();
    for (auto& t : threads)
        t.join();
    workers.join();
    hashing.join();
    // The subscribers use the feeds, the engine and the I/O context: off before the last writes drain.
    db->events().unsubscribe(feed_subscription);
    db->events().unsubscribe(index_subscription);
    db->events().unsubscribe(dispatch_subscription);
    if (sender_subscription)
        db->events().unsubscribe(*sender_subscription);
    if (outbox_sender)
        outbox_sender->stop();  // before the store: it reads and writes through it
    db->stop();
    spdlog::info("relais stopped cleanly");  // written out by the caller's server_log as it goes
    return 0;
}

}  // namespace relais::app
