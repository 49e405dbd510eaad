#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>

namespace relais::store {
class store;
}
namespace relais::core {
class clock;
}

namespace relais::app {

/// How often the server applies the retention rule. Retention is counted in days, so an hour late is
/// invisible. A run reads every resident and the whole queue of messages, on a reader; the writer only
/// re-checks and erases what was found.
constexpr std::chrono::minutes retention_interval{60};
/// The first run comes this long after start-up (a server restarted often still runs it), off the busy
/// start-up moment.
constexpr std::chrono::minutes retention_first_delay{1};

/// Spawns the retention loop on `ioc`: after `first_delay`, then every `interval`, a read job finds the
/// candidates and one write job runs domain::apply_retention on them at the programme clock's time and the
/// counts are logged (never who). Stops with the io_context.
void spawn_retention_job(boost::asio::io_context& ioc, store::store& db, const core::clock& clk,
                         std::chrono::milliseconds first_delay = retention_first_delay,
                         std::chrono::milliseconds interval = retention_interval);

}  // namespace relais::app
