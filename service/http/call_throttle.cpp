#include "http/call_throttle.hpp"

#include "core/error.hpp"
#include "wire/request_checks.hpp"

#include <string>

namespace relais::http {

namespace {

error too_many(std::chrono::seconds wait, std::string detail) {
    error e(error_kind::too_many_requests, std::move(detail));
    e.retry_after = wait;
    return e;
}

}  // namespace

void call_throttle::check(const auth::access_rule& rule, bool unsafe_method, std::string_view route,
                          const std::optional<auth::principal>& user, std::string_view client_address) {
    call_class what;
    switch (rule.limit) {
        case auth::limit_by::none:
            return;
        case auth::limit_by::form:
            what = call_class::form;
            break;
        case auth::limit_by::tracking:
            what = call_class::tracking;
            break;
        case auth::limit_by::method:
        default:
            what = unsafe_method ? call_class::write : call_class::read;
            break;
    }
    const call_limit limit = policy_.of(caller_kind_of(user), what);
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
    key += user ? "u:" + user->user_id : "a:" + wire::client_key(client_address);
    if (auto wait = calls_.take(key, limit.count, limit.window, std::chrono::steady_clock::now())) {
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

}  // namespace relais::http
