#pragma once

#include "app/config.hpp"

namespace relais::app {

class server_log;

/// Runs the server until SIGINT/SIGTERM; returns the process exit code (0 after a clean shutdown). `log` is
/// the log the caller installed (its dropped lines go to /metrics; it is flushed once the server listens).
int run_server(const config& cfg, server_log& log);

}  // namespace relais::app
