#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// One-time links to choose a password (issue 15). An admin creating a staff or partner account gets a "set"
// link to hand over (the admin never knows the password); for someone who forgot theirs, an admin issues a
// "reset" link. The database keeps only the token's SHA-256; a link is spent once, expires, and issuing a new
// one for the same account voids the earlier ones. Choosing the password through a link ends every session of
// the account.
namespace relais::auth {

inline constexpr std::int64_t set_password_link_lifetime = 7 * 86400;
inline constexpr std::int64_t reset_password_link_lifetime = 24 * 3600;

enum class link_purpose { set, reset };

struct issued_link {
    std::string token;  ///< the secret: shown once, never stored
    std::int64_t expires_at = 0;
};

/// Issues a link for the live account `user_id`, voiding its earlier live links, and appends the event
/// user/password_link_issued (data: purpose). `by`: the admin's user id.
issued_link issue_password_link(SQLite::Database& db, const std::string& user_id, link_purpose purpose,
                                const std::string& by, std::int64_t now);

/// The account of a live link (not spent, not expired, not voided, account not disabled), else nullopt.
std::optional<std::string> password_link_account(SQLite::Database& db, std::string_view token,
                                                 std::int64_t now);

/// Spends a live link and sets the account's password hash; ends the account's sessions and appends
/// user/password_set_by_link. nullopt if the link was not live (spent meanwhile by a concurrent use); else
/// the account's role.
std::optional<std::string> redeem_password_link(SQLite::Database& db, std::string_view token,
                                                const std::string& password_hash, std::int64_t now);

}  // namespace relais::auth
