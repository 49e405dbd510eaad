#include "http/token_buckets.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace relais::http {

token_buckets::token_buckets(std::size_t max_keys)
    : max_keys_per_shard_(std::max<std::size_t>(1, max_keys / shard_count)) {}

std::optional<std::chrono::seconds> token_buckets::take(const std::string& key, std::size_t limit,
                                                        std::chrono::seconds window, time_point now) {
    if (limit == 0)
        return std::nullopt;
    const double capacity = static_cast<double>(limit);
    const double per_second = capacity / static_cast<double>(std::max<std::int64_t>(1, window.count()));
    shard& s = shards_[std::hash<std::string>{}(key) % shard_count];
    std::lock_guard lock(s.mutex);
    auto it = s.buckets.find(key);
    if (it == s.buckets.end()) {
        if (s.buckets.size() >= max_keys_per_shard_) {
            s.buckets.erase(s.lru.front());
            s.lru.pop_front();
        }
        s.lru.push_back(key);
        it = s.buckets.emplace(key, bucket{capacity, now, std::prev(s.lru.end())}).first;
    } else {
        s.lru.splice(s.lru.end(), s.lru, it->second.lru);
        const std::chrono::duration<double> elapsed = now - it->second.updated;
        if (elapsed.count() > 0) {
            it->second.tokens = std::min(capacity, it->second.tokens + elapsed.count() * per_second);
            it->second.updated = now;
        }
        // A limit lowered since the bucket filled takes effect at once.
        it->second.tokens = std::min(capacity, it->second.tokens);
    }
    bucket& b = it->second;
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return std::nullopt;
    }
    const double wait = (1.0 - b.tokens) / per_second;
    return std::chrono::seconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait))));
}

std::size_t token_buckets::size() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.buckets.size();
    }
    return n;
}

}  // namespace relais::http
