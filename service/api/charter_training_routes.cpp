// The volunteers' charter and training records (issue 16; domain/charter.hpp, domain/trainings.hpp). The
// admin publishes the current programme's charter; registration accepts it (api/volunteer_routes.cpp), and a
// volunteer from an earlier programme accepts the new one from their app. Coordinators record trainings on a
// volunteer's page; a category requiring one is set on the administration's categories page.

#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/charter.hpp"
#include "domain/time_format.hpp"
#include "domain/trainings.hpp"
#include "domain/volunteers.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

awaitable_response publish_charter(const data_access& s, request_context& ctx) {
    const auto programme_id = ctx.param("id");
    body_reader r(ctx.json_body());
    auto version = r.text("version", {1, 40});
    auto text_fr = r.text("text_fr", {20, 20000, true});
    auto text_en = r.text("text_en", {0, 20000, true}, false);
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [programme_id, v = *version, fr = *text_fr, en = text_en.value_or(""), now,
                who](SQLite::Database& db) {
        return json::value_from(domain::publish_charter(db, programme_id, v, fr, en, now, who));
    };
    co_return ctx.json(status::created, co_await s.db.write(std::move(job)));
}

awaitable_response accept_charter(const data_access& s, request_context& ctx) {
    const auto id = own_volunteer_id(ctx);
    body_reader r(ctx.json_body());
    auto version = r.text("version", {1, 40});
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, v = *version, now, who](SQLite::Database& db) {
        domain::accept_charter(db, id, v, now, who, "version");
        return json::value_from(domain::load_volunteer(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response put_training(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto category = ctx.param("category");
    const auto now = s.clk.now_s();
    body_reader r(ctx.json_body());
    auto trained_on = r.text("trained_on", {10, 10});
    auto note = r.text("note", {0, 300}, false);
    if (trained_on) {
        const auto day = domain::parse_date(*trained_on);
        if (!day)
            r.fail("trained_on", "must be a date like 2026-10-26");
        else if (*day > now + 86400)  // a day ahead at most: the city's today may be UTC's tomorrow
            r.fail("trained_on", "must not be in the future");
    }
    r.done();
    const auto who = actor_of(ctx);
    auto job = [&ctx, id, category, t = *trained_on, n = note.value_or(""), now, who](SQLite::Database& db) {
        auto rec = domain::record_training(db, id, category, t, n, now, who);
        audit(db, ctx, "volunteer", id, "update", now);
        return json::value_from(rec);
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response delete_training(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto category = ctx.param("category");
    no_fields(ctx);
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [&ctx, id, category, now, who](SQLite::Database& db) {
        domain::remove_training(db, id, category, now, who);
        audit(db, ctx, "volunteer", id, "update", now);
        return true;
    };
    co_await s.db.write(std::move(job));
    co_return ctx.empty(status::no_content);
}

}  // namespace

void add_charter_training_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::post,
           "/api/v1/programmes/{id}/charter",
           {adm},
           "CharterPublication",
           plain,
           bind(s, publish_charter)});
    t.add({verb::post,
           "/api/v1/me/charter",
           {vol, unvalidated},
           "CharterAcceptance",
           plain,
           bind(s, accept_charter)});
    t.add({verb::put,
           "/api/v1/volunteers/{id}/trainings/{category}",
           {staff},
           "TrainingRecordInput",
           plain,
           bind(s, put_training)});
    t.add({verb::delete_,
           "/api/v1/volunteers/{id}/trainings/{category}",
           {staff},
           "Empty",
           plain,
           bind(s, delete_training)});
}

}  // namespace relais::api
