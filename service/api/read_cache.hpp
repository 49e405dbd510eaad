#pragma once

#include "store/generation_cache.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace relais::api {

/// Serialized answers of reads that many callers repeat identically (the coordinators' queue, which every
/// console re-reads on each live notice), kept while no commit has changed the tables they come from (see
/// store::generation_cache). Only for reads whose answer depends on nothing but those tables and the key:
/// not on the caller, nor on the clock. Thread-safe; bounded.
class read_cache {
  public:
    explicit read_cache(std::size_t capacity = 64, std::chrono::seconds max_age = std::chrono::seconds(5))
        : entries_(capacity, max_age) {}

    /// The body stored under `key` if it was read under `generation` and is younger than max_age.
    std::shared_ptr<const std::string> find(const std::string& key, std::uint64_t generation) {
        return entries_.find(key, generation).value_or(nullptr);
    }

    /// Stores `body`, read by a transaction that began after `generation` was read.
    void put(const std::string& key, std::shared_ptr<const std::string> body, std::uint64_t generation) {
        entries_.put(key, std::move(body), generation);
    }

    std::size_t size() const { return entries_.size(); }

  private:
    store::generation_cache<std::shared_ptr<const std::string>> entries_;
};

}  // namespace relais::api
