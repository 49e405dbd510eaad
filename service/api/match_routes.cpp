#include "api/body_reader.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/requests.hpp"
#include "domain/time_format.hpp"
#include "match/batch_plan.hpp"
#include "match/engine.hpp"
#include "match/idle.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <charconv>
#include <cmath>

// Matching and dispatch: ranked candidates for a request, a batch plan for the queue and its commit, and the
// volunteers waiting for a mission. Coordinators and admins only (their declarations below).
namespace relais::api {

namespace json = boost::json;

namespace {

std::shared_ptr<match::engine> engine_of(const dispatch_services& s) {
    if (!s.matcher)
        throw error(error_kind::unavailable, "The matching engine is starting; please retry shortly.");
    return s.matcher;
}

double rounded(double v, double scale) {
    return std::round(v * scale) / scale;
}

/// An integer query parameter in [min, max], `fallback` when absent; 400 otherwise.
int int_param(const request_context& ctx, std::string_view name, int min, int max, int fallback) {
    auto v = ctx.query(name);
    if (!v)
        return fallback;
    int n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || p != v->data() + v->size() || n < min || n > max)
        throw bad_request("The query parameter " + std::string(name) + " must be an integer between " +
                          std::to_string(min) + " and " + std::to_string(max) + ".");
    return n;
}

json::value slot_json(std::int64_t starts, std::int64_t ends) {
    return json::object{{"starts_at", domain::format_iso8601(starts)},
                        {"ends_at", domain::format_iso8601(ends)}};
}

json::value distance_json(const std::optional<double>& km) {
    return km ? json::value(rounded(*km, 100)) : json::value(nullptr);
}

int status_of(error_kind k) {
    switch (k) {
        case error_kind::not_found:
            return 404;
        case error_kind::conflict:
            return 409;
        case error_kind::validation:
            return 422;
        default:
            return 400;
    }
}

awaitable_response candidates(const dispatch_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto limit = static_cast<std::size_t>(int_param(ctx, "limit", 1, 100, 20));
    const auto now = s.clk.now_s();
    auto eng = engine_of(s);
    auto job = [eng, id, limit, now](SQLite::Database& db) {
        eng->catch_up(db, now);
        const auto r = domain::load_request(db, id);
        if (r.status == "closed")
            throw conflict("The request is closed; it needs no volunteer.");
        const auto settings = match::load_settings(db);
        const auto mr = match::load_match_request(db, r);
        const auto ranked = match::rank_candidates(eng->index(), mr, settings.match, now, limit);
        auto q_lease =
            store::prepare(db, "SELECT first_name, neighbourhood, skills FROM volunteer WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        json::array items;
        std::vector<std::pair<std::string, std::string>> seen;  // first names shown: audited reads
        for (const auto& c : ranked) {
            q.reset();
            q.bind(1, c.volunteer_id);
            if (!q.executeStep())
                continue;
            seen.emplace_back("volunteer", c.volunteer_id);
            json::array skills;
            for (const auto& s : domain::strings_from_json(q.getColumn(2).getString()))
                skills.emplace_back(s);
            items.push_back(
                json::object{{"volunteer", json::object{{"id", c.volunteer_id},
                                                        {"first_name", q.getColumn(0).getString()},
                                                        {"neighbourhood", q.getColumn(1).getString()},
                                                        {"skills", std::move(skills)}}},
                             {"score", rounded(c.score, 10000)},
                             {"components", c.components.to_json()},
                             {"distance_km", distance_json(c.distance_km)},
                             {"suggested_slot", slot_json(c.starts_at, c.ends_at)}});
        }
        json::value body{{"request_id", r.id},
                         {"support_only", !mr.support_only.empty()},
                         {"max_distance_km", settings.match.max_distance_km},
                         {"weights", settings.match.weights.to_json()},
                         {"items", std::move(items)}};
        return std::pair{std::move(seen), std::move(body)};
    };
    auto [seen, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(seen));
    co_return ctx.json(status::ok, body);
}

awaitable_response plan(const dispatch_services& s, request_context& ctx) {
    std::size_t limit = 500, k = 5;
    if (!ctx.req.body().empty()) {
        body_reader r(ctx.json_body());
        if (auto n = r.integer("limit_requests", 1, 2000, false))
            limit = static_cast<std::size_t>(*n);
        if (auto n = r.integer("k", 1, 20, false))
            k = static_cast<std::size_t>(*n);
        r.done();
    }
    const auto now = s.clk.now_s();
    auto eng = engine_of(s);
    auto job = [eng, limit, k, now](SQLite::Database& db) {
        eng->catch_up(db, now);
        const auto settings = match::load_settings(db);
        const auto open = match::open_requests(db, now, limit);
        std::vector<match::match_request> requests;
        requests.reserve(open.size());
        for (const auto& r : open)
            requests.push_back(match::load_match_request(db, r));
        const auto p = match::build_plan(eng->index(), requests, settings.match, now, k);
        json::array assignments;
        for (const auto& a : p.assignments)
            assignments.push_back(json::object{{"request_id", requests[a.request].request_id},
                                               {"volunteer_id", a.chosen.volunteer_id},
                                               {"starts_at", domain::format_iso8601(a.chosen.starts_at)},
                                               {"ends_at", domain::format_iso8601(a.chosen.ends_at)},
                                               {"score", rounded(a.chosen.score, 10000)},
                                               {"components", a.chosen.components.to_json()},
                                               {"distance_km", distance_json(a.chosen.distance_km)}});
        json::array unassigned;
        for (auto i : p.unassigned)
            unassigned.emplace_back(requests[i].request_id);
        return json::value{{"requests_considered", requests.size()},
                           {"k", k},
                           {"assignments", std::move(assignments)},
                           {"unassigned", std::move(unassigned)},
                           {"total_score", rounded(p.total_score, 10000)},
                           {"greedy_total_score", rounded(p.greedy_score, 10000)},
                           {"assigned", p.assignments.size()},
                           {"greedy_assigned", p.greedy_assigned},
                           {"timing_ms", json::object{{"candidates", rounded(p.candidates_ms, 10)},
                                                      {"solve", rounded(p.solve_ms, 10)},
                                                      {"greedy", rounded(p.greedy_ms, 10)}}}};
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response commit(const dispatch_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    std::vector<match::commit_item> items;
    if (const json::array* list = r.array("assignments", 2000)) {
        if (list->empty())
            r.fail("assignments", "must list at least one assignment");
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto e = r.element_object("assignments", i, (*list)[i]);
            if (!e)
                continue;
            auto request_id = e->text("request_id", {1, 64});
            auto volunteer_id = e->text("volunteer_id", {1, 64});
            auto starts = e->time("starts_at");
            auto ends = e->time("ends_at");
            e->check_unknown();
            if (request_id && volunteer_id && starts && ends)
                items.push_back({*request_id, *volunteer_id, *starts, *ends});
        }
    }
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto eng = engine_of(s);
    auto job = [eng, items = std::move(items), now, who](SQLite::Database& db) {
        return eng->commit(db, items, now, who);
    };
    const auto result = co_await s.db.write(std::move(job));
    json::array created, skipped;
    for (const auto& o : result.created)
        created.push_back(json::object{{"index", o.index},
                                       {"request_id", o.request_id},
                                       {"volunteer_id", o.volunteer_id},
                                       {"mission_id", *o.mission_id}});
    for (const auto& o : result.skipped) {
        json::array fields;
        for (const auto& f : o.fields)
            fields.push_back(json::object{{"field", f.field}, {"message", f.message}});
        skipped.push_back(json::object{{"index", o.index},
                                       {"request_id", o.request_id},
                                       {"volunteer_id", o.volunteer_id},
                                       {"status", status_of(*o.error)},
                                       {"detail", o.detail},
                                       {"errors", std::move(fields)}});
    }
    co_return ctx.json(status::ok,
                       json::value{{"created", std::move(created)}, {"skipped", std::move(skipped)}});
}

/// Active volunteers with no mission done for `weeks` weeks (or never), never-mobilised and longest-idle
/// first, so that coordinators can re-engage them. Cursor: "<last mission time>.<seq>" of the last item.
awaitable_response idle(const dispatch_services& s, request_context& ctx) {
    const int weeks = int_param(ctx, "weeks", 1, 104, 4);
    const int limit = limit_param(ctx);
    match::idle_cursor after;
    if (auto c = ctx.query("cursor")) {
        const auto dot = c->find('.');
        bool ok = dot != std::string::npos;
        if (ok) {
            auto [p1, e1] = std::from_chars(c->data(), c->data() + dot, after.last);
            auto [p2, e2] = std::from_chars(c->data() + dot + 1, c->data() + c->size(), after.seq);
            ok = e1 == std::errc{} && e2 == std::errc{} && p1 == c->data() + dot &&
                 p2 == c->data() + c->size();
        }
        if (!ok)
            throw bad_request("The query parameter cursor is not a cursor returned by this list.");
    }
    const auto now = s.clk.now_s();
    auto job = [weeks, limit, after, now](SQLite::Database& db) {
        std::optional<match::idle_cursor> next;
        auto list = match::idle_volunteers(db, now, weeks, after, limit, next);
        json::array items;
        std::vector<std::pair<std::string, std::string>> seen;  // first names shown: audited reads
        for (const auto& v : list) {
            seen.emplace_back("volunteer", v.id);
            json::array skills;
            for (const auto& s : v.skills)
                skills.emplace_back(s);
            auto when = [](const std::optional<std::int64_t>& t) {
                return t ? json::value(domain::format_iso8601(*t)) : json::value(nullptr);
            };
            items.push_back(json::object{{"id", v.id},
                                         {"first_name", v.first_name},
                                         {"neighbourhood", v.neighbourhood},
                                         {"skills", std::move(skills)},
                                         {"validated_at", when(v.validated_at)},
                                         {"last_mission_at", when(v.last_mission_at)},
                                         {"never_mobilised", v.never_mobilised}});
        }
        json::value cursor = nullptr;
        if (next)
            cursor = json::value(std::to_string(next->last) + "." + std::to_string(next->seq));
        json::value body{{"weeks", weeks}, {"items", std::move(items)}, {"next_cursor", std::move(cursor)}};
        return std::pair{std::move(seen), std::move(body)};
    };
    auto [seen, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(seen));
    co_return ctx.json(status::ok, body);
}

}  // namespace

void add_match_routes(wire::route_table& t, const dispatch_services& s) {
    t.add({verb::get, "/api/v1/requests/{id}/candidates", {staff}, "", personal, bind(s, candidates)});
    t.add({verb::post, "/api/v1/dispatch/plan", {staff}, "DispatchPlanRequest", plain, bind(s, plan)});
    t.add({verb::post, "/api/v1/dispatch/commit", {staff}, "DispatchCommit", plain, bind(s, commit)});
    t.add({verb::get, "/api/v1/volunteers/idle", {staff}, "", personal, bind(s, idle)});
}

}  // namespace relais::api
