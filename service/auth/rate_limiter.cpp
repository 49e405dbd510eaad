#include "auth/rate_limiter.hpp"

#include <algorithm>

namespace relais::auth {

namespace {

void drop_old(std::deque<rate_limiter::time_point>& events, std::chrono::seconds window,
              rate_limiter::time_point now) {
    while (!events.empty() && events.front() + window <= now)
        events.pop_front();
}

}  // namespace

std::optional<std::chrono::seconds> rate_limiter::blocked_locked(const std::string& key, std::size_t limit,
                                                                 std::chrono::seconds window, time_point now) {
    if (limit == 0)
        return std::nullopt;
    auto it = entries_.find(key);
    if (it == entries_.end())
        return std::nullopt;
    auto& events = it->second.events;
    drop_old(events, window, now);
    if (events.size() < limit)
        return std::nullopt;
    // The oldest of the last `limit` events decides when one more is allowed.
    const auto wait = events[events.size() - limit] + window - now;
    auto secs = std::chrono::ceil<std::chrono::seconds>(wait);
    return secs.count() < 1 ? std::chrono::seconds(1) : secs;
}

void rate_limiter::record_locked(const std::string& key, std::size_t limit, std::chrono::seconds window,
                                 time_point now) {
    if (limit == 0)
        return;
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        if (entries_.size() >= max_keys_) {
            entries_.erase(lru_.front());
            lru_.pop_front();
        }
        lru_.push_back(key);
        it = entries_.emplace(key, entry{{}, std::prev(lru_.end())}).first;
    } else {
        lru_.splice(lru_.end(), lru_, it->second.lru);
    }
    auto& events = it->second.events;
    drop_old(events, window, now);
    events.push_back(now);
    while (events.size() > limit)
        events.pop_front();
}

std::optional<std::chrono::seconds> rate_limiter::blocked(const std::string& key, std::size_t limit,
                                                          std::chrono::seconds window, time_point now) {
    std::lock_guard lock(mutex_);
    return blocked_locked(key, limit, window, now);
}

void rate_limiter::record(const std::string& key, std::size_t limit, std::chrono::seconds window,
                          time_point now) {
    std::lock_guard lock(mutex_);
    record_locked(key, limit, window, now);
}

std::optional<std::chrono::seconds> rate_limiter::hit(const std::string& key, std::size_t limit,
                                                      std::chrono::seconds window, time_point now) {
    std::lock_guard lock(mutex_);
    if (auto wait = blocked_locked(key, limit, window, now))
        return wait;
    record_locked(key, limit, window, now);
    return std::nullopt;
}

void rate_limiter::forget(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end())
        return;
    lru_.erase(it->second.lru);
    entries_.erase(it);
}

void rate_limiter::release(const std::string& key, time_point at) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end())
        return;
    auto& events = it->second.events;
    if (auto e = std::find(events.begin(), events.end(), at); e != events.end())
        events.erase(e);
}

std::size_t rate_limiter::count(const std::string& key, std::chrono::seconds window, time_point now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end())
        return 0;
    drop_old(it->second.events, window, now);
    return it->second.events.size();
}

std::optional<rate_limiter::time_point> rate_limiter::newest(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.events.empty())
        return std::nullopt;
    return it->second.events.back();
}

std::size_t rate_limiter::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace relais::auth
