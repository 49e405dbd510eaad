#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace relais::auth {

/// Counts events per key in a sliding time window (e.g. failed logins per account, public form posts per
/// client address). In memory, thread-safe (one mutex: each call is a few map operations), bounded: at most
/// `max_keys` keys, the least recently used one is forgotten first. Time is passed in, so tests drive it.
/// Limits are passed per call so they always come from the current configuration; a limit of 0 means
/// "no limit".
class rate_limiter {
public:
    using time_point = std::chrono::steady_clock::time_point;

    rate_limiter() : rate_limiter(100000) {}
    explicit rate_limiter(std::size_t max_keys) : max_keys_(max_keys == 0 ? 1 : max_keys) {}

    rate_limiter(const rate_limiter&) = delete;
    rate_limiter& operator=(const rate_limiter&) = delete;

    /// If `key` already had `limit` events in the `window` before `now`: how long until the oldest of them
    /// leaves the window (at least 1 s). nullopt when another event is allowed.
    std::optional<std::chrono::seconds> blocked(const std::string& key, std::size_t limit,
                                                std::chrono::seconds window, time_point now);

    /// Records one event for `key` at `now`.
    void record(const std::string& key, std::size_t limit, std::chrono::seconds window, time_point now);

    /// blocked() and, if allowed, record(), atomically. nullopt when the event was allowed (and counted).
    std::optional<std::chrono::seconds> hit(const std::string& key, std::size_t limit,
                                            std::chrono::seconds window, time_point now);

    /// Forgets every event of `key` (e.g. an account's failures after a successful login).
    void forget(const std::string& key);

    /// Removes one event of `key` recorded at `at` (a reservation that turned out not to be a failure).
    void release(const std::string& key, time_point at);

    /// How many events of `key` are in the `window` before `now` (at most the `limit` they were recorded with).
    std::size_t count(const std::string& key, std::chrono::seconds window, time_point now);

    /// The time of the newest event of `key`, if any.
    std::optional<time_point> newest(const std::string& key) const;

    /// Number of keys held (for tests and metrics).
    std::size_t size() const;

private:
    struct entry {
        std::deque<time_point> events;  ///< newest last, at most `limit` kept
        std::list<std::string>::iterator lru;
    };

    std::optional<std::chrono::seconds> blocked_locked(const std::string& key, std::size_t limit,
                                                       std::chrono::seconds window, time_point now);
    void record_locked(const std::string& key, std::size_t limit, std::chrono::seconds window, time_point now);

    const std::size_t max_keys_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, entry> entries_;
    std::list<std::string> lru_;  ///< least recently used first
};

}  // namespace relais::auth
