#pragma once

#include "support/capture_sink.hpp"

#include <spdlog/spdlog.h>

#include <memory>

namespace relais::testing {

/// While it lives, spdlog's default logger writes "level message" lines to a capture_sink (every level);
/// the previous default logger is put back when it goes.
class log_capture {
  public:
    log_capture() : previous_(spdlog::default_logger()), sink_(std::make_shared<capture_sink>()) {
        auto logger = std::make_shared<spdlog::logger>("capture", sink_);
        logger->set_pattern("%l %v");
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(std::move(logger));
    }
    ~log_capture() { spdlog::set_default_logger(previous_); }

    log_capture(const log_capture&) = delete;
    log_capture& operator=(const log_capture&) = delete;

    capture_sink& sink() { return *sink_; }
    std::string text() { return sink_->text(); }

  private:
    std::shared_ptr<spdlog::logger> previous_;
    std::shared_ptr<capture_sink> sink_;
};

}  // namespace relais::testing
