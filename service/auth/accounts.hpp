#pragma once

#include "auth/principal.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relais::auth {

// User accounts in the `users` table (migration 1). The functions taking a database run inside store jobs
// (or in a command without a server); password hashes never leave this module except to verify_password.

/// An email as accounts store and compare it: surrounding blanks removed, ASCII letters in lower case.
std::string normalize_email(std::string_view email);

/// A cheap plausibility check of a normalised email (one '@', a dotted domain, no blanks, <= 254 bytes).
bool plausible_email(std::string_view email);

/// An Argon2id hash (same parameters as hash_password) of a random password nobody knows: login verifies
/// against it when the email is unknown, so an unknown account costs as much time as a known one.
const char* dummy_password_hash();

/// What login needs about an account.
struct login_account {
    std::string id;
    role r = role::volunteer;
    std::string email;
    std::string password_hash;
    std::string volunteer_id;
    std::string partner_id;
    bool usable = true;  ///< false for a volunteer whose registration was withdrawn or erased
    bool awaiting_validation = false;  ///< a volunteer whose registration no coordinator validated yet
};

/// The live (not disabled) account with this normalised email.
std::optional<login_account> find_login_account(SQLite::Database& db, std::string_view email);

/// An account as admins see it (never the hash).
struct account {
    std::int64_t seq = 0;
    std::string id;
    std::string email;
    role r = role::volunteer;
    std::string volunteer_id;
    std::string partner_id;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> disabled_at;
};

/// A new account. `email` must be normalised and `password_hash` made by hash_password.
struct new_account {
    std::string email;
    role r = role::volunteer;
    std::string password_hash;
    std::string volunteer_id;  ///< required for role::volunteer (the registration it belongs to)
    std::string partner_id;    ///< required for role::partner
};

/// Inserts `a` with a new "usr_" id and returns the id. Throws error(conflict) if a live account already
/// has this email, validation_error if the linked volunteer/partner is missing or does not exist.
std::string insert_account(SQLite::Database& db, const new_account& a, std::int64_t now);

/// The account `id` (disabled or not).
std::optional<account> find_account(SQLite::Database& db, std::string_view id);

/// Accounts in creation order after `after_seq`, at most `limit`, optionally only those with role `only`.
std::vector<account> list_accounts(SQLite::Database& db, std::int64_t after_seq, int limit,
                                   std::optional<role> only = std::nullopt);

/// The password hash of a live account.
std::optional<std::string> password_hash_of(SQLite::Database& db, std::string_view user_id);

/// Replaces a password hash.
void set_password_hash(SQLite::Database& db, std::string_view user_id, const std::string& hash, std::int64_t now);

/// Disables an account (idempotent) and ends its sessions. False if there is no such account.
bool disable_account(SQLite::Database& db, std::string_view user_id, std::int64_t now);

}  // namespace relais::auth
