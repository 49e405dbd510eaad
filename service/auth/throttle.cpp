#include "auth/throttle.hpp"

#include "app/app_context.hpp"
#include "auth/request_checks.hpp"
#include "auth/token.hpp"
#include "core/error.hpp"
#include "http/request_context.hpp"

namespace relais::auth {

namespace {

rate_limiter::time_point now() { return std::chrono::steady_clock::now(); }

error too_many(std::chrono::seconds wait, std::string detail) {
    error e(error_kind::too_many_requests, std::move(detail));
    e.retry_after = wait;
    return e;
}

}  // namespace

void check_call_rate(http::request_context& ctx, const access_rule& rule) {
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
            what = is_unsafe_method(rule.method) ? call_class::write : call_class::read;
            break;
    }
    const caller_kind who = caller_kind_of(ctx.user);
    const call_limit limit = ctx.app.throttles.call_policy.of(who, what);
    if (limit.count == 0)
        return;
    // Forms and secret lookups count per route (a resident who asked for help may still follow it up);
    // other writes and reads per caller.
    std::string key(to_string(what));
    key += ' ';
    if (what == call_class::form || what == call_class::tracking) {
        key += ctx.route;
        key += ' ';
    }
    key += ctx.user ? "u:" + ctx.user->user_id : "a:" + client_key(ctx.client_address);
    if (auto wait = ctx.app.throttles.calls.take(key, limit.count, limit.window, now())) {
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

std::string login_account_key(std::string_view normalised_email) { return hash_token(normalised_email); }

login_throttle::ticket reserve_password_check(app::app_context& app, const std::string& account_key,
                                              const std::string& address) {
    const auto& cfg = app.cfg;
    const login_policy policy{cfg.login_limit, cfg.login_account_limit, cfg.login_window};
    auto r = app.throttles.logins.reserve(account_key, client_key(address), policy, now());
    if (auto* wait = std::get_if<std::chrono::seconds>(&r))
        throw too_many(*wait, "Too many failed sign-in attempts; please retry later.");
    return std::get<login_throttle::ticket>(std::move(r));
}

void password_check_succeeded(app::app_context& app, const login_throttle::ticket& t) {
    app.throttles.logins.succeeded(t);
}

void password_check_cancelled(app::app_context& app, const login_throttle::ticket& t) {
    app.throttles.logins.cancelled(t);
}

}  // namespace relais::auth
