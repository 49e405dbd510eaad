#include "app/server_log.hpp"

#include <spdlog/async_logger.h>
#include <spdlog/details/periodic_worker.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <iostream>

namespace relais::app {

namespace {

constexpr const char* pattern = "%Y-%m-%dT%H:%M:%S.%e%z %l %v";

}  // namespace

server_log::server_log(const std::string& level, std::shared_ptr<spdlog::sinks::sink> sink, std::size_t queue,
                       std::chrono::seconds flush_every)
    // Not spdlog's stdout sink: it flushes after every line. std::cout goes through stdio's buffer (a block
    // at a time to a pipe or a file, a line at a time to a terminal) and is flushed as said above.
    : sink_(sink ? std::move(sink) : std::make_shared<spdlog::sinks::ostream_sink_mt>(std::cout)),
      pool_(std::make_shared<spdlog::details::thread_pool>(queue, 1)),
      logger_(std::make_shared<spdlog::async_logger>("relais", sink_, pool_,
                                                     spdlog::async_overflow_policy::overrun_oldest)) {
    logger_->set_pattern(pattern);
    logger_->set_level(spdlog::level::from_str(level));
    logger_->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger_);
    flusher_ = std::make_unique<spdlog::details::periodic_worker>([logger = logger_] { logger->flush(); },
                                                                  flush_every);
}

server_log::~server_log() {
    flusher_.reset();
    logger_->flush();
    // The pool's destructor lets its thread write every queued line (the flush last) before joining it.
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
