#pragma once

#include "auth/login_throttle.hpp"

#include <string>
#include <string_view>

namespace relais::auth {

/// The limiter key of an account (a hash, so the limiter holds no email addresses).
std::string login_account_key(std::string_view normalised_email);

/// Reserves one password check (login, the current password of a change) for `account_key` from the client
/// address whose key is `address_key` (wire::client_key: an IPv6 address by its /64)
/// under --login-limit, --login-account-limit and --login-window (see login_throttle), before any hashing;
/// throws error(too_many_requests) with retry_after when the caller must wait. The reservation counts as a
/// failure unless password_check_succeeded() is called with it.
login_throttle::ticket reserve_password_check(login_throttle& t, const login_policy& policy,
                                              const std::string& account_key, const std::string& address_key);

/// The reserved check found the right password (see login_throttle::succeeded).
void password_check_succeeded(login_throttle& t, const login_throttle::ticket& ticket);

/// The reserved check could not run (see login_throttle::cancelled).
void password_check_cancelled(login_throttle& t, const login_throttle::ticket& ticket);

}  // namespace relais::auth
