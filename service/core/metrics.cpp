#include "core/metrics.hpp"

#include <fmt/format.h>

#include <mutex>

namespace relais::core {

metrics::series& metrics::series_for(std::string_view route, unsigned status) {
    {
        std::shared_lock lock(mutex_);
        auto it = series_.find(std::pair<std::string, unsigned>(std::string(route), status));
        if (it != series_.end())
            return *it->second;
    }
    std::unique_lock lock(mutex_);
    auto& slot = series_[{std::string(route), status}];
    if (!slot)
        slot = std::make_unique<series>();
    return *slot;
}

void metrics::observe(std::string_view route, unsigned status, std::chrono::nanoseconds duration) {
    auto& s = series_for(route, status);
    s.count.fetch_add(1, std::memory_order_relaxed);
    s.sum_ns.fetch_add(static_cast<std::uint64_t>(duration.count()), std::memory_order_relaxed);
    const double secs = std::chrono::duration<double>(duration).count();
    std::size_t i = 0;
    while (i < latency_bounds.size() && secs > latency_bounds[i])
        ++i;
    s.buckets[i].fetch_add(1, std::memory_order_relaxed);
}

namespace {

// Prometheus label values escape backslash, quote and newline.
std::string label(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace

std::string metrics::render() const {
    std::string out;
    out += "# HELP relais_http_requests_total Requests answered, by route template and status.\n";
    out += "# TYPE relais_http_requests_total counter\n";
    std::shared_lock lock(mutex_);
    for (const auto& [key, s] : series_)
        out += fmt::format("relais_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", label(key.first),
                           key.second, s->count.load());
    out += "# HELP relais_http_request_duration_seconds Time from full request read to response ready.\n";
    out += "# TYPE relais_http_request_duration_seconds histogram\n";
    std::map<std::string, std::array<std::uint64_t, latency_bounds.size() + 2>> by_route;  // buckets, sum_ns
    for (const auto& [key, s] : series_) {
        auto& agg = by_route[key.first];
        for (std::size_t i = 0; i <= latency_bounds.size(); ++i)
            agg[i] += s->buckets[i].load();
        agg[latency_bounds.size() + 1] += s->sum_ns.load();
    }
    lock.unlock();
    for (const auto& [route, agg] : by_route) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < latency_bounds.size(); ++i) {
            cumulative += agg[i];
            out += fmt::format("relais_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                               label(route), latency_bounds[i], cumulative);
        }
        cumulative += agg[latency_bounds.size()];
        out += fmt::format("relais_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                           label(route), cumulative);
        out += fmt::format("relais_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label(route),
                           static_cast<double>(agg[latency_bounds.size() + 1]) / 1e9);
        out += fmt::format("relais_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label(route),
                           cumulative);
    }
    out +=
        "# HELP relais_open_connections Connections currently open.\n# TYPE relais_open_connections gauge\n";
    out += fmt::format("relais_open_connections {}\n", open_connections.load());
    out +=
        "# HELP relais_password_verifications_total Passwords checked against a stored hash.\n"
        "# TYPE relais_password_verifications_total counter\n";
    out += fmt::format("relais_password_verifications_total {}\n", password_verifications.load());
    out +=
        "# HELP relais_log_lines_dropped_total Log lines dropped because the log output did not keep up.\n"
        "# TYPE relais_log_lines_dropped_total counter\n";
    out += fmt::format("relais_log_lines_dropped_total {}\n", log_lines_dropped ? log_lines_dropped() : 0);
    return out;
}

}  // namespace relais::core
