#pragma once

#include "app/config.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace relais::app {

class server_log;

/// Seeds the demo city into the database at the path (if empty), its season ending at the time (Unix
/// seconds). Throws std::runtime_error if it could not. Given by main.cpp (replay/demo.hpp): the server
/// itself does not link the replay.
using demo_seeder = std::function<void(const std::string& db_path, std::int64_t ends_at)>;

/// Runs the server until SIGINT/SIGTERM; returns the process exit code (0 after a clean shutdown). `log` is
/// the log the caller installed (its dropped lines go to /metrics; it is flushed once the server listens).
/// `seed_demo` runs before the database opens when the configuration asks for --demo.
int run_server(const config& cfg, server_log& log, const demo_seeder& seed_demo = {});

}  // namespace relais::app
