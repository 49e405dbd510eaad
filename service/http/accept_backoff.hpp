#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

namespace relais::http {

/// What the accept loop does after a failed accept (out of file descriptors, EMFILE; or memory): a failed
/// accept leaves the connection in the backlog, so retrying at once spins at 100% CPU and floods the log
/// (300,000 lines a second were seen). The pause grows from `first` to `longest` while errors go on and
/// starts again at `first` after a success; one log line per `log_every` says how many errors there were.
/// Pure (the caller gives the time): tested on its own.
class accept_backoff {
  public:
    using clock = std::chrono::steady_clock;

    struct step {
        std::chrono::milliseconds pause;
        /// Errors to report now (since the last report), or nullopt: say nothing this time.
        std::optional<std::uint64_t> report;
    };

    explicit accept_backoff(std::chrono::milliseconds first = std::chrono::milliseconds(50),
                            std::chrono::milliseconds longest = std::chrono::milliseconds(500),
                            std::chrono::seconds log_every = std::chrono::seconds(5))
        : first_(first), longest_(longest), log_every_(log_every), delay_(first) {}

    /// An accept failed at `now`.
    step failed(clock::time_point now) {
        ++errors_;
        step s{delay_, std::nullopt};
        if (!last_report_ || now - *last_report_ >= log_every_) {
            s.report = errors_;
            errors_ = 0;
            last_report_ = now;
        }
        delay_ = std::min(delay_ * 2, longest_);
        return s;
    }

    /// An accept succeeded: the next error pauses briefly again.
    void succeeded() { delay_ = first_; }

  private:
    std::chrono::milliseconds first_, longest_;
    std::chrono::seconds log_every_;
    std::chrono::milliseconds delay_;
    std::uint64_t errors_ = 0;
    std::optional<clock::time_point> last_report_;
};

}  // namespace relais::http
