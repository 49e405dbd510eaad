// The residents' directory (issue 15): a coordinator finds a resident who calls again (by name, phone, email
// or tracking code) and reads their whole story. The search words travel in the body of a POST, not in the
// URL: personal data in a query string ends up in reverse proxies' access logs and browser histories. Two
// residents who are one person are merged.
#include "api/body_reader.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "domain/resident_merge.hpp"
#include "domain/resident_search.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

json::value volunteer_json(const domain::volunteer_seen& v) {
    return json::object{{"id", v.id}, {"first_name", v.first_name}};
}

json::value match_json(const domain::resident_match& m) {
    json::array on, vols, dups;
    for (const auto& o : m.matched_on)
        on.emplace_back(o);
    for (const auto& v : m.volunteers)
        vols.push_back(volunteer_json(v));
    for (const auto& d : m.possible_duplicates)
        dups.emplace_back(d);
    return json::object{{"resident", json::value_from(m.resident)},
                        {"matched_on", std::move(on)},
                        {"requests", m.requests},
                        {"last_request_at", time_json(m.last_request_at)},
                        {"volunteers", std::move(vols)},
                        {"possible_duplicates", std::move(dups)}};
}

json::value entry_json(const domain::history_entry& h) {
    auto opt = [](const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); };
    return json::object{{"seq", h.seq},
                        {"at", time_json(h.at)},
                        {"entity", h.entity},
                        {"entity_id", h.entity_id},
                        {"action", h.action},
                        {"from_status", opt(h.from_status)},
                        {"to_status", opt(h.to_status)},
                        {"reason", opt(h.reason)},
                        {"actor", h.actor},
                        {"by", opt(h.by)},
                        {"request_id", opt(h.request_id)},
                        {"category", opt(h.category)},
                        {"volunteer", h.volunteer ? volunteer_json(*h.volunteer) : json::value(nullptr)}};
}

awaitable_response search_residents(const data_access& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    const auto q = r.text("q", {1, 200});
    const int limit = static_cast<int>(r.integer("limit", 1, 50, false).value_or(20));
    r.done();
    auto job = [s, q = *q, limit](SQLite::Database& db) {
        const auto found = domain::search_residents(db, q, s.phones, limit);
        std::vector<std::pair<std::string, std::string>> seen;
        json::array items;
        for (const auto& m : found) {
            seen.emplace_back("resident", m.resident.id);
            items.push_back(match_json(m));
        }
        return std::pair{seen, json::value(json::object{{"items", std::move(items)}})};
    };
    auto [seen, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(seen));
    co_return ctx.json(status::ok, body);
}

awaitable_response resident_history(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    auto job = [id](SQLite::Database& db) {
        json::array items;
        for (const auto& h : domain::resident_history(db, id, 500))
            items.push_back(entry_json(h));
        json::array dups;
        for (const auto& d : domain::possible_duplicates_of(db, id))
            dups.emplace_back(d);
        return json::value(json::object{
            {"resident_id", id}, {"possible_duplicates", std::move(dups)}, {"items", std::move(items)}});
    };
    auto body = co_await s.db.read(std::move(job));
    std::vector<std::pair<std::string, std::string>> seen{{"resident", id}};
    co_await audit_reads(s, ctx, std::move(seen));
    co_return ctx.json(status::ok, body);
}

awaitable_response merge_resident(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    const auto duplicate = r.text("duplicate_id", {1, 64});
    r.done();
    const auto now = s.clk.now_s();
    auto job = [&ctx, id, duplicate = *duplicate, now, who = actor_of(ctx)](SQLite::Database& db) {
        domain::merge_residents(db, id, duplicate, now, who);
        audit(db, ctx, "resident", id, "merge", now);
        audit(db, ctx, "resident", duplicate, "merge", now);
        return json::value_from(domain::load_resident(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

}  // namespace

void add_resident_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::post,
           "/api/v1/residents/search",
           {staff},
           "ResidentSearch",
           personal,
           bind(s, search_residents)});
    t.add({verb::get, "/api/v1/residents/{id}/history", {staff}, "", personal, bind(s, resident_history)});
    t.add({verb::post,
           "/api/v1/residents/{id}/merge",
           {staff},
           "ResidentMerge",
           personal,
           bind(s, merge_resident)});
}

}  // namespace relais::api
