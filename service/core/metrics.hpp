#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace relais::core {

/// Request counters and latency histograms by route template, rendered in Prometheus text format.
/// Counting takes a shared lock on the common path (the route/status pair already seen).
class metrics {
  public:
    static constexpr std::array<double, 12> latency_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                           0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    /// Records one answered request.
    void observe(std::string_view route, unsigned status, std::chrono::nanoseconds duration);

    /// The exposition text of the request metrics (the storage's are store::render_metrics).
    std::string render() const;

    std::atomic<std::int64_t> open_connections{0};
    /// Passwords checked against a stored hash (login, change of password): the sign-in throttle's tests
    /// read it to prove that refused guesses never reach the hash.
    std::atomic<std::uint64_t> password_verifications{0};
    /// Log lines dropped because the log's queue was full (the output did not keep up): set once by the
    /// runner before serving (server_log::dropped); unset, rendered as 0.
    std::function<std::uint64_t()> log_lines_dropped{};

  private:
    struct series {
        std::atomic<std::uint64_t> count{0};
        std::atomic<std::uint64_t> sum_ns{0};
        std::array<std::atomic<std::uint64_t>, latency_bounds.size() + 1> buckets{};
    };
    series& series_for(std::string_view route, unsigned status);

    mutable std::shared_mutex mutex_;
    std::map<std::pair<std::string, unsigned>, std::unique_ptr<series>, std::less<>> series_;
};

}  // namespace relais::core
