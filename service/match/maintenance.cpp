#include "match/maintenance.hpp"

#include "app/app_context.hpp"
#include "app/log_exceptions.hpp"
#include "match/engine.hpp"
#include "store/connection.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

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

asio::awaitable<void> maintenance_loop(app::app_context& app) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int tick = 1;; ++tick) {
        timer.expires_after(maintenance_interval);
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

void spawn_maintenance(asio::io_context& ioc, app::app_context& app) {
    asio::co_spawn(ioc, maintenance_loop(app), app::log_exceptions("the matching maintenance loop"));
}

}  // namespace relais::match
