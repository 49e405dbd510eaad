#pragma once

#include "auth/sessions.hpp"
#include "store/generation_cache.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace relais::auth {

/// Sessions recently read from the database, so that a signed-in request does not need a database read
/// before its handler's own. An entry is used only while no commit has changed the session, users or
/// volunteer tables since it was read (logout, password change, disabled account, withdrawn volunteer, a
/// session touch...; see store::generation_cache), and for at most `max_age` (a bound for changes made by
/// another process, such as `relais retention`). Expiry and idle timeout are re-checked against the
/// current time on every use. Thread-safe.
class session_cache {
  public:
    explicit session_cache(std::size_t capacity = 20000,
                           std::chrono::seconds max_age = std::chrono::seconds(5))
        : entries_(capacity, max_age) {}

    /// The cached session for `token_hash`, if its entry was loaded under `generation`, is younger than
    /// max_age, and the session is still within its absolute and idle limits at `now`.
    std::optional<session_record> find(std::string_view token_hash, std::uint64_t generation,
                                       std::int64_t now, std::int64_t idle_s) {
        return entries_.find(std::string(token_hash), generation, [now, idle_s](const session_record& s) {
            return now < s.expires_at && now - s.last_seen_at <= idle_s;
        });
    }

    /// Remembers `s` as read by a transaction that began after `generation` was read.
    void put(const session_record& s, std::uint64_t generation) {
        entries_.put(s.user.session_id, s, generation);
    }

    std::size_t size() const { return entries_.size(); }

  private:
    store::generation_cache<session_record> entries_;
};

}  // namespace relais::auth
