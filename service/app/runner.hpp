#pragma once

#include "app/config.hpp"

namespace relais::app {

/// Sets up logging at `level` (to standard output, one line per event, journald-friendly).
void setup_logging(const std::string& level);

/// Runs the server until SIGINT/SIGTERM; returns the process exit code (0 after a clean shutdown).
int run_server(const config& cfg);

}  // namespace relais::app
