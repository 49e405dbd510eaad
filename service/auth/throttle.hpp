#pragma once

#include "auth/rate_limiter.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace relais::app {
struct app_context;
}
namespace relais::http {
class request_context;
}

namespace relais::auth {

/// The in-memory throttling state of a running server (owned by app::app_context, so nothing is global).
/// Limits and windows come from the configuration at each call.
struct throttles {
    rate_limiter login_accounts;   ///< failed logins per account (key: hash of the normalised email)
    rate_limiter login_addresses;  ///< failed logins per client address
    rate_limiter public_posts;     ///< anonymous public-form posts and tracking lookups per address and route
};

/// Public rate limit (POST /api/v1/requests, POST /api/v1/volunteers, the tracking-code routes): counts
/// this call against the client address and route, and throws error(too_many_requests) with retry_after
/// once the address has used up --public-post-limit calls of the route in --public-post-window. Callers
/// with a session (staff, partners) are not limited. The dispatcher already calls this for the routes
/// flagged flag_public_rate_limit in the access table, so their handlers need not.
void check_public_post_rate(http::request_context& ctx);

/// The limiter key of an account (a hash, so the limiter holds no email addresses).
std::string login_account_key(std::string_view normalised_email);

/// If failed logins for this account or this address are over --login-limit: the wait (Retry-After).
std::optional<std::chrono::seconds> login_blocked(app::app_context& app, const std::string& account_key,
                                                  const std::string& address);

/// Counts one failed login (wrong password, unknown account) against the account and the address.
void record_login_failure(app::app_context& app, const std::string& account_key, const std::string& address);

/// Forgets an account's failed logins (after a successful login); the address's count stays.
void forget_login_failures(app::app_context& app, const std::string& account_key);

}  // namespace relais::auth
