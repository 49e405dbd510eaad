#include "auth/session_cache.hpp"

namespace relais::auth {

session_cache::session_cache(std::size_t capacity, std::chrono::seconds max_age)
    : capacity_(capacity), max_age_(max_age) {}

std::optional<session_record> session_cache::find(std::string_view token_hash, std::uint64_t generation,
                                                  std::int64_t now, std::int64_t idle_s) {
    const auto steady_now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    auto it = entries_.find(std::string(token_hash));
    if (it == entries_.end())
        return std::nullopt;
    const auto& e = it->second;
    if (e.generation != generation || steady_now - e.loaded >= max_age_ || now >= e.session.expires_at ||
        now - e.session.last_seen_at > idle_s) {
        entries_.erase(it);
        return std::nullopt;
    }
    return e.session;
}

void session_cache::put(const session_record& s, std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    // Bounded: when full, start again (the next requests read their sessions from the database).
    if (entries_.size() >= capacity_)
        entries_.clear();
    entries_.insert_or_assign(s.user.session_id, entry{s, generation, std::chrono::steady_clock::now()});
}

std::size_t session_cache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace relais::auth
