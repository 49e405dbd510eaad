#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace relais::core {

/// The programme's clock: wall time plus an offset. The offset can only be moved when the server was
/// started with --test-clock (season replays compress months into minutes); otherwise it stays zero.
class clock {
  public:
    using time_point = std::chrono::system_clock::time_point;

    explicit clock(bool movable) : movable_(movable) {}

    time_point now() const {
        const std::int64_t frozen = frozen_s_.load(std::memory_order_relaxed);
        if (frozen != not_frozen)
            return time_point(std::chrono::seconds(frozen));
        return std::chrono::system_clock::now() +
               std::chrono::seconds(offset_s_.load(std::memory_order_relaxed));
    }
    /// Seconds since the Unix epoch, programme time.
    std::int64_t now_s() const {
        return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    }

    bool movable() const noexcept { return movable_; }

    /// Moves the clock so that now() is `target` (never backwards: an earlier target leaves it where it is).
    /// With `freeze`, now() then stays at `target` until the next set, so a season replay knows the exact
    /// time of everything it does. False if the clock is not movable.
    bool set(time_point target, bool freeze = false) {
        if (!movable_)
            return false;
        target = std::max(target, now());
        if (freeze) {
            frozen_s_.store(
                std::chrono::duration_cast<std::chrono::seconds>(target.time_since_epoch()).count());
            return true;
        }
        // Rounded up, so that leaving a frozen time never goes back by a fraction of a second.
        offset_s_.store(
            std::chrono::ceil<std::chrono::seconds>(target - std::chrono::system_clock::now()).count());
        frozen_s_.store(not_frozen);
        return true;
    }

    /// At start-up only, before anything reads the clock: programme time starts at `t`, in the past or the
    /// future (a demo season played up to the real present). False if the clock is not movable.
    bool start_at(time_point t) {
        if (!movable_)
            return false;
        offset_s_.store(
            std::chrono::ceil<std::chrono::seconds>(t - std::chrono::system_clock::now()).count());
        return true;
    }

    /// True while the clock is frozen (test clock only).
    bool frozen() const { return frozen_s_.load(std::memory_order_relaxed) != not_frozen; }

  private:
    bool movable_;
    static constexpr std::int64_t not_frozen = INT64_MIN;
    std::atomic<std::int64_t> offset_s_{0};
    std::atomic<std::int64_t> frozen_s_{not_frozen};  ///< Unix seconds while frozen
};

}  // namespace relais::core
