#include "http/dispatcher.hpp"

#include "app/app_context.hpp"
#include "http/problem.hpp"
#include "http/request_context.hpp"
#include "http/static_files.hpp"

#include <spdlog/spdlog.h>

namespace relais::http {

void add_common_headers(response& res, const std::string& request_id) {
    res.set(bhttp::field::server, "relais");
    res.set("X-Request-Id", request_id);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
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

}  // namespace

boost::asio::awaitable<response> dispatch(app::app_context& app, const request& req, const std::string& client,
                                          std::string request_id) {
    const auto started = std::chrono::steady_clock::now();
    std::string_view target = req.target();
    std::string_view path = target.substr(0, target.find('?'));
    std::string_view route = "(unmatched)";
    response res;
    try {
        if (path.empty() || path.front() != '/')
            throw bad_request("The request target must be an absolute path.");
        const verb method = req.method() == verb::head ? verb::get : req.method();
        auto m = app.routes.match(method, path);
        if (m.target) {
            route = m.pattern;
            request_context ctx(req, app, std::move(m.params), route, request_id, client);
            res = co_await (*m.target)(ctx);
        } else if (m.path_known) {
            error e(error_kind::method_not_allowed, "This resource does not accept " +
                                                        std::string(req.method_string()) + ".");
            e.allow = m.allow;
            throw e;
        } else if (!is_api_path(path) && method == verb::get) {
            route = "(static)";
            request_context ctx(req, app, {}, route, request_id, client);
            res = co_await serve_static(ctx);
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
    add_common_headers(res, request_id);
    if (req.method() == verb::head) {
        const auto len = res.body().size();
        res.body().clear();
        res.content_length(len);
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    app.stats.observe(route, res.result_int(), elapsed);
    spdlog::info("{} {} {} {:.2f}ms id={}", req.method_string(), route, res.result_int(),
                 std::chrono::duration<double, std::milli>(elapsed).count(), request_id);
    co_return res;
}

}  // namespace relais::http
