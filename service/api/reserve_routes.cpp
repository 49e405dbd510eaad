// The reserve and its reactivation campaigns (issue 16; domain/reserve.hpp). Staff choose members by skill,
// neighbourhood, language and inactivity, write a message, and follow the campaign's funnel; a volunteer joins
// or leaves the reserve from their space (or the coordination records a consent given on the phone).

#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/reserve.hpp"
#include "domain/volunteers.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

json::value funnel_json(const domain::campaign_funnel& f) {
    return json::object{{"queued", f.queued},       {"sent", f.sent},         {"delivered", f.delivered},
                        {"failed", f.failed},       {"unreachable", f.unreachable}, {"opened", f.opened},
                        {"reactivated", f.reactivated}, {"stayed", f.stayed}, {"declined", f.declined}};
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
    co_return ctx.json(status::ok, json::value{{"id", v.at("id")}, {"status", v.at("status")},
                                               {"reserve", v.at("reserve")}});
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

}  // namespace

void add_reserve_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::get, "/api/v1/reserve", {staff}, "", personal, bind(s, list_reserve)});
    t.add({verb::post, "/api/v1/volunteers/{id}/reserve", {staff | vol}, "ReserveJoin", plain,
           bind(s, join)});  // volunteer: own
    t.add({verb::post, "/api/v1/volunteers/{id}/reserve/leave", {staff | vol}, "Empty", plain,
           bind(s, leave)});  // volunteer: own
    t.add({verb::post, "/api/v1/campaigns", {staff}, "CampaignCreate", plain, bind(s, create_campaign)});
    t.add({verb::get, "/api/v1/campaigns", {staff}, "", plain, bind(s, list_campaigns)});
    t.add({verb::get, "/api/v1/campaigns/{id}", {staff}, "", plain, bind(s, get_campaign)});
}

}  // namespace relais::api
