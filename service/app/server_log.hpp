#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace spdlog {
class async_logger;
namespace details {
class thread_pool;
class periodic_worker;
}  // namespace details
namespace sinks {
class sink;
}
}  // namespace spdlog

namespace relais::app {

/// The server's log: spdlog's asynchronous logger, installed as spdlog's default logger while this object
/// lives (main owns it for the whole run and hands it to run_server; nothing else creates one). An I/O thread
/// only formats its line and queues it; a thread of this object writes the lines out, buffered. The queue is
/// bounded and, when full, the oldest waiting line is dropped and counted (dropped(), in /metrics as
/// relais_log_lines_dropped_total): a slow reader of the output (journald, a full pipe) may cost lines, never
/// an I/O thread's time. The output is flushed after every warning or worse, every `flush_every`, and when
/// this object goes (after a fatal error too), not after each line (a system call per request). The writing
/// thread rests a millisecond after each millisecond of writing, so that it takes lines in batches instead of
/// being woken for each one by the thread that queued it.
class server_log {
  public:
    static constexpr std::size_t default_queue = 8192;

    /// Installs the logger at `level` (trace...off) writing to `sink`, standard output when null.
    explicit server_log(const std::string& level, std::shared_ptr<spdlog::sinks::sink> sink = nullptr,
                        std::size_t queue = default_queue,
                        std::chrono::seconds flush_every = std::chrono::seconds(1));
    /// Writes every queued line, flushes, and leaves a synchronous logger on the same output as spdlog's
    /// default for anything logged afterwards. No other thread may log meanwhile (the I/O threads are
    /// joined).
    ~server_log();

    server_log(const server_log&) = delete;
    server_log& operator=(const server_log&) = delete;

    /// Has the output flushed once the lines queued so far are written; returns at once.
    void flush();
    /// Lines dropped since the start because the queue was full.
    std::uint64_t dropped() const;

  private:
    std::shared_ptr<spdlog::sinks::sink> sink_;
    std::shared_ptr<spdlog::details::thread_pool> pool_;
    std::shared_ptr<spdlog::async_logger> logger_;
    std::unique_ptr<spdlog::details::periodic_worker> flusher_;
};

}  // namespace relais::app
