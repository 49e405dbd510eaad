#include "app/read_cache.hpp"

namespace relais::app {

read_cache::read_cache(std::size_t capacity, std::chrono::seconds max_age)
    : capacity_(capacity), max_age_(max_age) {}

std::shared_ptr<const std::string> read_cache::find(const std::string& key, std::uint64_t generation) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end())
        return nullptr;
    if (it->second.generation != generation || now - it->second.loaded >= max_age_) {
        entries_.erase(it);
        return nullptr;
    }
    return it->second.body;
}

void read_cache::put(const std::string& key, std::shared_ptr<const std::string> body,
                     std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_ && !entries_.contains(key))
        entries_.clear();
    entries_.insert_or_assign(key, entry{std::move(body), generation, std::chrono::steady_clock::now()});
}

std::size_t read_cache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace relais::app
