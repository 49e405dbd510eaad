#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace relais::app {

/// Serialized answers of reads that many callers repeat identically (the coordinators' queue, which every
/// console re-reads on each live notice). An entry is used only while the store's watched generation is
/// the one read before the entry's database read began (no commit has changed the tables it comes from
/// since) and for at most `max_age` (a bound for changes made by another process). Only for reads whose
/// answer depends on nothing but those tables and the key: not on the caller, nor on the clock.
/// Thread-safe; bounded (when full it starts again).
class read_cache {
  public:
    explicit read_cache(std::size_t capacity = 64, std::chrono::seconds max_age = std::chrono::seconds(5));

    /// The body stored under `key` if it was read under `generation` and is younger than max_age.
    std::shared_ptr<const std::string> find(const std::string& key, std::uint64_t generation);

    /// Stores `body`, read by a transaction that began after `generation` was read.
    void put(const std::string& key, std::shared_ptr<const std::string> body, std::uint64_t generation);

    std::size_t size() const;

  private:
    struct entry {
        std::shared_ptr<const std::string> body;
        std::uint64_t generation = 0;
        std::chrono::steady_clock::time_point loaded;
    };

    mutable std::mutex mutex_;
    std::unordered_map<std::string, entry> entries_;
    std::size_t capacity_;
    std::chrono::seconds max_age_;
};

}  // namespace relais::app
