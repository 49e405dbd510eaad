#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace relais::app {
struct app_context;
}

namespace relais::match {

class engine;

/// How often unanswered proposals are expired (and the requests they free re-dispatched). A proposal's
/// time to live is a programme setting (minutes to days), so expiring up to 30 s late is invisible, and a
/// tick that finds nothing costs two indexed queries.
constexpr std::chrono::seconds maintenance_interval{30};

/// Every this many ticks (15 minutes) the volunteer index is rebuilt from the database: the safety net of
/// index_sync.hpp.
constexpr int reload_every_ticks = 30;

/// Creates the engine and loads its index from the database at `db_path` (already migrated), through a
/// read-only connection of its own: start-up, before the server accepts connections.
std::shared_ptr<engine> start_engine(const std::string& db_path, std::int64_t now);

/// Spawns the maintenance loop on `ioc`: every maintenance_interval, bring the index up to date, then in one
/// write job expire proposals and auto-dispatch the requests freed since the last tick; every
/// reload_every_ticks, rebuild the index. Stops with the io_context.
void spawn_maintenance(boost::asio::io_context& ioc, app::app_context& app);

}  // namespace relais::match
