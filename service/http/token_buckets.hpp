#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace relais::http {

/// Per-key token buckets: a key may make `limit` calls at once, and gets its calls back at `limit` per
/// `window` (so `limit` per window on average, with bursts up to `limit`). Each key costs a few bytes
/// whatever its limit (unlike rate_limiter, which keeps one timestamp per event: fine for ten failed
/// logins, not for six thousand reads a minute). Thread-safe, sharded by key so that I/O threads rarely
/// wait on each other; bounded: at most `max_keys` keys, the least recently used forgotten first (a
/// forgotten key starts again with a full bucket). Time is passed in, so tests drive it.
class token_buckets {
  public:
    using time_point = std::chrono::steady_clock::time_point;

    token_buckets() : token_buckets(200000) {}
    explicit token_buckets(std::size_t max_keys);

    token_buckets(const token_buckets&) = delete;
    token_buckets& operator=(const token_buckets&) = delete;

    /// Takes one call from `key`'s bucket. nullopt when allowed (and counted); otherwise how long until
    /// one call is available again (at least 1 s). A limit of 0 means "no limit" (nothing is counted).
    std::optional<std::chrono::seconds> take(const std::string& key, std::size_t limit,
                                             std::chrono::seconds window, time_point now);

    /// Keys held (for tests and metrics).
    std::size_t size() const;

  private:
    static constexpr std::size_t shard_count = 16;
    struct bucket {
        double tokens;
        time_point updated;
        std::list<std::string>::iterator lru;
    };
    struct shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, bucket> buckets;
        std::list<std::string> lru;  ///< least recently used first
    };

    const std::size_t max_keys_per_shard_;
    std::array<shard, shard_count> shards_;
};

}  // namespace relais::http
