#include "http/dispatcher.hpp"

#include "auth/access_rule.hpp"
#include "auth/sessions.hpp"
#include "auth/token.hpp"
#include "http/problem.hpp"
#include "http/server_context.hpp"
#include "http/static_files.hpp"
#include "store/store.hpp"
#include "wire/request_checks.hpp"
#include "wire/request_context.hpp"

#include <spdlog/spdlog.h>

namespace relais::http {

void add_common_headers(response& res, const std::string& request_id) {
    res.set(bhttp::field::server, "relais");
    res.set("X-Request-Id", request_id);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "same-origin");
    res.set("X-Frame-Options", "DENY");
    res.set("Cross-Origin-Opener-Policy", "same-origin");
    res.set("Permissions-Policy", "geolocation=(), camera=(), microphone=()");
    res.set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'");
}

namespace {

bool is_api_path(std::string_view path) {
    return path.starts_with("/api/") || path == "/api" || path == "/healthz" || path == "/readyz" ||
           path == "/metrics";
}

/// The host the browser addressed: the Host header, or the proxy's X-Forwarded-Host when one is trusted.
std::string_view request_host(const server_context& app, const request& req) {
    if (app.cfg.behind_proxy) {
        auto fh = req["X-Forwarded-Host"];
        if (!fh.empty())
            return fh.substr(0, fh.find(','));
    }
    return req[bhttp::field::host];
}

/// Everything between routing and the handler: resolve the session cookie into ctx.user, the CSRF check,
/// the authorization table, the public-form rate limit. Throws relais::error to refuse.
boost::asio::awaitable<void> authorize(server_context& app, wire::request_context& ctx,
                                       const wire::route& target, std::string& user_id) {
    const auto& req = ctx.req;
    const auth::access_rule* rule = &target.access;

    // The session: one indexed read (hash of the cookie's token) when a well-formed cookie is present.
    std::optional<auth::session_record> session;
    const auto cookie =
        wire::cookie_value(req[bhttp::field::cookie], auth::session_cookie_name(app.cfg.secure_cookies));
    const std::int64_t now = auth::wall_now_s();
    const std::int64_t idle = app.cfg.session_idle.count();
    if (cookie && auth::well_formed_token(*cookie)) {
        // The generation is read before the database read, so a change committed meanwhile invalidates
        // what that read returns (auth::session_cache).
        const auto generation = app.db.watched_generation();
        auto hash = auth::hash_token(*cookie);
        session = app.sessions.find(hash, generation, now, idle);
        if (!session) {
            auto find = [hash, now, idle](SQLite::Database& db) {
                return auth::find_session(db, hash, now, idle);
            };
            session = co_await app.db.read(std::move(find));
            if (session)
                app.sessions.put(*session, generation);
        }
        if (session)
            user_id = session->user.user_id;  // for the access log, refused or not
    }

    std::optional<std::string_view> origin;
    if (auto it = req.find(bhttp::field::origin); it != req.end())
        origin = it->value();
    const wire::csrf_input csrf{req.method(),
                                session.has_value(),
                                (rule->flags & auth::flag_no_session_csrf) == 0,
                                req["X-CSRF-Token"],
                                session ? std::string_view(session->csrf_hash) : std::string_view(),
                                origin,
                                request_host(app, req)};
    switch (wire::check_csrf(csrf)) {
        case wire::csrf_verdict::ok:
            break;
        case wire::csrf_verdict::cross_origin:
            throw error(error_kind::forbidden, "Cross-origin requests are refused.");
        case wire::csrf_verdict::missing_token:
        case wire::csrf_verdict::wrong_token:
            throw error(error_kind::forbidden,
                        "The X-CSRF-Token header is missing or does not match the session.");
    }

    if (session)
        ctx.user = session->user;
    // Every caller has a rate limit, checked before anything costly (and before the access decision, so
    // a flood of refused calls is limited too).
    app.calls.check(*rule, wire::is_unsafe_method(target.method), ctx.route, ctx.user, ctx.client_address);
    switch (auth::decide_access(rule, ctx.user, wire::is_loopback(ctx.client_address))) {
        case auth::access_verdict::allowed:
            break;
        case auth::access_verdict::unauthenticated:
            throw error(error_kind::unauthorized, "Sign in first.");
        case auth::access_verdict::forbidden:
        case auth::access_verdict::unlisted:
            throw error(error_kind::forbidden, "Your account may not do this.");
        case auth::access_verdict::awaiting_validation: {
            error e(error_kind::forbidden,
                    "Your registration is waiting for validation: until a coordinator validates it, you can "
                    "only see and edit your registration.");
            e.type = "/problems/awaiting-validation";
            throw e;
        }
    }

    // Activity keeps the session alive; written at most once per touch interval (not a write per read).
    if (session && now - session->last_seen_at >= auth::touch_interval_s(idle)) {
        auto touch = [hash = session->user.session_id, now](SQLite::Database& db) {
            auth::touch_session(db, hash, now);
            return true;
        };
        co_await app.db.write(std::move(touch));
    }
}

}  // namespace

boost::asio::awaitable<response> dispatch(server_context& app, const request& req, const std::string& client,
                                          std::string request_id) {
    const auto started = std::chrono::steady_clock::now();
    std::string_view target = req.target();
    std::string_view path = target.substr(0, target.find('?'));
    std::string_view route = "(unmatched)";
    std::string user_id;  // for the access log: an opaque id, never an email or a token
    const wire::route* matched = nullptr;
    response res;
    try {
        if (path.empty() || path.front() != '/')
            throw bad_request("The request target must be an absolute path.");
        // DNS rebinding: a page of another site whose name now points at this server must not be served.
        // (HTTP/1.0 may omit Host; HTTP/1.1 without one was refused when the request was read.)
        if (const auto host = request_host(app, req);
            (!host.empty() || req.version() >= 11) && !wire::host_allowed(host, app.cfg.allowed_hosts))
            throw error(error_kind::misdirected,
                        "This server does not answer for that host name (see --allowed-hosts).");
        const verb method = req.method() == verb::head ? verb::get : req.method();
        auto m = app.routes.match(method, path);
        if (m.target) {
            route = m.pattern;
            matched = m.target;
            wire::request_context ctx(
                req, std::move(m.params), route, request_id,
                wire::client_address(client, req["X-Forwarded-For"], app.cfg.behind_proxy));
            co_await authorize(app, ctx, *m.target, user_id);
            res = co_await m.target->h(ctx);
        } else if (m.path_known) {
            error e(error_kind::method_not_allowed,
                    "This resource does not accept " + std::string(req.method_string()) + ".");
            e.allow = m.allow;
            throw e;
        } else if (!is_api_path(path) && method == verb::get) {
            route = "(static)";
            wire::request_context ctx(req, {}, route, request_id, client);
            res = co_await serve_static(app, ctx);
        } else if (!is_api_path(path)) {
            error e(error_kind::method_not_allowed, "Pages accept only GET and HEAD.");
            e.allow = "GET, HEAD";
            throw e;
        } else {
            throw not_found("No such resource.");
        }
    } catch (const error& e) {
        res = problem_response(e, req.version(), req.keep_alive());
    } catch (const std::exception& e) {
        // Internals go to the log only (the exception text can hold SQL, never personal data by design of
        // the domain layer, which keeps identities out of exception messages).
        spdlog::error("request {} {} failed: {}", request_id, route, e.what());
        res = problem_response(std::current_exception(), req.version(), req.keep_alive());
    }
    // A route may show its refusals otherwise than as problem+json: a resident whose form post is refused
    // (rate limit, CSRF...) gets a page.
    if (matched && matched->refusal && res[bhttp::field::content_type] == "application/problem+json")
        res = co_await matched->refusal(req, std::move(res));
    // Answers about people are never kept by a browser or a proxy, whatever the handler set.
    if (matched && matched->data == wire::data_kind::personal)
        res.set(bhttp::field::cache_control, "no-store");
    add_common_headers(res, request_id);
    if (req.method() == verb::head) {
        const auto len = res.body().size();
        res.body().clear();
        res.content_length(len);
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    app.stats.observe(route, res.result_int(), elapsed);
    spdlog::info("{} {} {} {:.2f}ms id={}{}{}", req.method_string(), route, res.result_int(),
                 std::chrono::duration<double, std::milli>(elapsed).count(), request_id,
                 user_id.empty() ? "" : " user=", user_id);
    co_return res;
}

}  // namespace relais::http
