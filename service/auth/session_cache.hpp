#pragma once

#include "auth/sessions.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace relais::auth {

/// Sessions recently read from the database, so that a signed-in request does not need a database read
/// before its handler's own. An entry is used only while the store's watched generation (bumped by every
/// commit that changed the session, users or volunteer tables: logout, password change, disabled account,
/// withdrawn volunteer, a session touch...) is the one read before the entry was loaded, and for at most
/// `max_age` (a bound for changes made by another process, such as `relais retention`). Expiry and idle
/// timeout are re-checked against the current time on every use. Thread-safe.
class session_cache {
  public:
    explicit session_cache(std::size_t capacity = 20000,
                           std::chrono::seconds max_age = std::chrono::seconds(5));

    /// The cached session for `token_hash`, if its entry was loaded under `generation`, is younger than
    /// max_age, and the session is still within its absolute and idle limits at `now`.
    std::optional<session_record> find(std::string_view token_hash, std::uint64_t generation,
                                       std::int64_t now, std::int64_t idle_s);

    /// Remembers `s` as read by a transaction that began after `generation` was read.
    void put(const session_record& s, std::uint64_t generation);

    std::size_t size() const;

  private:
    struct entry {
        session_record session;
        std::uint64_t generation = 0;
        std::chrono::steady_clock::time_point loaded;
    };

    mutable std::mutex mutex_;
    std::unordered_map<std::string, entry> entries_;
    std::size_t capacity_;
    std::chrono::seconds max_age_;
};

}  // namespace relais::auth
