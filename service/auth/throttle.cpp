#include "auth/throttle.hpp"

#include "auth/request_checks.hpp"
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

void check_call_rate(throttles& t, const access_rule& rule, bool unsafe_method, std::string_view route,
                     const std::optional<principal>& user, std::string_view client_address) {
    call_class what;
    switch (rule.limit) {
        case limit_by::none:
            return;
        case limit_by::form:
            what = call_class::form;
            break;
        case limit_by::tracking:
            what = call_class::tracking;
            break;
        case limit_by::method:
        default:
            what = unsafe_method ? call_class::write : call_class::read;
            break;
    }
    const caller_kind who = caller_kind_of(user);
    const call_limit limit = t.call_policy.of(who, what);
    if (limit.count == 0)
        return;
    // Forms and secret lookups count per route (a resident who asked for help may still follow it up);
    // other writes and reads per caller.
    std::string key(to_string(what));
    key += ' ';
    if (what == call_class::form || what == call_class::tracking) {
        key += route;
        key += ' ';
    }
    key += user ? "u:" + user->user_id : "a:" + client_key(client_address);
    if (auto wait = t.calls.take(key, limit.count, limit.window, now())) {
        switch (what) {
            case call_class::form:
                throw too_many(*wait, "Too many submissions from this address; please retry later.");
            case call_class::tracking:
                throw too_many(*wait, "Too many look-ups; please retry later.");
            default:
                throw too_many(*wait, "Too many calls; please slow down and retry later.");
        }
    }
}

call_limits call_policy_of(std::size_t public_post_limit, std::chrono::seconds public_post_window,
                           std::string_view overrides) {
    auto policy = call_limits::defaults({public_post_limit, public_post_window});
    policy.apply_overrides(overrides);
    return policy;
}

std::string login_account_key(std::string_view normalised_email) {
    return hash_token(normalised_email);
}

login_throttle::ticket reserve_password_check(throttles& t, const login_policy& policy,
                                              const std::string& account_key, const std::string& address) {
    auto r = t.logins.reserve(account_key, client_key(address), policy, now());
    if (auto* wait = std::get_if<std::chrono::seconds>(&r))
        throw too_many(*wait, "Too many failed sign-in attempts; please retry later.");
    return std::get<login_throttle::ticket>(std::move(r));
}

void password_check_succeeded(throttles& t, const login_throttle::ticket& ticket) {
    t.logins.succeeded(ticket);
}

void password_check_cancelled(throttles& t, const login_throttle::ticket& ticket) {
    t.logins.cancelled(ticket);
}

}  // namespace relais::auth
