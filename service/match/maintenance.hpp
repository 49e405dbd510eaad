#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace relais::store {
class store;
}
namespace relais::core {
class clock;
}

namespace relais::match {

class engine;

/// What the engine's background work uses: the database, the programme clock and the engine (set once the
/// index is loaded; null before). References: they outlive the I/O context that runs the work.
struct engine_services {
    store::store& db;
    const core::clock& clk;
    const std::shared_ptr<engine>& matcher;
};

/// How often unanswered proposals are expired (and the requests they free re-dispatched), by default
/// (--tick). A proposal's time to live is a programme setting (minutes to days), so expiring up to 30 s
/// late is invisible, and a tick that finds nothing costs two indexed queries.
constexpr std::chrono::seconds maintenance_interval{30};

/// Every this many ticks (15 minutes at the default interval) the volunteer index is rebuilt from the
/// database: the safety net of index_sync.hpp.
constexpr int reload_every_ticks = 30;

/// Creates the engine and loads its index from the database at `db_path` (already migrated), through a
/// read-only connection of its own: start-up, before the server accepts connections.
std::shared_ptr<engine> start_engine(const std::string& db_path, std::int64_t now);

/// Spawns the maintenance loop on `ioc`: every `interval`, bring the index up to date, then in one write job
/// expire proposals and auto-dispatch the requests freed since the last tick; every reload_every_ticks,
/// rebuild the index. Stops with the io_context.
void spawn_maintenance(boost::asio::io_context& ioc, engine_services app,
                       std::chrono::seconds interval = maintenance_interval);

/// Subscribes the volunteer index to the committed events (store::event_dispatcher): a batch that touched
/// a volunteer or a mission schedules one catch-up read on `ioc` (bursts coalesce: one runs at a time, and
/// one more if events came meanwhile; a gap, too). Rankings made in write jobs (automatic re-dispatch after
/// a decline, the tick's) cannot catch up themselves, a write transaction seeing uncommitted rows, so this
/// keeps the index they rank from right behind the commits instead of up to a tick behind. The routes
/// that rank still catch up first. Returns the subscription id (unsubscribe it before `app` goes away).
std::uint64_t follow_commits(boost::asio::io_context& ioc, engine_services app);

}  // namespace relais::match
