#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/mission_view.hpp"
#include "api/public_request.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/missions.hpp"
#include "domain/queue_state.hpp"
#include "domain/requests.hpp"
#include "domain/supports.hpp"
#include "domain/validate.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>
#include <map>

namespace relais::api {

namespace json = boost::json;

namespace {

const std::vector<std::string> request_statuses{"new", "matched", "closed"};
awaitable_response create_request(const request_services& s, request_context& ctx) {
    const auto filer = filer_of(ctx);
    auto in = read_request(ctx.json_body(), filer, s.clk.now_s(), s.phones);
    auto [st, text] = co_await file_request(s, ctx, std::move(in), idempotency_of(ctx));
    if (!filer.staff && st == status::created) {
        // The public caller gets its tracking code but not the internal resident id.
        auto body = json::parse(text).as_object();
        body.erase("resident_id");
        co_return ctx.json(status::created, body);
    }
    co_return ctx.json(st, json::parse(text));
}

/// The queue's view of a request: its resident's name and its stage (domain/queue_state.hpp).
void add_queue_state(json::object& o, const domain::queue_state& q) {
    o["resident_name"] = q.resident_name ? json::value(*q.resident_name) : json::value(nullptr);
    o["stage"] = q.stage;
    o["stage_until"] = time_json(q.until);
}

awaitable_response list_requests(const request_services& s, request_context& ctx) {
    domain::request_filter f;
    f.status = enum_param(ctx, "status", request_statuses);
    f.category = ctx.query("category");
    f.neighbourhood = ctx.query("neighbourhood");
    f.urgency = enum_param(ctx, "urgency", domain::urgencies);
    f.channel = enum_param(ctx, "channel", {"web", "phone", "partner", "outreach"});
    if (auto rd = enum_param(ctx, "redispatch", {"true", "false"}))
        f.redispatch = *rd == "true";
    f.stage = enum_param(ctx, "stage", domain::queue_stages);
    f.cursor = ctx.query("cursor");
    f.limit = limit_param(ctx);
    // Every console re-reads the queue on each live notice: the same page for everyone (staff only, no
    // clock in it), cached until a commit changes a request or a resident (api::read_cache).
    const std::string key(ctx.req.target());
    const auto generation = s.db.watched_generation();
    if (auto cached = s.reads.find(key, generation))
        co_return ctx.json_text(status::ok, *cached);
    auto job = [f](SQLite::Database& db) {
        domain::page_info page;
        auto items = domain::list_requests(db, f, page);
        auto body = page_json(items, page);
        // Each row with its resident's name and its real stage (a page holds at most 200 rows).
        auto& rows = body["items"].as_array();
        for (std::size_t i = 0; i < items.size(); ++i)
            add_queue_state(rows[i].as_object(), domain::read_queue_state(db, items[i]));
        return json::serialize(body);
    };
    auto body = std::make_shared<const std::string>(co_await s.db.read(std::move(job)));
    s.reads.put(key, body, generation);
    co_return ctx.json_text(status::ok, *body);
}

/// One row of `SELECT seq, at, actor, entity, entity_id, action, from_status, to_status, reason, data FROM
/// event` as the contract's Event (the same in the request history and in GET /api/v1/events).
json::object event_json(SQLite::Statement& q) {
    auto opt = [&](int i) {
        return q.getColumn(i).isNull() ? json::value(nullptr) : json::value(q.getColumn(i).getString());
    };
    auto data = json::parse(q.getColumn(9).getString());
    return json::object{{"seq", q.getColumn(0).getInt64()},
                        {"at", time_json(q.getColumn(1).getInt64())},
                        {"actor", q.getColumn(2).getString()},
                        {"entity", q.getColumn(3).getString()},
                        {"entity_id", q.getColumn(4).getString()},
                        {"action", q.getColumn(5).getString()},
                        {"from_status", opt(6)},
                        {"to_status", opt(7)},
                        {"reason", opt(8)},
                        {"data", data.is_object() ? std::move(data) : json::object{}}};
}

/// Who an event's actor is, in words: a staff account's email, a volunteer's first name; null for "public",
/// "system", "resident" (the page says those itself). `staff` is set for a staff account.
json::value actor_name(SQLite::Database& db, const std::string& actor, bool& staff) {
    staff = false;
    auto q =
        store::prepare(db,
                       "SELECT u.role, u.email, v.first_name FROM users u LEFT JOIN volunteer v ON v.id = "
                       "u.volunteer_id AND v.erased_at IS NULL WHERE u.id = ?");
    q->bind(1, actor);
    if (!q->executeStep())
        return nullptr;
    const std::string role = q->getColumn(0).getString();
    json::value out = nullptr;
    if (role == "volunteer") {
        if (!q->getColumn(2).isNull())
            out = q->getColumn(2).getString();
    } else {
        staff = true;
        out = q->getColumn(1).getString();
    }
    q->reset();
    return out;
}

json::array history_of(SQLite::Database& db, const std::string& request_id) {
    auto q_lease = store::prepare(
        db,
        "SELECT seq, at, actor, entity, entity_id, action, from_status, to_status, reason, data FROM event "
        "WHERE (entity = 'request' AND entity_id = :id) OR (entity IN ('mission','support') AND "
        "json_extract(data, '$.request_id') = :id) ORDER BY seq");
    SQLite::Statement& q = *q_lease;
    q.bind(":id", request_id);
    json::array out;
    std::map<std::string, std::pair<json::value, bool>> names;  // actor -> (name, staff)
    while (q.executeStep()) {
        auto e = event_json(q);
        const std::string actor(e.at("actor").as_string());
        auto [it, fresh] = names.try_emplace(actor);
        if (fresh)
            it->second.first = actor_name(db, actor, it->second.second);
        e["by"] = it->second.first;
        // A volunteer's own answer, dropout or report, recorded by a coordinator they phoned.
        const auto& action = e.at("action");
        e["for_volunteer"] =
            it->second.second && e.at("entity") == "mission" &&
            (action == "accepted" || action == "declined" || action == "dropped" || action == "done");
        out.push_back(std::move(e));
    }
    return out;
}

awaitable_response get_request(const request_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto now = s.clk.now_s();
    auto job = [&ctx, id, now](SQLite::Database& db) {
        auto r = domain::load_request(db, id);
        json::object o = json::value_from(r).as_object();
        add_queue_state(o, domain::read_queue_state(db, r));
        o["resident"] = json::value_from(domain::load_resident(db, r.resident_id));
        auto s = domain::active_support(db, id);
        o["support"] = s ? json::value_from(*s) : json::value(nullptr);
        domain::mission_filter f;
        f.request_id = id;
        f.limit = 200;
        domain::page_info page;
        // Its missions carry the same resident's contact: one audited read of that resident in all.
        audit_subjects subjects{{"resident", r.resident_id}};
        o["missions"] = mission_views(db, ctx, domain::list_missions(db, f, page), now, subjects);
        o["history"] = history_of(db, id);
        return std::pair{std::move(subjects), json::value(std::move(o))};
    };
    auto [subjects, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(subjects));
    co_return ctx.json(status::ok, body);
}

awaitable_response close_request(const request_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    auto outcome = r.one_of("outcome", domain::close_outcomes);
    auto reason = r.text("reason", note_rule, false);
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, outcome = *outcome, reason, now, who](SQLite::Database& db) {
        domain::close_request(db, id, outcome, reason, now, who);
        return json::value_from(domain::load_request(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

std::string code_hash_of(const request_context& ctx) {
    auto code = domain::normalize_tracking_code(ctx.param("tracking_code"));
    if (!code)
        throw not_found("No request has this tracking code. Check the code, or call the coordination.");
    return domain::tracking_hash(*code);
}

awaitable_response track(const request_services& s, request_context& ctx) {
    const auto hash = code_hash_of(ctx);
    const auto now = s.clk.now_s();
    auto job = [hash, now](SQLite::Database& db) {
        return json::value_from(domain::track_request(db, hash, now));
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response cancel_tracked(const request_services& s, request_context& ctx) {
    const auto hash = code_hash_of(ctx);
    no_fields(ctx);
    const auto now = s.clk.now_s();
    auto job = [hash, now](SQLite::Database& db) {
        return json::value_from(domain::cancel_by_tracking(db, hash, now));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response list_residents(const request_services& s, request_context& ctx) {
    // No search by phone or name here: personal data never travels in URLs.
    const std::optional<std::string> phone;
    const int limit = limit_param(ctx);
    const auto after = seq_cursor(ctx);
    auto job = [phone, limit, after](SQLite::Database& db) {
        domain::page_info page;
        auto items = domain::find_residents(db, phone, after, limit, page);
        std::vector<std::pair<std::string, std::string>> seen;
        for (const auto& i : items)
            seen.emplace_back("resident", i.id);
        return std::pair{seen, json::value(page_json(items, page))};
    };
    auto [seen, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(seen));
    co_return ctx.json(status::ok, body);
}

awaitable_response get_resident(const request_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    auto job = [id](SQLite::Database& db) {
        json::object o = json::value_from(domain::load_resident(db, id)).as_object();
        auto q_lease = store::prepare(db, "SELECT id FROM request WHERE resident_id = ? ORDER BY seq");
        SQLite::Statement& q = *q_lease;
        q.bind(1, id);
        json::array reqs;
        while (q.executeStep())
            reqs.push_back(json::value_from(domain::load_request(db, q.getColumn(0).getString())));
        o["requests"] = std::move(reqs);
        return json::value(std::move(o));
    };
    auto body = co_await s.db.read(std::move(job));
    std::vector<std::pair<std::string, std::string>> subjects{{"resident", id}};
    co_await audit_reads(s, ctx, std::move(subjects));
    co_return ctx.json(status::ok, body);
}

awaitable_response patch_resident(const request_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    domain::resident_patch p;
    p.first_name = r.text("first_name", name_rule, false);
    p.last_name = r.text("last_name", name_rule, false);
    p.phone = read_phone(r, "phone", false, s.phones);
    if (r.is_null("email")) {
        r.accept("email");
        p.email = std::optional<std::string>();
    } else if (auto e = read_email(r, "email", false)) {
        p.email = e;
    }
    p.address = r.text("address", address_rule, false);
    p.neighbourhood = r.text("neighbourhood", {1, 40}, false);
    if (r.is_null("location")) {
        r.accept("location");
        p.location = std::optional<domain::geo>();
    } else if (auto l = read_location(r, "location")) {
        p.location = l;
    }
    p.needs = read_needs(r, "needs");
    p.preferred_contact = r.one_of("preferred_contact", contact_channels, false);
    p.languages = read_codes(r, "languages", 10, false, true);
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [&ctx, id, p, now, who](SQLite::Database& db) {
        domain::patch_resident(db, id, p, now, who);
        audit(db, ctx, "resident", id, "update", now);
        return json::value_from(domain::load_resident(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response list_events(const request_services& s, request_context& ctx) {
    auto entity = ctx.query("entity");
    auto entity_id = ctx.query("entity_id");
    auto action = ctx.query("action");
    const int limit = limit_param(ctx);
    const auto after = seq_cursor(ctx);
    auto job = [entity, entity_id, action, limit, after](SQLite::Database& db) {
        std::string sql =
            "SELECT seq, at, actor, entity, entity_id, action, from_status, to_status, reason, data FROM "
            "event "
            "WHERE seq > :after";
        if (entity)
            sql += " AND entity = :entity";
        if (entity_id)
            sql += " AND entity_id = :entity_id";
        if (action)
            sql += " AND action = :action";
        sql += " ORDER BY seq LIMIT :limit";
        auto q_lease = store::prepare(db, sql);
        SQLite::Statement& q = *q_lease;
        q.bind(":after", static_cast<std::int64_t>(after));
        if (entity)
            q.bind(":entity", *entity);
        if (entity_id)
            q.bind(":entity_id", *entity_id);
        if (action)
            q.bind(":action", *action);
        q.bind(":limit", limit + 1);
        json::array items;
        std::int64_t last = 0;
        json::value next = nullptr;
        while (q.executeStep()) {
            if (static_cast<int>(items.size()) == limit) {
                next = std::to_string(last);
                break;
            }
            last = q.getColumn(0).getInt64();
            items.push_back(event_json(q));
        }
        return json::value{{"items", std::move(items)}, {"next_cursor", next}};
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

}  // namespace

void add_request_routes(wire::route_table& t, const request_services& s) {
    t.add({verb::post,
           "/api/v1/requests",
           {pub, 0, auth::limit_by::form},
           "RequestCreate",
           plain,
           bind(s, create_request)});  // staff and partners too (channel)
    t.add({verb::get, "/api/v1/requests", {staff}, "", personal, bind(s, list_requests)});
    t.add({verb::get, "/api/v1/requests/{id}", {staff}, "", personal, bind(s, get_request)});
    t.add(
        {verb::post, "/api/v1/requests/{id}/close", {staff}, "RequestClose", plain, bind(s, close_request)});
    t.add({verb::get,
           "/api/v1/track/{tracking_code}",
           {pub, 0, auth::limit_by::tracking},
           "",
           plain,
           bind(s, track)});
    t.add({verb::post,
           "/api/v1/track/{tracking_code}/cancel",
           {pub, 0, auth::limit_by::tracking},
           "Empty",
           plain,
           bind(s, cancel_tracked)});
    t.add({verb::get, "/api/v1/residents", {staff}, "", personal, bind(s, list_residents)});
    t.add({verb::get, "/api/v1/residents/{id}", {staff}, "", personal, bind(s, get_resident)});
    t.add({verb::patch,
           "/api/v1/residents/{id}",
           {staff},
           "ResidentUpdate",
           personal,
           bind(s, patch_resident)});
    t.add({verb::get, "/api/v1/events", {staff}, "", plain, bind(s, list_events)});
}

}  // namespace relais::api
