#include "api/decode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "domain/privacy.hpp"
#include "domain/time_format.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace relais::api {

namespace json = boost::json;
using http::verb;

namespace {

// Right of access and right to erasure (GDPR arts. 15 and 17), for residents and volunteers. Every export
// and erasure is audited; erasures are also in the event log (without personal data).

/// After an erasure the erased values are gone from the database's rows (and, with secure_delete, from its
/// freed cells), but the write-ahead log still holds the pages as they were until a checkpoint copies and
/// cuts it: empty it now rather than at the next routine checkpoint.
boost::asio::awaitable<void> scrub_log(app::app_context& app) {
    const bool emptied = co_await app.db.truncate_wal();
    if (!emptied)
        spdlog::warn("after an erasure the write-ahead log could not be emptied yet; the next checkpoint will");
}

awaitable_response export_person(request_context& ctx, const char* type) {
    const auto id = ctx.param("id");
    const std::string kind = type;
    const auto now = now_of(ctx);
    // A write job: the export and its audit entry commit together.
    auto job = [&ctx, id, kind, now](SQLite::Database& db) {
        auto body = kind == "resident" ? domain::export_resident(db, id) : domain::export_volunteer(db, id);
        audit(db, ctx, kind, id, "export", now);
        body["exported_at"] = domain::format_iso8601(now);
        return json::value(std::move(body));
    };
    auto body = co_await ctx.app.db.write(std::move(job));
    auto res = ctx.json(status::ok, body);
    res.set(http::bhttp::field::content_disposition, "attachment; filename=\"" + kind + "-export.json\"");
    co_return res;
}

awaitable_response erase_person(request_context& ctx, const char* type) {
    const auto id = ctx.param("id");
    std::string reason = "request";
    if (!ctx.req.body().empty()) {
        body_reader r(ctx.json_body());
        if (auto why = r.one_of("reason", {"request", "retention", "other"}, false))
            reason = *why;
        r.done();
    }
    const std::string kind = type;
    const auto now = now_of(ctx);
    const auto who = actor_of(ctx);
    auto job = [&ctx, id, kind, reason, now, who](SQLite::Database& db) {
        if (kind == "resident")
            domain::erase_resident(db, id, reason, now, who);
        else
            domain::erase_volunteer(db, id, reason, now, who);
        audit(db, ctx, kind, id, "erase", now);
    };
    co_await ctx.app.db.write(std::move(job));
    co_await scrub_log(ctx.app);
    co_return ctx.json(status::ok, json::object{{"id", id}, {"erased", true}});
}

awaitable_response run_retention(request_context& ctx) {
    no_fields(ctx);
    const auto now = now_of(ctx);
    auto job = [now](SQLite::Database& db) { return domain::apply_retention(db, now); };
    auto result = co_await ctx.app.db.write(std::move(job));
    const bool erased_some = result.residents + result.volunteers > 0;
    if (erased_some)
        co_await scrub_log(ctx.app);
    spdlog::info("retention run on request: {} residents and {} volunteers erased", result.residents,
                 result.volunteers);
    co_return ctx.json(status::ok,
                       json::object{{"residents_erased", result.residents}, {"volunteers_erased", result.volunteers}});
}

}  // namespace

void register_privacy_routes(app::app_context& app) {
    auto& r = app.routes;
    r.add(verb::get, "/api/v1/residents/{id}/export", [](request_context& c) { return export_person(c, "resident"); });
    r.add(verb::post, "/api/v1/residents/{id}/erase", [](request_context& c) { return erase_person(c, "resident"); });
    r.add(verb::get, "/api/v1/volunteers/{id}/export", [](request_context& c) { return export_person(c, "volunteer"); });
    r.add(verb::post, "/api/v1/volunteers/{id}/erase", [](request_context& c) { return erase_person(c, "volunteer"); });
    r.add(verb::post, "/api/v1/retention/run", run_retention);
}

}  // namespace relais::api
