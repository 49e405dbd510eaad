#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/requests.hpp"
#include "domain/supports.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

/// A partner sees only the supports handed over to them.
std::optional<std::string> partner_scope(const request_context& ctx) {
    if (ctx.user && ctx.user->r == auth::role::partner)
        return ctx.user->partner_id;
    return std::nullopt;
}

awaitable_response list(const data_access& s, request_context& ctx) {
    domain::support_filter f;
    f.status = enum_param(ctx, "status", {"active", "ended", "handed_over"});
    f.volunteer_id = ctx.query("volunteer_id");
    f.request_id = ctx.query("request_id");
    f.partner_id = ctx.query("partner_id");
    if (auto p = partner_scope(ctx))
        f.partner_id = *p;
    f.limit = limit_param(ctx);
    f.after_seq = seq_cursor(ctx);
    auto job = [f](SQLite::Database& db) {
        domain::page_info page;
        auto items = domain::list_supports(db, f, page);
        return page_json(items, page);
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response get(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto scope = partner_scope(ctx);
    auto job = [id, scope](SQLite::Database& db) {
        auto s = domain::load_support(db, id);
        if (scope && s.partner_id != *scope)
            throw not_found("No such support.");
        json::object o = json::value_from(s).as_object();
        // What the partner needs to go on helping: the resident's name, phone and address, once the resident
        // agreed to the hand-over (staff see them on the resident's page). An audited read.
        o["resident"] = nullptr;
        if (s.handover_consent_at && s.status == "handed_over") {
            const auto r = domain::load_resident(db, s.resident_id);
            if (!r.erased_at)
                o["resident"] = json::object{{"first_name", r.first_name},
                                             {"last_name", r.last_name},
                                             {"phone", r.phone},
                                             {"address", r.address}};
        }
        return std::pair{std::move(o), s.resident_id};
    };
    // (Named, not braced, arguments: GCC 12 rejects a braced list inside a co_await expression.)
    std::pair<json::object, std::string> got = co_await s.db.read(std::move(job));
    if (!got.first.at("resident").is_null()) {
        std::vector<std::pair<std::string, std::string>> subjects;
        subjects.emplace_back("resident", got.second);
        co_await audit_reads(s, ctx, std::move(subjects));
    }
    co_return ctx.json(status::ok, json::value(std::move(got.first)));
}

awaitable_response patch(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    std::optional<std::string> standin;
    if (!r.has("standin_volunteer_id"))
        r.fail("standin_volunteer_id", "is required (null to clear it)");
    else if (!r.is_null("standin_volunteer_id"))
        standin = r.text("standin_volunteer_id", {1, 64});
    else
        r.accept("standin_volunteer_id");
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, standin, now, who](SQLite::Database& db) {
        domain::set_standin(db, id, standin, now, who);
        return json::value_from(domain::load_support(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response end(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    std::optional<std::string> reason;
    if (!ctx.req.body().empty()) {
        body_reader r(ctx.json_body());
        reason = r.text("reason", note_rule, false);
        r.done();
    }
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, reason, now, who](SQLite::Database& db) {
        // The reason recorded in the event log is a code; the free text is not kept there.
        domain::end_support(db, id, reason ? "coordinator" : "ended", now, who);
        return json::value_from(domain::load_support(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response handover(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    auto partner = r.text("partner_id", {1, 64});
    auto note = r.text("note", note_rule, false);
    // The partner is then given the resident's contact: only with the resident's agreement, asked on the
    // phone and recorded here.
    if (auto consent = r.boolean("resident_consent"); consent && !*consent)
        r.fail("resident_consent",
               "must be true: the resident agreed that their contact goes to the partner");
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, partner = *partner, note, now, who](SQLite::Database& db) {
        domain::handover_support(db, id, partner, note, now, who);
        return json::value_from(domain::load_support(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

}  // namespace

void add_support_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::get, "/api/v1/supports", {staff | par}, "", plain, bind(s, list)});  // partner: handed over
                                                                                      // to them
    t.add({verb::get, "/api/v1/supports/{id}", {staff | par}, "", personal, bind(s, get)});  // partner: own
    t.add({verb::patch, "/api/v1/supports/{id}", {staff}, "SupportUpdate", plain, bind(s, patch)});
    t.add({verb::post, "/api/v1/supports/{id}/end", {staff}, "SupportEnd", plain, bind(s, end)});
    t.add(
        {verb::post, "/api/v1/supports/{id}/handover", {staff}, "SupportHandover", plain, bind(s, handover)});
}

}  // namespace relais::api
