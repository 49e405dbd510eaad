#include "auth/throttle.hpp"

#include "app/app_context.hpp"
#include "auth/token.hpp"
#include "domain/error.hpp"
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

void check_public_post_rate(http::request_context& ctx) {
    if (ctx.user)
        return;
    const auto& cfg = ctx.app.cfg;
    const std::string key = std::string(ctx.route) + ' ' + ctx.client_address;
    if (auto wait = ctx.app.throttles.public_posts.hit(key, cfg.public_post_limit, cfg.public_post_window, now()))
        throw too_many(*wait, "Too many submissions from this address; please retry later.");
}

std::string login_account_key(std::string_view normalised_email) { return hash_token(normalised_email); }

login_throttle::ticket reserve_password_check(app::app_context& app, const std::string& account_key,
                                              const std::string& address) {
    const auto& cfg = app.cfg;
    const login_policy policy{cfg.login_limit, cfg.login_account_limit, cfg.login_window};
    auto r = app.throttles.logins.reserve(account_key, address, policy, now());
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
