#include "api/routes.hpp"
#include "notify/outbox.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"
#include "store/store_metrics.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::api {

namespace json = boost::json;

namespace {

awaitable_response readiness(const system_services& s, request_context& ctx) {
    auto read_version = [](SQLite::Database& db) {
        auto q_lease = store::prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        SQLite::Statement& q = *q_lease;
        q.executeStep();
        return q.getColumn(0).getInt();
    };
    const int version = co_await s.db.read(std::move(read_version));
    co_return ctx.json(status::ok, json::object{{"status", "ready"}, {"schema_version", version}});
}

awaitable_response metrics(const system_services& s, request_context& ctx) {
    response res{status::ok, ctx.req.version()};
    res.set(wire::bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.set(wire::bhttp::field::cache_control, "no-store");
    res.keep_alive(ctx.req.keep_alive());
    std::string outbox;
    if (s.clk) {
        const std::int64_t now = s.clk->now_s();
        auto read_outbox = [now](SQLite::Database& db) { return notify::outbox_metrics(db, now); };
        outbox = co_await s.db.read(std::move(read_outbox));
    }
    res.body() = s.metrics_text() + store::render_metrics(s.db) + outbox;
    res.prepare_payload();
    co_return res;
}

}  // namespace

void add_system_routes(wire::route_table& t, const system_services& s) {
    // Liveness: the process answers. No storage involved, so it is the ceiling of the HTTP layer.
    t.add({verb::get,
           "/healthz",
           {pub, 0, auth::limit_by::none},
           "",
           plain,
           [](request_context& ctx) -> awaitable_response {
               co_return ctx.json(status::ok, json::object{{"status", "ok"}});
           }});
    // Readiness: a reader connection answers a query (so the database is open and readable).
    t.add({verb::get, "/readyz", {pub, 0, auth::limit_by::none}, "", plain, bind(s, readiness)});
    // Admin, or any client on a loopback address (a local Prometheus scraper).
    t.add({verb::get, "/metrics", {adm | loopback}, "", plain, bind(s, metrics)});
}

}  // namespace relais::api
