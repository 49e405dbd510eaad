#include "match/maintenance.hpp"

#include "core/clock.hpp"
#include "core/log_exceptions.hpp"
#include "match/engine.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
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

class maintenance_wakeup : public std::enable_shared_from_this<maintenance_wakeup> {
  public:
    explicit maintenance_wakeup(asio::io_context& ioc) : strand_(asio::make_strand(ioc)), timer_(strand_) {}

    void nudge() {
        // The first nudge since the last run cancels the wait (on the loop's strand: a timer is not
        // thread-safe); later ones only find the flag set.
        if (!nudged_.exchange(true))
            asio::post(strand_, [self = shared_from_this()] { self->timer_.cancel(); });
    }

    asio::strand<asio::io_context::executor_type> strand_;
    asio::steady_timer timer_;
    std::atomic<bool> nudged_{false};
};

namespace {

/// Waits until `until` on the wakeup's timer, whatever cancels it in between.
asio::awaitable<void> sleep_until(maintenance_wakeup& w, std::chrono::steady_clock::time_point until) {
    while (std::chrono::steady_clock::now() < until) {
        w.timer_.expires_at(until);
        boost::system::error_code ec;
        co_await w.timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<void> maintenance_loop(engine_services app, std::chrono::seconds interval,
                                       std::shared_ptr<maintenance_wakeup> w) {
    using steady = std::chrono::steady_clock;
    auto last_run = steady::now();
    auto last_reload = last_run;
    for (;;) {
        if (!w->nudged_.load()) {
            // Cancelled by a nudge: run now. (At shutdown the I/O context stops and this frame is destroyed.)
            w->timer_.expires_at(last_run + interval);
            boost::system::error_code ec;
            co_await w->timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        if (w->nudged_.exchange(false))
            co_await sleep_until(*w, last_run + nudge_gap);
        last_run = steady::now();
        std::shared_ptr<engine> eng = app.matcher;
        if (!eng)
            continue;
        const bool full = last_run - last_reload >= interval * reload_every_ticks;
        if (full)
            last_reload = last_run;
        try {
            const std::int64_t now = app.clk.now_s();
            // Committed changes first, so that auto-dispatch ranks from an up-to-date index.
            auto refresh = [eng, now, full](SQLite::Database& db) {
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
            // Busy store or a database error: the next run tries again.
            spdlog::warn("matching maintenance failed: {}", e.what());
        }
    }
}

}  // namespace

std::shared_ptr<maintenance_wakeup> spawn_maintenance(asio::io_context& ioc, engine_services app,
                                                      std::chrono::seconds interval) {
    auto w = std::make_shared<maintenance_wakeup>(ioc);
    asio::co_spawn(w->strand_, maintenance_loop(app, interval, w),
                   core::log_exceptions("the matching maintenance loop"));
    return w;
}

std::uint64_t dispatch_new_requests_promptly(store::store& db, std::shared_ptr<maintenance_wakeup> wakeup) {
    return db.events().subscribe([wakeup](const store::committed_batch& batch) {
        // A request created, or freed (a proposal declined, by text or by the one-tap link as well as in the
        // app; dropped; expired): the next candidate is asked within the nudge gap, not at the next tick. (A
        // decline through the API is re-dispatched in its own transaction already; the run then finds the
        // new proposal and does nothing.)
        if (std::any_of(batch.events.begin(), batch.events.end(), [](const auto& e) {
                return e.entity == "request" && (e.action == "created" || e.action == "redispatch_flagged");
            }))
            wakeup->nudge();
    });
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
