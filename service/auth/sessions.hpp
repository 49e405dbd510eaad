#pragma once

#include "auth/principal.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relais::auth {

// Sessions in the `session` table (migration 2). These functions run inside store jobs
// (ctx.app.db.read / write), never on an I/O thread. Times are wall-clock Unix seconds: session expiry is
// a security property in real time, so it does not follow the movable programme clock.

/// Wall-clock Unix seconds.
std::int64_t wall_now_s();

/// A live session as the dispatcher needs it.
struct session_record {
    principal user;         ///< user.session_id is the token's hash
    std::string csrf_hash;  ///< hash_token of the session's CSRF token
    std::int64_t last_seen_at = 0;
    std::int64_t expires_at = 0;  ///< absolute expiry (wall-clock seconds)
};

/// The session whose token hashes to `token_hash`, if it is still valid at `now`: not past its absolute
/// expiry nor idle for more than `idle_s` seconds, its user not disabled, and for a volunteer the linked
/// registration neither withdrawn nor erased. One primary-key lookup joined on unique indexes.
std::optional<session_record> find_session(SQLite::Database& db, std::string_view token_hash,
                                           std::int64_t now, std::int64_t idle_s);

/// What login hands to the client (the only time the secrets exist in clear).
struct issued_session {
    std::string token;       ///< goes into the cookie
    std::string csrf_token;  ///< goes into the login response
    std::string token_hash;
};

/// Starts a session for `user_id` (fresh token, fresh CSRF token). Also ends `replaced_hash` (the session
/// the client presented at login, if any) and deletes sessions that have expired.
issued_session create_session(SQLite::Database& db, const std::string& user_id, std::int64_t now,
                              std::int64_t lifetime_s, std::int64_t idle_s, std::string_view replaced_hash);

/// Records activity (the idle timeout counts from the last touch).
void touch_session(SQLite::Database& db, std::string_view token_hash, std::int64_t now);

/// Ends one session.
void end_session(SQLite::Database& db, std::string_view token_hash);

/// Ends every session of `user_id` except `keep_hash` (empty: all). Returns how many ended.
int end_user_sessions(SQLite::Database& db, std::string_view user_id, std::string_view keep_hash = {});

/// How often a session's last_seen_at is written: at most once a minute (not a write per read), and often
/// enough for short idle timeouts.
std::int64_t touch_interval_s(std::int64_t idle_s);

/// The session cookie's name: `__Host-relais_session` with secure cookies, `relais_session` otherwise.
std::string_view session_cookie_name(bool secure);

/// The Set-Cookie value that hands `token` to the browser.
std::string session_cookie(std::string_view token, bool secure);

/// The Set-Cookie value that makes the browser forget the session cookie.
std::string cleared_session_cookie(bool secure);

}  // namespace relais::auth
