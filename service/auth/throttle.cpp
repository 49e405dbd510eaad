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

std::optional<std::chrono::seconds> login_blocked(app::app_context& app, const std::string& account_key,
                                                  const std::string& address) {
    const auto& cfg = app.cfg;
    const auto t = now();
    auto a = app.throttles.login_accounts.blocked(account_key, cfg.login_limit, cfg.login_window, t);
    auto b = app.throttles.login_addresses.blocked(address, cfg.login_limit, cfg.login_window, t);
    if (a && b)
        return std::max(*a, *b);
    return a ? a : b;
}

void record_login_failure(app::app_context& app, const std::string& account_key, const std::string& address) {
    const auto& cfg = app.cfg;
    const auto t = now();
    app.throttles.login_accounts.record(account_key, cfg.login_limit, cfg.login_window, t);
    app.throttles.login_addresses.record(address, cfg.login_limit, cfg.login_window, t);
}

void forget_login_failures(app::app_context& app, const std::string& account_key) {
    app.throttles.login_accounts.forget(account_key);
}

}  // namespace relais::auth
