#pragma once

#include <atomic>
#include <chrono>

namespace relais::app {

/// The programme's clock: wall time plus an offset. The offset can only be moved when the server was
/// started with --test-clock (season replays compress months into minutes); otherwise it stays zero.
class clock {
public:
    using time_point = std::chrono::system_clock::time_point;

    explicit clock(bool movable) : movable_(movable) {}

    time_point now() const {
        return std::chrono::system_clock::now() + std::chrono::seconds(offset_s_.load(std::memory_order_relaxed));
    }
    /// Seconds since the Unix epoch, programme time.
    std::int64_t now_s() const {
        return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    }

    bool movable() const noexcept { return movable_; }

    /// Moves the clock so that now() is `target` (never backwards). False if the clock is not movable.
    bool set(time_point target) {
        if (!movable_)
            return false;
        auto delta = std::chrono::duration_cast<std::chrono::seconds>(target - std::chrono::system_clock::now());
        std::int64_t cur = offset_s_.load();
        while (delta.count() > cur && !offset_s_.compare_exchange_weak(cur, delta.count())) {
        }
        return true;
    }

private:
    bool movable_;
    std::atomic<std::int64_t> offset_s_{0};
};

}  // namespace relais::app
