#pragma once

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace relais::testing {

/// A log sink keeping the formatted lines in memory and counting its flushes, to be read by a test while
/// other threads log.
class capture_sink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    std::string text() {
        std::lock_guard lock(mutex_);
        return text_;
    }
    std::size_t lines() {
        std::lock_guard lock(mutex_);
        return lines_;
    }
    std::size_t flushes() {
        std::lock_guard lock(mutex_);
        return flushes_;
    }
    /// Waits until the text contains `needle`; false after `timeout`.
    bool wait_for(std::string_view needle, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (text().find(needle) == std::string::npos) {
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        text_.append(line.data(), line.size());
        ++lines_;
    }
    void flush_() override { ++flushes_; }

  private:
    std::string text_;
    std::size_t lines_ = 0;
    std::size_t flushes_ = 0;
};

}  // namespace relais::testing
