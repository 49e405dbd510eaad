#pragma once

#include "auth/accounts.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Signing in without a password (issue 14): a volunteer asks for a one-time code by email or by text
// message; the message carries the 6-digit code and a link that signs in on that device. The database keeps
// only hashes. A code lives 10 minutes and allows 5 tries; a new code replaces the previous one; an account
// gets at most 5 codes an hour (the route's rate limit counts the asking addresses too). The code itself
// reaches the outbox planner through the secret handover (domain/secret_handover.hpp), never the disk.
//
// Email confirmation: a registration's address is confirmed by a single-use link (30 days), or by signing in
// with a code received at it.
namespace relais::auth {

inline constexpr std::int64_t sign_in_code_lifetime = 600;
inline constexpr int sign_in_code_tries = 5;
inline constexpr int sign_in_codes_per_hour = 5;
inline constexpr std::int64_t email_confirmation_lifetime = 30 * 86400;
inline constexpr int email_confirmations_per_hour = 3;  ///< links asked again by the volunteer

/// Where a code is asked for: an email (normalised) or a phone number (E.164).
struct code_address {
    enum class kind { email, phone } k = kind::email;
    std::string value;
};

/// Issues a sign-in code for the volunteer account reached at `to`, and returns true; does nothing and
/// returns false when no usable volunteer account has that address or number (coordinators and admins sign in
/// with their password), or when the account had sign_in_codes_per_hour codes in the last hour. The caller
/// answers both cases alike. Appends the event user/sign_in_code_sent (data: channel) and leaves
/// "<code> <link token>" for the planner (secret kind "sign_in_code", the user's id).
bool issue_sign_in_code(SQLite::Database& db, const code_address& to, std::int64_t now);

/// Outcome of a check of a code or a link.
struct code_check {
    std::optional<login_account> account;  ///< signed in (the code or link is spent)
    bool locked = false;                   ///< no live code (none, expired, spent or out of tries)
};

/// Checks `code` (6 digits) against the live code of the account reached at `to`. A wrong code uses up a
/// try (the caller commits it); a right one spends the code, and an email code confirms the address.
/// Unknown addresses answer like a wrong code.
code_check check_sign_in_code(SQLite::Database& db, const code_address& to, std::string_view code,
                              std::int64_t now);

/// Checks the link token of a code's message (the same code, another form): single use, 10 minutes.
code_check check_sign_in_link(SQLite::Database& db, std::string_view link, std::int64_t now);

/// Issues an email confirmation link for account `user_id` (its current email) and leaves the token for the
/// planner (secret kind "email_confirmation", the user's id); appends user/email_confirmation_sent.
void issue_email_confirmation(SQLite::Database& db, const std::string& user_id, std::int64_t now);

enum class resend { sent, already_confirmed, too_soon };

/// The volunteer asks again for the link that confirms their email (account `user_id`): none when the address
/// is confirmed, nor when email_confirmations_per_hour links went out in the last hour (a mailbox is not
/// flooded from a stolen session); else issue_email_confirmation.
resend resend_email_confirmation(SQLite::Database& db, const std::string& user_id, std::int64_t now);

/// After a coordinator changed volunteer `volunteer_id`'s email (domain::patch_volunteer cleared its
/// confirmation): a link to the new address, when the volunteer has an account. Returns whether one was sent.
bool confirm_changed_email(SQLite::Database& db, const std::string& volunteer_id, std::int64_t now);

enum class confirmation { confirmed, already, unknown };

/// Confirms the address a link was sent to (if the account still has it): `unknown` for a malformed,
/// unknown, expired link, or one whose account's address changed since.
confirmation confirm_email(SQLite::Database& db, std::string_view token, std::int64_t now);

/// Deletes the codes and confirmation links that can no longer be used (a day after expiry); returns how
/// many.
std::int64_t purge_sign_in_codes(SQLite::Database& db, std::int64_t now);

}  // namespace relais::auth
