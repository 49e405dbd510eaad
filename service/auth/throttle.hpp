#pragma once

#include "auth/login_throttle.hpp"
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
    login_throttle logins;         ///< password checks (login, change of password); accounts by a hash of the email
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

/// Reserves one password check (login, the current password of a change) for `account_key` from `address`
/// under --login-limit, --login-account-limit and --login-window (see login_throttle), before any hashing;
/// throws error(too_many_requests) with retry_after when the caller must wait. The reservation counts as a
/// failure unless password_check_succeeded() is called with it.
login_throttle::ticket reserve_password_check(app::app_context& app, const std::string& account_key,
                                              const std::string& address);

/// The reserved check found the right password (see login_throttle::succeeded).
void password_check_succeeded(app::app_context& app, const login_throttle::ticket& t);

/// The reserved check could not run (see login_throttle::cancelled).
void password_check_cancelled(app::app_context& app, const login_throttle::ticket& t);

}  // namespace relais::auth
