// The reserve and its reactivation campaigns (issue 16; domain/reserve.hpp). Staff choose members by skill,
// neighbourhood, language and inactivity, write a message, and follow the campaign's funnel; a volunteer
// joins or leaves the reserve from their space (or the coordination records a consent given on the phone).

#include "api/csv_import.hpp"
#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/city_time.hpp"
#include "domain/engagement.hpp"
#include "domain/programme.hpp"
#include "domain/reserve.hpp"
#include "domain/time_format.hpp"
#include "domain/volunteer_import.hpp"
#include "domain/volunteers.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

json::value funnel_json(const domain::campaign_funnel& f) {
    return json::object{{"queued", f.queued},           {"sent", f.sent},
                        {"delivered", f.delivered},     {"failed", f.failed},
                        {"unreachable", f.unreachable}, {"opened", f.opened},
                        {"reactivated", f.reactivated}, {"stayed", f.stayed},
                        {"declined", f.declined}};
}

json::value seconds_json(const std::optional<std::int64_t>& s) {
    return s ? json::value(*s) : json::value(nullptr);
}

json::value campaign_json(const domain::campaign_record& c) {
    return json::object{{"id", c.id},
                        {"created_at", time_json(c.created_at)},
                        {"created_by_name", c.created_by_name},
                        {"message", c.message},
                        {"filter", c.filter},
                        {"recipients", c.recipients},
                        {"funnel", funnel_json(c.funnel)},
                        {"first_reactivations",
                         {{"10", seconds_json(c.first_10)},
                          {"50", seconds_json(c.first_50)},
                          {"100", seconds_json(c.first_100)}}}};
}

json::value entry_json(const domain::reserve_entry& e) {
    return json::object{{"volunteer_id", e.volunteer_id},
                        {"first_name", e.first_name},
                        {"last_name", e.last_name},
                        {"neighbourhood", e.neighbourhood},
                        {"skills", json::value_from(e.skills)},
                        {"languages", json::value_from(e.languages)},
                        {"joined_at", time_json(e.joined_at)},
                        {"confirmed_at", time_json(e.confirmed_at)},
                        {"last_active_at", time_json(e.last_active_at)}};
}

/// A short code of the query string (a category, neighbourhood or language code), or nothing.
std::optional<std::string> code_param(const request_context& ctx, std::string_view name) {
    auto v = ctx.query(name);
    if (!v || v->empty())
        return std::nullopt;
    if (v->size() > 64)
        throw bad_request(std::string("The query parameter ") + std::string(name) + " is too long.");
    return v;
}

awaitable_response list_reserve(const data_access& s, request_context& ctx) {
    domain::reserve_filter f;
    if (auto v = code_param(ctx, "skill"))
        f.skills.push_back(*v);
    if (auto v = code_param(ctx, "language"))
        f.languages.push_back(*v);
    f.neighbourhood = code_param(ctx, "neighbourhood");
    if (auto d = ctx.query("inactive_days"); d && !d->empty()) {
        int days = -1;
        try {
            std::size_t used = 0;
            days = std::stoi(*d, &used);
            if (used != d->size())
                days = -1;
        } catch (const std::exception&) {
            days = -1;
        }
        if (days < 0 || days > 3650)
            throw bad_request("inactive_days must be a whole number of days from 0 to 3650.");
        f.inactive_days = days;
    }
    auto job = [f, now = s.clk.now_s()](SQLite::Database& db) {
        std::int64_t total = 0;
        const auto entries = domain::list_reserve(db, f, now, 500, total);
        std::vector<std::pair<std::string, std::string>> seen;
        json::array items;
        for (const auto& e : entries) {
            seen.emplace_back("volunteer", e.volunteer_id);
            items.push_back(entry_json(e));
        }
        return std::pair{std::move(seen), json::value{{"items", std::move(items)}, {"total", total}}};
    };
    auto [seen, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(seen));
    co_return ctx.json(status::ok, body);
}

awaitable_response join(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    require_self_or_staff(ctx, id);
    body_reader r(ctx.json_body());
    if (auto consent = r.boolean("consent"); consent && !*consent)
        r.fail("consent", "must be true: the volunteer agrees to be contacted again for future needs");
    r.done();
    // Their own choice in their space, or a consent the coordination took on the phone.
    const std::string source = is_staff(ctx) ? "coordinator" : "volunteer";
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, source, now, who](SQLite::Database& db) {
        domain::join_reserve(db, id, source, now, who);
        return json::value_from(domain::load_volunteer(db, id)).as_object();
    };
    const auto v = co_await s.db.write(std::move(job));
    co_return ctx.json(
        status::ok,
        json::value{{"id", v.at("id")}, {"status", v.at("status")}, {"reserve", v.at("reserve")}});
}

awaitable_response leave(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    require_self_or_staff(ctx, id);
    no_fields(ctx);
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, now, who](SQLite::Database& db) {
        domain::leave_reserve(db, id, now, who);
        return json::value{{"id", id}, {"status", "withdrawn"}};
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

domain::reserve_filter read_filter(body_reader& r) {
    domain::reserve_filter f;
    auto o = r.object("filter", false);
    if (!o)
        return f;
    if (auto v = read_codes(*o, "skills", 20, false, false))
        f.skills = *v;
    if (auto v = read_codes(*o, "languages", 20, false, true))
        f.languages = *v;
    f.neighbourhood = o->text("neighbourhood", {1, 64}, false);
    if (auto d = o->integer("inactive_days", 0, 3650, false))
        f.inactive_days = static_cast<int>(*d);
    o->check_unknown();
    return f;
}

awaitable_response create_campaign(const data_access& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    auto message = r.text("message", {10, 1000, true});
    auto f = read_filter(r);
    const bool dry_run = r.boolean("dry_run", false).value_or(false);
    r.done();
    const auto now = s.clk.now_s();
    if (dry_run) {
        auto job = [f, now](SQLite::Database& db) {
            return json::value{{"recipients", domain::count_campaign(db, f, now)}};
        };
        co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
    }
    const auto who = actor_of(ctx);
    auto job = [message = *message, f, now, who](SQLite::Database& db) {
        const auto id = domain::create_campaign(db, message, f, now, who);
        return campaign_json(domain::load_campaign(db, id));
    };
    co_return ctx.json(status::created, co_await s.db.write(std::move(job)));
}

awaitable_response list_campaigns(const data_access& s, request_context& ctx) {
    auto job = [](SQLite::Database& db) {
        json::array items;
        for (const auto& c : domain::list_campaigns(db, 50))
            items.push_back(campaign_json(c));
        return json::value{{"items", std::move(items)}};
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response get_campaign(const data_access& s, request_context& ctx) {
    auto job = [id = ctx.param("id")](SQLite::Database& db) {
        return campaign_json(domain::load_campaign(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

json::value lines_json(const std::vector<domain::engagement_line>& lines, const char* key) {
    json::array a;
    for (const auto& l : lines)
        a.push_back(json::object{{key, l.key}, {"missions", l.missions}, {"minutes", l.minutes}});
    return a;
}

/// A date of the query string ("YYYY-MM-DD"), or nothing; 400 when malformed.
std::optional<std::int64_t> date_param(const request_context& ctx, std::string_view name) {
    auto v = ctx.query(name);
    if (!v || v->empty())
        return std::nullopt;
    auto d = domain::parse_date(*v);
    if (!d)
        throw bad_request(std::string("The query parameter ") + std::string(name) +
                          " must be a date like 2026-12-04.");
    return *d / 86400;
}

awaitable_response engagement(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    require_self_or_staff(ctx, id);
    const auto from_day = date_param(ctx, "from");
    const auto to_day = date_param(ctx, "to");
    if (from_day && to_day && *to_day < *from_day)
        throw bad_request("The period ends before it starts (to < from).");
    auto job = [id, from_day, to_day, now = s.clk.now_s()](SQLite::Database& db) {
        // Days are the city's: from its midnight at the start of `from` to the end of `to` (both included).
        const domain::city_time city(domain::load_programme(db).timezone);
        const std::int64_t from = from_day ? city.to_utc(*from_day * 86400) : 0;
        const std::int64_t to = to_day ? city.to_utc((*to_day + 1) * 86400) : now + 1;
        const auto e = domain::engagement_of(db, id, from, to);
        auto opt_time = [](const std::optional<std::int64_t>& t) { return time_json(t); };
        return json::value{
            {"volunteer_id", e.volunteer_id},
            {"from", from_day ? json::value(domain::format_iso8601(*from_day * 86400).substr(0, 10))
                              : json::value(nullptr)},
            {"to", to_day ? json::value(domain::format_iso8601(*to_day * 86400).substr(0, 10))
                          : json::value(nullptr)},
            {"missions", e.missions},
            {"minutes", e.minutes},
            {"collectives", e.collectives},
            {"collective_minutes", e.collective_minutes},
            {"hours", static_cast<double>(e.minutes + e.collective_minutes) / 60.0},
            {"first_mission_at", opt_time(e.first_at)},
            {"last_mission_at", opt_time(e.last_at)},
            {"by_category", lines_json(e.by_category, "category")},
            {"by_month", lines_json(e.by_month, "month")}};
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

/// An existing list of volunteers, from the console's reserve page (domain/volunteer_import.hpp).
awaitable_response import_volunteers(const data_access& s, request_context& ctx) {
    co_return co_await csv_import(
        s, ctx,
        [](SQLite::Database& db, const std::string& csv, const domain::phone_plan& phones, std::int64_t now,
           const domain::actor& who) {
            auto r = domain::import_volunteers(db, csv, phones, now, who);
            return csv_import_outcome{{{"imported", r.imported}}, std::move(r.faults)};
        });
}

}  // namespace

void add_reserve_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::get, "/api/v1/reserve", {staff}, "", personal, bind(s, list_reserve)});
    t.add({verb::post,
           "/api/v1/volunteers/{id}/reserve",
           {staff | vol},
           "ReserveJoin",
           plain,
           bind(s, join)});  // volunteer: own
    t.add({verb::post,
           "/api/v1/volunteers/{id}/reserve/leave",
           {staff | vol},
           "Empty",
           plain,
           bind(s, leave)});  // volunteer: own
    t.add({verb::post, "/api/v1/campaigns", {staff}, "CampaignCreate", plain, bind(s, create_campaign)});
    t.add({verb::get, "/api/v1/campaigns", {staff}, "", plain, bind(s, list_campaigns)});
    t.add({verb::get, "/api/v1/campaigns/{id}", {staff}, "", plain, bind(s, get_campaign)});
    t.add({verb::post,
           "/api/v1/volunteer-imports",
           {staff},
           "VolunteerImport",
           plain,
           bind(s, import_volunteers)});
    t.add({verb::get,
           "/api/v1/volunteers/{id}/engagement",
           {staff | vol},
           "",
           plain,
           bind(s, engagement)});  // volunteer: own
}

}  // namespace relais::api
