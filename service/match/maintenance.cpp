#include "match/maintenance.hpp"

#include "core/clock.hpp"
#include "core/log_exceptions.hpp"
#include "match/engine.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <atomic>

namespace relais::match {

namespace asio = boost::asio;

std::shared_ptr<engine> start_engine(const std::string& db_path, std::int64_t now) {
    auto e = std::make_shared<engine>();
    auto db = store::open_reader(db_path);
    db.exec("BEGIN");  // one snapshot for the sequence number and the rows
    e->reload(db, now);
    e->set_sweep_seq(e->index().applied_seq());
    db.exec("COMMIT");
    spdlog::info("matching index loaded: {} active volunteers", e->index().size());
    return e;
}

namespace {

asio::awaitable<void> maintenance_loop(engine_services app, std::chrono::seconds interval) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int tick = 1;; ++tick) {
        timer.expires_after(interval);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return;
        std::shared_ptr<engine> eng = app.matcher;
        if (!eng)
            continue;
        try {
            const std::int64_t now = app.clk.now_s();
            // Committed changes first, so that auto-dispatch ranks from an up-to-date index.
            auto refresh = [eng, now, full = tick % reload_every_ticks == 0](SQLite::Database& db) {
                if (full)
                    eng->reload(db, now);
                else
                    eng->catch_up(db, now);
            };
            co_await app.db.read(std::move(refresh));
            const std::int64_t after = eng->sweep_seq();
            auto job = [eng, now, after](SQLite::Database& db) { return eng->maintain(db, now, after); };
            const maintenance_result r = co_await app.db.write(std::move(job));
            eng->set_sweep_seq(r.swept_to);
            if (r.expired > 0 || r.proposed > 0)
                spdlog::info("matching maintenance: {} proposals expired, {} missions proposed automatically",
                             r.expired, r.proposed);
        } catch (const std::exception& e) {
            // Busy store or a database error: the next tick tries again.
            spdlog::warn("matching maintenance failed: {}", e.what());
        }
    }
}

}  // namespace

void spawn_maintenance(asio::io_context& ioc, engine_services app, std::chrono::seconds interval) {
    asio::co_spawn(ioc, maintenance_loop(app, interval),
                   core::log_exceptions("the matching maintenance loop"));
}

namespace {

/// Catch-ups asked for and not yet covered by one that started after them.
struct catch_up_requests {
    std::atomic<int> pending{0};
};

asio::awaitable<void> catch_up_loop(engine_services app, std::shared_ptr<catch_up_requests> asked) {
    for (;;) {
        const int seen = asked->pending.load();
        std::shared_ptr<engine> eng = app.matcher;
        if (eng) {
            try {
                const std::int64_t now = app.clk.now_s();
                // A named job moved into the call: GCC 12 may destroy a temporary of a co_await expression
                // twice (the rest of the code base does the same).
                auto refresh = [eng, now](SQLite::Database& db) { eng->catch_up(db, now); };
                co_await app.db.read(std::move(refresh));
            } catch (const std::exception& e) {
                spdlog::debug("volunteer index catch-up after a commit failed: {}", e.what());  // next one
            }
        }
        // Requests that came while this one ran need one more; the last one out leaves it at zero.
        if (asked->pending.fetch_sub(seen) == seen)
            co_return;
    }
}

}  // namespace

std::uint64_t follow_commits(asio::io_context& ioc, engine_services app) {
    auto asked = std::make_shared<catch_up_requests>();
    return app.db.events().subscribe([&ioc, app, asked](const store::committed_batch& batch) {
        const bool touched =
            batch.gap || std::any_of(batch.events.begin(), batch.events.end(), [](const auto& e) {
                return e.entity == "volunteer" || e.entity == "mission";
            });
        if (touched && asked->pending.fetch_add(1) == 0)
            asio::co_spawn(ioc, catch_up_loop(app, asked),
                           core::log_exceptions("a volunteer index catch-up"));
    });
}

}  // namespace relais::match
