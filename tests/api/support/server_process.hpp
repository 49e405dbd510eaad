#pragma once

#include "support/temp_dir.hpp"

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relais::api_test {

using namespace std::chrono_literals;

/// How to start a `relais` under test.
struct server_options {
    /// Extra flags, placed after the defaults so they win (`--port 0 --db <dir>/relais.db --web-root
    /// <source>/web --log-level info`).
    std::vector<std::string> args;
    /// Folder for the database and the log; a fresh temporary folder (removed afterwards) when empty.
    /// Give the same folder to two successive servers to reopen one database.
    std::optional<std::filesystem::path> dir;
    /// Wait for the "listening on http://" log line (and learn the port). Off for runs expected to fail.
    bool wait_ready = true;
    std::chrono::milliseconds ready_timeout = 10s;
    /// A database without neighbourhoods (new, or made by `relais user add`) is made the demo's Rennes first:
    /// its twelve neighbourhoods (data/demo/rennes-quartiers.csv), which the tests' requests name, and, when
    /// it has none, the programme's name and phone. Off for a truly new database.
    bool demo_city = true;
};

/// The real `relais` binary (RELAIS_BINARY) as a child process on an ephemeral port. Its standard output and
/// error go to a log file in its folder, so no pipe can fill and block it.
class server_process {
  public:
    /// Starts the server; with wait_ready, throws (with the log) if it is not listening within the timeout.
    explicit server_process(server_options opts = {});
    /// Starts the server with these extra flags and waits until it listens.
    explicit server_process(std::vector<std::string> args) : server_process(options_with(std::move(args))) {}
    /// Kills the process if it is still running.
    ~server_process();

    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    /// The TCP port it listens on (0 before it is ready).
    std::uint16_t port() const noexcept { return port_; }
    pid_t pid() const noexcept { return pid_; }
    const std::filesystem::path& dir() const noexcept { return dir_; }
    std::string db_path() const { return (dir_ / "relais.db").string(); }

    /// Everything this process wrote so far (standard output and error).
    std::string log() const;
    /// Waits until the log contains `text`; false on timeout.
    bool wait_for_log(std::string_view text, std::chrono::milliseconds timeout) const;

    /// True while the process has not exited.
    bool running();
    /// Waits for the process to exit; its exit code (128 + signal if killed by one), or nullopt on timeout.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    /// Sends `sig` and waits for the exit; returns the exit code, or -1 if it did not exit in time (it is
    /// then killed).
    int stop(int sig = SIGTERM, std::chrono::milliseconds timeout = 15s);
    /// Sends `sig` without waiting.
    void signal(int sig);
    /// SIGKILL and reap.
    void kill();

  private:
    static server_options options_with(std::vector<std::string> args) {
        server_options o;
        o.args = std::move(args);
        return o;
    }
    void wait_ready(std::chrono::milliseconds timeout);

    std::unique_ptr<relais::testing::temp_dir> owned_dir_;
    std::filesystem::path dir_;
    std::filesystem::path log_path_;
    std::uintmax_t log_offset_ = 0;  // the log file is shared by successive servers in one folder
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    std::uint16_t port_ = 0;
};

}  // namespace relais::api_test
