#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/mission_view.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/availability_check.hpp"
#include "domain/missions.hpp"
#include "domain/outreach.hpp"
#include "domain/requests.hpp"
#include "match/engine.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

const std::vector<std::string> mission_statuses{"proposed", "accepted",  "declined", "done",
                                                "missed",   "cancelled", "dropped",  "expired"};

/// Loads a mission the caller may act on: staff any, a volunteer only their own (404 otherwise).
domain::mission_record load_for(SQLite::Database& db, const request_context& ctx, const std::string& id) {
    auto m = domain::load_mission(db, id);
    if (!is_staff(ctx)) {
        auto mine = volunteer_of(ctx);
        if (!mine || *mine != m.volunteer_id)
            throw not_found("No such mission.");
    }
    return m;
}

awaitable_response propose(const dispatch_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    auto request_id = r.text("request_id", {1, 64});
    auto volunteer_id = r.text("volunteer_id", {1, 64});
    auto starts = r.time("starts_at");
    auto ends = r.time("ends_at");
    if (starts && ends && *ends <= *starts)
        r.fail("ends_at", "must be after starts_at");
    // A proposal is for the future: its answer deadline comes before it starts. Only a mission that already
    // took place (arranged by phone, recorded up to 7 days late) may be recorded in the past, and only when
    // the coordinator says so (`already_happened`).
    const bool already_happened = r.boolean("already_happened", false).value_or(false);
    const auto now = s.clk.now_s();
    if (starts && *starts <= now && !already_happened)
        r.fail("starts_at", "is in the past: choose a time from now on");
    // A slot outside the volunteer's weekly availability is proposed only once the coordinator confirms it
    // (they may have agreed on it by phone).
    const bool outside_ok = r.boolean("outside_availability_ok", false).value_or(false);
    r.done();
    const auto who = actor_of(ctx);
    auto job = [&ctx, req = *request_id, vol = *volunteer_id, s = *starts, e = *ends, now, who,
                outside_ok](SQLite::Database& db) {
        auto id = domain::propose_mission(db, req, vol, s, e, now, who);
        // Checked after every rule of the proposal (their refusals come first); throwing here rolls the
        // proposal back with the transaction.
        if (!outside_ok && !domain::volunteer_available_for(db, vol, s, e)) {
            error outside(error_kind::conflict,
                          "This time is outside the volunteer's availability. Propose it anyway only if "
                          "they agreed to it (outside_availability_ok: true), or choose another time.");
            outside.type = "/problems/outside-availability";
            throw outside;
        }
        audit_subjects audited;
        auto v = mission_view(db, ctx, domain::load_mission(db, id), now, audited);
        for (const auto& [type, subject] : audited)
            audit(db, ctx, type, subject, "read", now);
        return v;
    };
    co_return ctx.json(status::created, co_await s.db.write(std::move(job)));
}

awaitable_response list(const dispatch_services& s, request_context& ctx) {
    domain::mission_filter f;
    f.status = enum_param(ctx, "status", mission_statuses);
    f.volunteer_id = ctx.query("volunteer_id");
    f.request_id = ctx.query("request_id");
    // welfare=true: only done missions with a welfare concern not yet acknowledged (a boolean, as the
    // contract says; false or absent: no such filter).
    if (auto w = enum_param(ctx, "welfare", {"true", "false"}))
        f.welfare_open = *w == "true";
    f.from = time_param(ctx, "from");
    f.until = time_param(ctx, "until");
    f.limit = limit_param(ctx);
    f.after_seq = seq_cursor(ctx);
    co_return co_await answer_mission_list(s, ctx, std::move(f));
}

awaitable_response get(const dispatch_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto now = s.clk.now_s();
    auto job = [&ctx, id, now](SQLite::Database& db) {
        audit_subjects audited;
        auto m = load_for(db, ctx, id);
        auto v = mission_view(db, ctx, m, now, audited);
        return std::pair{std::move(audited), std::move(v)};
    };
    auto [audited, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(audited));
    co_return ctx.json(status::ok, body);
}

/// One transition on a mission: decode its body, check the caller may act on it, apply, answer the mission.
awaitable_response act(
    const dispatch_services& s, request_context& ctx,
    std::function<void(SQLite::Database&, const std::string&, std::int64_t, const domain::actor&)> apply) {
    const auto id = ctx.param("id");
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [&ctx, matcher = s.matcher, id, now, who, apply = std::move(apply)](SQLite::Database& db) {
        load_for(db, ctx, id);
        apply(db, id, now, who);
        // After a decline or a drop, with the programme's auto-dispatch on, the next-best volunteer is asked
        // in this same transaction (a no-op for any other move).
        if (matcher)
            matcher->redispatch_after(db, id, now);
        audit_subjects audited;
        auto m = domain::load_mission(db, id);
        auto v = mission_view(db, ctx, m, now, audited);
        for (const auto& [type, subject] : audited)
            audit(db, ctx, type, subject, "read", now);
        return v;
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response accept(const dispatch_services& s, request_context& ctx) {
    no_fields(ctx);
    return act(s, ctx, domain::accept_mission);
}

awaitable_response decline(const dispatch_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    auto reason = r.one_of("reason", domain::decline_reasons);
    auto note = r.text("note", note_rule, false);
    r.done();
    return act(s, ctx,
               [reason = *reason, note](SQLite::Database& db, const std::string& id, std::int64_t now,
                                        const domain::actor& who) {
                   domain::decline_mission(db, id, reason, note, now, who);
               });
}

awaitable_response complete(const dispatch_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    domain::mission_report rep;
    if (auto rr = r.object("report")) {
        auto d = rr->integer("duration_minutes", 1, 24 * 60);
        auto o = rr->one_of("outcome", domain::report_outcomes);
        auto w = rr->boolean("welfare_concern", false);
        rep.note = rr->text("note", note_rule, false);
        if (rep.note && rep.note->empty())
            rep.note.reset();
        rr->check_unknown();
        rep.duration_minutes = static_cast<int>(d.value_or(0));
        rep.outcome = o.value_or("");
        rep.welfare_concern = w.value_or(false);
        if (rep.welfare_concern && !rep.note)
            rr->fail("note", "is required when raising a welfare concern: say what worried you");
    }
    r.done();
    return act(s, ctx,
               [rep](SQLite::Database& db, const std::string& id, std::int64_t now,
                     const domain::actor& who) { domain::complete_mission(db, id, rep, now, who); });
}

awaitable_response drop(const dispatch_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    auto reason = r.one_of("reason", domain::drop_reasons);
    auto note = r.text("note", note_rule, false);
    r.done();
    return act(s, ctx,
               [reason = *reason, note](SQLite::Database& db, const std::string& id, std::int64_t now,
                                        const domain::actor& who) {
                   domain::drop_mission(db, id, reason, note, now, who);
               });
}

awaitable_response cancel(const dispatch_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    auto reason = r.one_of("reason", domain::cancel_reasons);
    auto note = r.text("note", note_rule, false);
    r.done();
    return act(s, ctx,
               [reason = *reason, note](SQLite::Database& db, const std::string& id, std::int64_t now,
                                        const domain::actor& who) {
                   domain::cancel_mission(db, id, reason, note, now, who);
               });
}

awaitable_response missed(const dispatch_services& s, request_context& ctx) {
    std::optional<std::string> reason;
    if (!ctx.req.body().empty()) {
        body_reader r(ctx.json_body());
        reason = r.text("reason", note_rule, false);
        r.done();
    }
    return act(s, ctx,
               [reason](SQLite::Database& db, const std::string& id, std::int64_t now,
                        const domain::actor& who) { domain::mark_missed(db, id, reason, now, who); });
}

/// The volunteer's report of an outreach call (domain::record_mission_call): the same body as the
/// coordinator's call-outcome, with the call's length.
awaitable_response call_outcome(const dispatch_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    const auto o = read_call_outcome(r);
    const auto minutes = r.integer("duration_minutes", 1, 8 * 60, false);
    r.done();
    const int duration = static_cast<int>(minutes.value_or(15));
    return act(s, ctx,
               [o, duration](SQLite::Database& db, const std::string& id, std::int64_t now,
                             const domain::actor& who) {
                   domain::record_mission_call(db, id, o, duration, now, who);
               });
}

awaitable_response acknowledge(const dispatch_services& s, request_context& ctx) {
    std::optional<std::string> note;
    if (!ctx.req.body().empty()) {
        body_reader r(ctx.json_body());
        note = r.text("note", note_rule, false);
        r.done();
    }
    return act(s, ctx,
               [note](SQLite::Database& db, const std::string& id, std::int64_t now,
                      const domain::actor& who) { domain::acknowledge_welfare(db, id, note, now, who); });
}

awaitable_response my_missions(const dispatch_services& s, request_context& ctx) {
    auto mine = volunteer_of(ctx);
    if (!mine)
        throw error(error_kind::forbidden, "This page is for volunteers.");
    const auto now = s.clk.now_s();
    // Proposals waiting for an answer and missions not yet over, soonest first; plus recent ones (7 days)
    // so a volunteer can still report or reach the resident.
    domain::mission_filter f;
    f.volunteer_id = *mine;
    // The filter is on starts_at and a mission lasts up to 12 hours: without that margin, a mission still in
    // its 7-day window after its end (its contact visible) was missing from the list.
    f.from = now - 7 * 86400 - 12 * 3600;
    f.limit = limit_param(ctx);
    f.after_seq = seq_cursor(ctx);
    auto job = [&ctx, f, now](SQLite::Database& db) {
        domain::page_info page;
        auto items = domain::list_missions(db, f, page);
        audit_subjects audited;
        json::array out;
        for (const auto& m : items)
            if (m.status == "proposed" || m.status == "accepted" || m.ends_at >= now - 7 * 86400)
                out.push_back(mission_view(db, ctx, m, now, audited));
        json::value body{
            {"items", std::move(out)},
            {"next_cursor", page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr)}};
        return std::pair{std::move(audited), std::move(body)};
    };
    auto [audited, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(audited));
    co_return ctx.json(status::ok, body);
}

}  // namespace

void add_mission_routes(wire::route_table& t, const dispatch_services& s) {
    t.add({verb::post, "/api/v1/missions", {staff}, "MissionCreate", personal, bind(s, propose)});
    t.add({verb::get, "/api/v1/missions", {staff}, "", personal, bind(s, list)});
    t.add({verb::get, "/api/v1/missions/{id}", {staff | vol}, "", personal, bind(s, get)});  // volunteer: own
    t.add({verb::post,
           "/api/v1/missions/{id}/accept",
           {staff | vol},
           "Empty",
           personal,
           bind(s, accept)});  // volunteer: own
    t.add({verb::post,
           "/api/v1/missions/{id}/decline",
           {staff | vol},
           "MissionDecline",
           personal,
           bind(s, decline)});  // volunteer: own
    t.add({verb::post,
           "/api/v1/missions/{id}/complete",
           {staff | vol},
           "MissionComplete",
           personal,
           bind(s, complete)});  // volunteer: own
    t.add({verb::post,
           "/api/v1/missions/{id}/drop",
           {staff | vol},
           "MissionDrop",
           personal,
           bind(s, drop)});  // volunteer: own
    t.add({verb::post,
           "/api/v1/missions/{id}/call-outcome",
           {staff | vol},
           "MissionCallOutcome",
           personal,
           bind(s, call_outcome)});  // volunteer: own
    t.add({verb::post, "/api/v1/missions/{id}/cancel", {staff}, "MissionCancel", personal, bind(s, cancel)});
    t.add({verb::post, "/api/v1/missions/{id}/missed", {staff}, "MissionMissed", personal, bind(s, missed)});
    t.add({verb::post,
           "/api/v1/missions/{id}/acknowledge-welfare",
           {staff},
           "WelfareAcknowledgement",
           personal,
           bind(s, acknowledge)});
    t.add({verb::get, "/api/v1/me/missions", {vol}, "", personal, bind(s, my_missions)});
}

}  // namespace relais::api
