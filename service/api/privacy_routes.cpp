#include "api/decode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "auth/sign_in_codes.hpp"
#include "domain/privacy.hpp"
#include "domain/time_format.hpp"
#include "notify/outbox.hpp"

#include <spdlog/spdlog.h>
#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

// Right of access and right to erasure (GDPR arts. 15 and 17), for residents and volunteers. Every export
// and erasure is audited; erasures are also in the event log (without personal data).

/// After an erasure the erased values are gone from the database's rows (and, with secure_delete, from its
/// freed cells), but the write-ahead log still holds the pages as they were until a checkpoint copies and
/// cuts it: empty it now rather than at the next routine checkpoint.
boost::asio::awaitable<void> scrub_log(store::store& db) {
    const bool emptied = co_await db.truncate_wal();
    if (!emptied)
        spdlog::warn(
            "after an erasure the write-ahead log could not be emptied yet; the next checkpoint will");
}

awaitable_response export_person(const data_access& s, request_context& ctx, const char* type) {
    const auto id = ctx.param("id");
    const std::string kind = type;
    const auto now = s.clk.now_s();
    // A write job: the export and its audit entry commit together.
    auto job = [&ctx, id, kind, now](SQLite::Database& db) {
        auto body = kind == "resident" ? domain::export_resident(db, id) : domain::export_volunteer(db, id);
        audit(db, ctx, kind, id, "export", now);
        body["exported_at"] = domain::format_iso8601(now);
        return json::value(std::move(body));
    };
    auto body = co_await s.db.write(std::move(job));
    auto res = ctx.json(status::ok, body);
    res.set(wire::bhttp::field::content_disposition, "attachment; filename=\"" + kind + "-export.json\"");
    co_return res;
}

awaitable_response erase_person(const data_access& s, request_context& ctx, const char* type) {
    const auto id = ctx.param("id");
    std::string reason = "request";
    if (!ctx.req.body().empty()) {
        body_reader r(ctx.json_body());
        if (auto why = r.one_of("reason", {"request", "retention", "other"}, false))
            reason = *why;
        r.done();
    }
    const std::string kind = type;
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [&ctx, id, kind, reason, now, who](SQLite::Database& db) {
        if (kind == "resident")
            domain::erase_resident(db, id, reason, now, who);
        else
            domain::erase_volunteer(db, id, reason, now, who);
        audit(db, ctx, kind, id, "erase", now);
    };
    co_await s.db.write(std::move(job));
    co_await scrub_log(s.db);
    co_return ctx.json(status::ok, json::object{{"id", id}, {"erased", true}});
}

awaitable_response run_retention(const data_access& s, request_context& ctx) {
    no_fields(ctx);
    const auto now = s.clk.now_s();
    // What the hourly job does (app/retention_job.cpp), in one write: on demand the queue's search need not
    // be kept off the writer.
    auto job = [now](SQLite::Database& db) {
        auto r = domain::apply_retention(db, now);
        const std::int64_t messages = notify::purge_outbox(db, now);  // past --outbox-retention-days
        auth::purge_sign_in_codes(db, now);
        return std::pair{r, messages};
    };
    const auto [result, messages] = co_await s.db.write(std::move(job));
    const bool erased_some = result.residents + result.volunteers > 0;
    if (erased_some)
        co_await scrub_log(s.db);
    spdlog::info("retention run on request: {} residents and {} volunteers erased, {} messages deleted",
                 result.residents, result.volunteers, messages);
    co_return ctx.json(status::ok, json::object{{"residents_erased", result.residents},
                                                {"volunteers_erased", result.volunteers},
                                                {"messages_purged", messages}});
}

}  // namespace

void add_privacy_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::post, "/api/v1/retention/run", {adm}, "Empty", plain, bind(s, run_retention)});
    t.add({verb::get, "/api/v1/residents/{id}/export", {staff}, "", personal, [s](request_context& c) {
               return export_person(s, c, "resident");
           }});
    t.add({verb::post, "/api/v1/residents/{id}/erase", {staff}, "inline", personal, [s](request_context& c) {
               return erase_person(s, c, "resident");
           }});
    t.add({verb::get, "/api/v1/volunteers/{id}/export", {staff}, "", personal, [s](request_context& c) {
               return export_person(s, c, "volunteer");
           }});
    t.add({verb::post, "/api/v1/volunteers/{id}/erase", {staff}, "inline", personal, [s](request_context& c) {
               return erase_person(s, c, "volunteer");
           }});
}

}  // namespace relais::api
