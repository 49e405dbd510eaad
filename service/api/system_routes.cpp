#include "api/routes.hpp"
#include "store/statement_cache.hpp"

#include "app/app_context.hpp"
#include "http/request_context.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::api {

namespace json = boost::json;
using http::request_context;
using http::response;
using http::status;

void register_system_routes(app::app_context& app) {
    // Liveness: the process answers. No storage involved, so it is the ceiling of the HTTP layer.
    app.routes.add(http::verb::get, "/healthz", [](request_context& ctx) -> boost::asio::awaitable<response> {
        co_return ctx.json(status::ok, json::object{{"status", "ok"}});
    });

    // Readiness: a reader connection answers a query (so the database is open and readable).
    app.routes.add(http::verb::get, "/readyz", [](request_context& ctx) -> boost::asio::awaitable<response> {
        auto version = co_await ctx.app.db.read([](SQLite::Database& db) {
            auto q_lease = store::prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
            SQLite::Statement& q = *q_lease;
            q.executeStep();
            return q.getColumn(0).getInt();
        });
        co_return ctx.json(status::ok, json::object{{"status", "ready"}, {"schema_version", version}});
    });

    app.routes.add(http::verb::get, "/metrics", [](request_context& ctx) -> boost::asio::awaitable<response> {
        response res{status::ok, ctx.req.version()};
        res.set(http::bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.set(http::bhttp::field::cache_control, "no-store");
        res.keep_alive(ctx.req.keep_alive());
        res.body() = ctx.app.stats.render(&ctx.app.db);
        res.prepare_payload();
        co_return res;
    });
}

}  // namespace relais::api
