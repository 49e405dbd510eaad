#include "app/server_log.hpp"

#include <spdlog/async_logger.h>
#include <spdlog/details/periodic_worker.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

namespace relais::app {

namespace {

constexpr const char* pattern = "%Y-%m-%dT%H:%M:%S.%e%z %l %v";

/// Passes the lines on to `out`; when the line just written was the last one queued, rests the log's thread
/// for a moment before it looks again. Lines logged meanwhile wait in the queue and go out together, and the
/// I/O threads that queue them find the log's thread resting, not waiting on the queue, so they need not wake
/// it (a system call and a context switch) for every line, which costs more than the line itself when
/// requests are cheap. An idle server's log thread waits on the queue as usual (a line wakes it at once).
class paced_sink final : public spdlog::sinks::sink {
  public:
    paced_sink(std::shared_ptr<spdlog::sinks::sink> out, spdlog::details::thread_pool& pool)
        : out_(std::move(out)), pool_(pool) {}

    void log(const spdlog::details::log_msg& msg) override {
        out_->log(msg);
        if (pool_.queue_size() == 0)
            std::this_thread::sleep_for(rest);
    }
    void flush() override { out_->flush(); }
    void set_pattern(const std::string& p) override { out_->set_pattern(p); }
    void set_formatter(std::unique_ptr<spdlog::formatter> f) override { out_->set_formatter(std::move(f)); }

  private:
    /// How long lines may wait in the queue (the queue holds far more than arrive meanwhile).
    static constexpr std::chrono::milliseconds rest{2};
    std::shared_ptr<spdlog::sinks::sink> out_;
    // Only the pool's own thread calls log(), and the pool's destructor joins it: the pool is there. (Not a
    // shared or locked weak pointer: the log's thread must never end up owning, and destroying, its pool.)
    spdlog::details::thread_pool& pool_;
};

}  // namespace

server_log::server_log(const std::string& level, std::shared_ptr<spdlog::sinks::sink> sink, std::size_t queue,
                       std::chrono::seconds flush_every)
    // Not spdlog's stdout sink: it flushes after every line. std::cout goes through stdio's buffer (a block
    // at a time to a pipe or a file, a line at a time to a terminal) and is flushed as said above.
    : sink_(sink ? std::move(sink) : std::make_shared<spdlog::sinks::ostream_sink_mt>(std::cout)),
      pool_(std::make_shared<spdlog::details::thread_pool>(queue, 1)),
      logger_(std::make_shared<spdlog::async_logger>("relais", std::make_shared<paced_sink>(sink_, *pool_),
                                                     pool_, spdlog::async_overflow_policy::overrun_oldest)) {
    logger_->set_pattern(pattern);
    logger_->set_level(spdlog::level::from_str(level));
    logger_->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger_);
    flusher_ = std::make_unique<spdlog::details::periodic_worker>([logger = logger_] { logger->flush(); },
                                                                  flush_every);
}

server_log::~server_log() {
    flusher_.reset();
    // The pool's destructor lets its thread write every queued line before joining it (its stop message
    // waits for room; a flush message here could push out the oldest line of a full queue). Then the
    // output is flushed from here, the writing thread being gone.
    pool_.reset();
    auto after = std::make_shared<spdlog::logger>("relais", sink_);
    after->set_pattern(pattern);
    after->set_level(logger_->level());
    after->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(after));
    sink_->flush();
}

void server_log::flush() {
    logger_->flush();
}

std::uint64_t server_log::dropped() const {
    return pool_->overrun_counter();
}

}  // namespace relais::app
