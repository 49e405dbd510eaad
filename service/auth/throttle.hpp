#pragma once

#include "auth/access_rule.hpp"
#include "auth/call_limits.hpp"
#include "auth/login_throttle.hpp"
#include "auth/principal.hpp"
#include "auth/rate_limiter.hpp"
#include "auth/token_buckets.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace relais::auth {

/// The in-memory throttling state of a running server (owned by the runner, so nothing is global).
/// Limits and windows come from the configuration at each call.
struct throttles {
    login_throttle logins;  ///< password checks (login, change of password); accounts by a hash of the email
    token_buckets calls;    ///< every call, per caller (user or address) and call class
    call_limits call_policy = call_limits::defaults({});  ///< set from the configuration at start
};

/// Every caller's rate limit, called by the dispatcher for each routed call once the caller is known:
/// counts the call against the caller (the signed-in user, else the client address, an IPv6 one by its
/// /64) in the class of `rule` (auth::call_class: form and tracking per route, write and read per caller),
/// with the limit of the caller's kind (throttles::call_policy), and throws error(too_many_requests) with
/// retry_after once it is used up.
void check_call_rate(throttles& t, const access_rule& rule, bool unsafe_method, std::string_view route,
                     const std::optional<principal>& user, std::string_view client_address);

/// The limits in force: the defaults, --public-post-limit/-window for anonymous forms and tracking codes,
/// then the overrides of --rate-limits (std::invalid_argument if they do not parse).
call_limits call_policy_of(std::size_t public_post_limit, std::chrono::seconds public_post_window,
                           std::string_view overrides);

/// The limiter key of an account (a hash, so the limiter holds no email addresses).
std::string login_account_key(std::string_view normalised_email);

/// Reserves one password check (login, the current password of a change) for `account_key` from `address`
/// under --login-limit, --login-account-limit and --login-window (see login_throttle), before any hashing;
/// throws error(too_many_requests) with retry_after when the caller must wait. The reservation counts as a
/// failure unless password_check_succeeded() is called with it.
login_throttle::ticket reserve_password_check(throttles& t, const login_policy& policy,
                                              const std::string& account_key, const std::string& address);

/// The reserved check found the right password (see login_throttle::succeeded).
void password_check_succeeded(throttles& t, const login_throttle::ticket& ticket);

/// The reserved check could not run (see login_throttle::cancelled).
void password_check_cancelled(throttles& t, const login_throttle::ticket& ticket);

}  // namespace relais::auth
