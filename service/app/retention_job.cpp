#include "app/retention_job.hpp"

#include "auth/sign_in_codes.hpp"
#include "core/clock.hpp"
#include "core/log_exceptions.hpp"
#include "domain/privacy.hpp"
#include "notify/outbox.hpp"
#include "store/store.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

namespace relais::app {

namespace asio = boost::asio;

namespace {

asio::awaitable<void> retention_loop(store::store& database, const core::clock& clk,
                                     std::chrono::milliseconds first_delay,
                                     std::chrono::milliseconds interval) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    std::chrono::milliseconds wait = first_delay;
    for (;;) {
        timer.expires_after(wait);
        wait = interval;
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return;
        try {
            const std::int64_t now = clk.now_s();
            // The searches that read every resident and the whole queue run on a reader: the writer, which
            // every request waits behind, only re-checks and erases what they found (0.6 s -> a few ms on a
            // database of 300,000 residents with 250,000 messages waiting).
            struct found_t {
                domain::retention_candidates people;
                std::vector<std::string> queued;
            };
            auto search = [now](SQLite::Database& db) {
                return found_t{domain::find_retention_candidates(db, now),
                               notify::expired_queued_messages(db, now)};
            };
            auto found = co_await database.read(std::move(search));
            auto job = [now, found = std::move(found)](SQLite::Database& db) {
                auto r = domain::apply_retention(db, now, found.people);
                notify::purge_outbox(db, now, found.queued);  // past --outbox-retention-days, with their logs
                auth::purge_sign_in_codes(db, now);  // codes and links a day after they stopped working
                return r;
            };
            const domain::retention_result r = co_await database.write(std::move(job));
            // The erased values must not survive in the write-ahead log either (see store::truncate_wal).
            if (r.residents + r.volunteers > 0) {
                const bool emptied = co_await database.truncate_wal();
                if (!emptied)
                    spdlog::warn("after retention the write-ahead log could not be emptied yet");
            }
            spdlog::info("scheduled retention: {} residents and {} volunteers erased", r.residents,
                         r.volunteers);
        } catch (const std::exception& e) {
            // Busy store or a database error: the next run tries again (the rule catches up by itself).
            spdlog::warn("scheduled retention failed: {}", e.what());
        }
    }
}

}  // namespace

void spawn_retention_job(asio::io_context& ioc, store::store& db, const core::clock& clk,
                         std::chrono::milliseconds first_delay, std::chrono::milliseconds interval) {
    asio::co_spawn(ioc, retention_loop(db, clk, first_delay, interval),
                   core::log_exceptions("the retention job"));
}

}  // namespace relais::app
