#include "auth/throttle.hpp"

#include "auth/token.hpp"
#include "core/error.hpp"

namespace relais::auth {

namespace {

rate_limiter::time_point now() {
    return std::chrono::steady_clock::now();
}

error too_many(std::chrono::seconds wait, std::string detail) {
    error e(error_kind::too_many_requests, std::move(detail));
    e.retry_after = wait;
    return e;
}

}  // namespace

std::string login_account_key(std::string_view normalised_email) {
    return hash_token(normalised_email);
}

login_throttle::ticket reserve_password_check(login_throttle& t, const login_policy& policy,
                                              const std::string& account_key,
                                              const std::string& address_key) {
    auto r = t.reserve(account_key, address_key, policy, now());
    if (auto* wait = std::get_if<std::chrono::seconds>(&r))
        throw too_many(*wait, "Too many failed sign-in attempts; please retry later.");
    return std::get<login_throttle::ticket>(std::move(r));
}

void password_check_succeeded(login_throttle& t, const login_throttle::ticket& ticket) {
    t.succeeded(ticket);
}

void password_check_cancelled(login_throttle& t, const login_throttle::ticket& ticket) {
    t.cancelled(ticket);
}

}  // namespace relais::auth
