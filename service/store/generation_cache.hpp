#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace relais::store {

/// Values read from the database, kept in memory while they are still what the database says: an entry is
/// used only while the store's watched generation (store::watched_generation, bumped by every commit that
/// changed a watched table) is the one read before the entry's database read began, and for at most
/// `max_age` (a bound for changes made by another process, which the generation does not see).
/// Thread-safe; bounded (when full and a new key comes, it starts again).
template <class T>
class generation_cache {
  public:
    generation_cache(std::size_t capacity, std::chrono::seconds max_age)
        : capacity_(capacity), max_age_(max_age) {}

    /// The value under `key` if it was stored under `generation`, is younger than max_age and passes
    /// `still_valid(value)` (checks that depend on the time of use). An entry that fails is dropped.
    template <class Valid>
    std::optional<T> find(const std::string& key, std::uint64_t generation, Valid still_valid) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end())
            return std::nullopt;
        const entry& e = it->second;
        if (e.generation != generation || now - e.loaded >= max_age_ || !still_valid(e.value)) {
            entries_.erase(it);
            return std::nullopt;
        }
        return e.value;
    }

    std::optional<T> find(const std::string& key, std::uint64_t generation) {
        return find(key, generation, [](const T&) { return true; });
    }

    /// Stores `value`, read by a transaction that began after `generation` was read.
    void put(const std::string& key, T value, std::uint64_t generation) {
        std::lock_guard lock(mutex_);
        if (entries_.size() >= capacity_ && !entries_.contains(key))
            entries_.clear();
        entries_.insert_or_assign(key, entry{std::move(value), generation, std::chrono::steady_clock::now()});
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

  private:
    struct entry {
        T value;
        std::uint64_t generation = 0;
        std::chrono::steady_clock::time_point loaded;
    };

    mutable std::mutex mutex_;
    std::unordered_map<std::string, entry> entries_;
    std::size_t capacity_;
    std::chrono::seconds max_age_;
};

}  // namespace relais::store
