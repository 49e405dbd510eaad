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

/// The shortest time between two maintenance runs that new requests brought forward: a burst of public
/// requests makes one run per this period, not one write job each.
constexpr std::chrono::milliseconds nudge_gap{200};

/// Brings the maintenance loop's next run forward (thread-safe; held by the commit subscriber).
class maintenance_wakeup;

/// Spawns the maintenance loop on `ioc`: every `interval`, bring the index up to date, then in one write job
/// expire proposals and auto-dispatch the requests created or freed since the last run; every
/// reload_every_ticks intervals, rebuild the index. Stops with the io_context. Returns what wakes it early.
std::shared_ptr<maintenance_wakeup> spawn_maintenance(boost::asio::io_context& ioc, engine_services app,
                                                      std::chrono::seconds interval = maintenance_interval);

/// Subscribes `wakeup` to the committed events: a batch that created a request, or freed one (a proposal
/// declined, by whatever way, dropped or expired), runs the maintenance loop at once (at most one run per
/// nudge_gap), so that with automatic dispatch on, the first candidate's proposal (and its SMS) goes out
/// within a second of the resident's request, and the next candidate's within a second of a "NON" by text,
/// instead of at the next tick.
/// Returns the subscription id (unsubscribe it before the I/O context goes away).
std::uint64_t dispatch_new_requests_promptly(store::store& db, std::shared_ptr<maintenance_wakeup> wakeup);

/// Subscribes the volunteer index to the committed events (store::event_dispatcher): a batch that touched
/// a volunteer or a mission schedules one catch-up read on `ioc` (bursts coalesce: one runs at a time, and
/// one more if events came meanwhile; a gap, too). Rankings made in write jobs (automatic re-dispatch after
/// a decline, the tick's) cannot catch up themselves, a write transaction seeing uncommitted rows, so this
/// keeps the index they rank from right behind the commits instead of up to a tick behind. The routes
/// that rank still catch up first. Returns the subscription id (unsubscribe it before `app` goes away).
std::uint64_t follow_commits(boost::asio::io_context& ioc, engine_services app);

}  // namespace relais::match
