#include "api/handler_support.hpp"

#include "auth/principal.hpp"
#include "domain/error.hpp"
#include "domain/time_format.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <charconv>

namespace relais::api {

namespace json = boost::json;

domain::actor actor_of(const request_context& ctx) {
    if (ctx.user)
        return {ctx.user->user_id, std::string(auth::to_string(ctx.user->r))};
    return domain::public_actor();
}

std::int64_t now_of(const request_context& ctx) { return ctx.app.clk.now_s(); }

int limit_param(const request_context& ctx) {
    auto v = ctx.query("limit");
    if (!v)
        return 50;
    int n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || p != v->data() + v->size() || n < 1 || n > 200)
        throw bad_request("The query parameter limit must be an integer between 1 and 200.");
    return n;
}

std::int64_t seq_cursor(const request_context& ctx) {
    auto v = ctx.query("cursor");
    if (!v)
        return 0;
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || p != v->data() + v->size() || n < 0)
        throw bad_request("The query parameter cursor is not a cursor returned by this list.");
    return n;
}

std::optional<std::string> enum_param(const request_context& ctx, std::string_view name,
                                      const std::vector<std::string>& allowed) {
    auto v = ctx.query(name);
    if (!v)
        return std::nullopt;
    for (const auto& a : allowed)
        if (a == *v)
            return v;
    std::string list;
    for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
    throw bad_request("The query parameter " + std::string(name) + " must be one of: " + list + ".");
}

std::optional<std::int64_t> time_param(const request_context& ctx, std::string_view name) {
    auto v = ctx.query(name);
    if (!v)
        return std::nullopt;
    auto t = domain::parse_iso8601(*v);
    if (!t) {
        if (auto d = domain::parse_date(*v))
            return d;
        throw bad_request("The query parameter " + std::string(name) +
                          " must be a date (YYYY-MM-DD) or an ISO 8601 date-time.");
    }
    return t;
}

bool is_staff(const request_context& ctx) { return ctx.user && ctx.user->is_staff(); }

std::optional<std::string> volunteer_of(const request_context& ctx) {
    if (ctx.user && ctx.user->r == auth::role::volunteer && !ctx.user->volunteer_id.empty())
        return ctx.user->volunteer_id;
    return std::nullopt;
}

void require_self_or_staff(const request_context& ctx, const std::string& volunteer_id) {
    if (is_staff(ctx))
        return;
    auto mine = volunteer_of(ctx);
    if (!mine || *mine != volunteer_id)
        throw not_found("No such volunteer.");
}

void audit(SQLite::Database& db, const request_context& ctx, std::string_view subject_type,
           const std::string& subject_id, std::string_view action, std::int64_t now) {
    if (!ctx.user)
        return;
    SQLite::Statement q(db,
                        "INSERT INTO audit_log(at, user_id, role, subject_type, subject_id, action, route) "
                        "VALUES (?,?,?,?,?,?,?)");
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, ctx.user->user_id);
    q.bind(3, std::string(auth::to_string(ctx.user->r)));
    q.bind(4, std::string(subject_type));
    q.bind(5, subject_id);
    q.bind(6, std::string(action));
    q.bind(7, std::string(ctx.req.method_string()) + " " + std::string(ctx.route));
    q.exec();
}

boost::asio::awaitable<void> audit_reads(request_context& ctx,
                                         std::vector<std::pair<std::string, std::string>> subjects) {
    if (!ctx.user || subjects.empty())
        co_return;
    const auto now = now_of(ctx);
    auto job = [&ctx, subjects = std::move(subjects), now](SQLite::Database& db) {
        for (const auto& [type, id] : subjects)
            audit(db, ctx, type, id, "read", now);
    };
    co_await ctx.app.db.write(std::move(job));
}

awaitable_response idempotent_create(request_context& ctx,
                                     std::function<std::pair<status, json::value>(SQLite::Database&)> work) {
    std::string key(ctx.req["Idempotency-Key"]);
    if (key.size() > 200)
        throw validation_error({{"Idempotency-Key", "must have at most 200 characters"}});
    const std::string route(ctx.route);
    const auto now = now_of(ctx);
    auto job = [work = std::move(work), key, route, now](SQLite::Database& db) -> std::pair<int, std::string> {
        if (!key.empty()) {
            SQLite::Statement q(db, "SELECT status, body FROM idempotency WHERE route = ? AND key = ?");
            q.bind(1, route);
            q.bind(2, key);
            if (q.executeStep())
                return {q.getColumn(0).getInt(), q.getColumn(1).getString()};
        }
        auto [st, body] = work(db);
        std::string text = json::serialize(body);
        if (!key.empty()) {
            SQLite::Statement ins(db, "INSERT INTO idempotency(route, key, status, body, created_at) VALUES (?,?,?,?,?)");
            ins.bind(1, route);
            ins.bind(2, key);
            ins.bind(3, static_cast<int>(st));
            ins.bind(4, text);
            ins.bind(5, static_cast<std::int64_t>(now));
            ins.exec();
        }
        return {static_cast<int>(st), std::move(text)};
    };
    auto [st, text] = co_await ctx.app.db.write(std::move(job));
    response res{static_cast<status>(st), ctx.req.version()};
    res.set(http::bhttp::field::content_type, "application/json");
    res.set(http::bhttp::field::cache_control, "no-store");
    res.keep_alive(ctx.req.keep_alive());
    res.body() = std::move(text);
    res.prepare_payload();
    co_return res;
}


}  // namespace relais::api
