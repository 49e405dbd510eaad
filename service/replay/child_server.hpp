#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace relais::replay {

/// A `relais` server started by this process (the same binary) on a database, for a season replay: bound to
/// 127.0.0.1 on a free port, with the test clock, without the public-form and login limits, configured by its
/// command line only (no RELAIS_* variable of this process's environment reaches it). It dies with this
/// process (PR_SET_PDEATHSIG) and is stopped (SIGTERM, then SIGKILL after 15 s) when it goes out of scope.
class child_server {
  public:
    /// Starts it and waits (up to 30 s) for its "listening on" line in `log_path`, where its output goes.
    /// `extra_args` are appended to its command line. Throws std::runtime_error if it does not start.
    child_server(const std::string& db, const std::string& log_path,
                 const std::vector<std::string>& extra_args);
    ~child_server() { stop(); }
    child_server(const child_server&) = delete;
    child_server& operator=(const child_server&) = delete;

    /// The loopback port it listens on.
    std::uint16_t port() const { return port_; }

    /// Stops it (graceful shutdown first) and waits for it. True if it exited with status 0.
    bool stop();

  private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace relais::replay
