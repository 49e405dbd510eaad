// Reaching people who do not ask (issue 16; domain/outreach.hpp): the register of vulnerable residents
// imported from a CSV, outreach rounds that make one friendly call per registered resident, and each call's
// outcome. Staff only: the register holds the most sensitive list the city has.

#include "api/csv_import.hpp"
#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/city_time.hpp"
#include "domain/outreach.hpp"
#include "domain/programme.hpp"
#include "domain/time_format.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

json::value round_json(const domain::round_progress& p) {
    return json::object{{"id", p.id},
                        {"name", p.name},
                        {"category", p.category},
                        {"created_at", time_json(p.created_at)},
                        {"residents", p.residents},
                        {"pending", p.pending},
                        {"calls_assigned", p.calls_assigned},
                        {"reached_fine", p.reached_fine},
                        {"needs_help", p.needs_help},
                        {"not_reached", p.not_reached},
                        {"declined", p.declined}};
}

/// The register's CSV from the console's outreach page (domain/outreach.hpp); `register_size` is the
/// register's size after the import (on a dry run, what it would be).
awaitable_response import_register(const data_access& s, request_context& ctx) {
    co_return co_await csv_import(
        s, ctx,
        [](SQLite::Database& db, const std::string& csv, const domain::phone_plan& phones, std::int64_t now,
           const domain::actor& who) {
            auto r = domain::import_register(db, csv, phones, now, who);
            return csv_import_outcome{
                {{"added", r.added}, {"existing", r.existing}, {"register_size", domain::register_size(db)}},
                std::move(r.faults)};
        });
}

awaitable_response get_register(const data_access& s, request_context& ctx) {
    auto job = [](SQLite::Database& db) { return json::value{{"size", domain::register_size(db)}}; };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

std::optional<std::string> read_day(body_reader& r, std::string_view key) {
    auto d = r.text(key, {10, 10});
    if (d && !domain::parse_date(*d)) {
        r.fail(key, "must be a date like 2026-07-20");
        return std::nullopt;
    }
    return d;
}

awaitable_response launch_round(const data_access& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    auto name = r.text("name", {2, 120});
    auto category = r.text("category", {2, 40}, false);
    auto from = read_day(r, "starts_on");
    auto until = read_day(r, "ends_on");
    if (from && until && *until < *from)
        r.fail("ends_on", "must not be before starts_on");
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [name = *name, category = category.value_or("friendly_call"), from = *from, until = *until,
                now, who](SQLite::Database& db) {
        bool known = false;
        for (const auto& c : domain::list_categories(db, false))
            known = known || c.code == category;
        if (!known)
            throw validation_error({{"category", "is not an active kind of help"}});
        // The calls are made over the city's days, from the first's midnight to the end of the last.
        const domain::city_time city(domain::load_programme(db).timezone);
        const auto a = city.to_utc(*domain::parse_date(from)),
                   b = city.to_utc(*domain::parse_date(until) + 86400);
        const auto id = domain::launch_round(db, name, category, std::max(a, now), b, now, who);
        return round_json(domain::load_round(db, id));
    };
    co_return ctx.json(status::created, co_await s.db.write(std::move(job)));
}

awaitable_response list_rounds(const data_access& s, request_context& ctx) {
    auto job = [](SQLite::Database& db) {
        json::array items;
        for (const auto& p : domain::list_rounds(db, 50))
            items.push_back(round_json(p));
        return json::value{{"items", std::move(items)}};
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response get_round(const data_access& s, request_context& ctx) {
    auto job = [id = ctx.param("id")](SQLite::Database& db) {
        return round_json(domain::load_round(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response record_outcome(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    const auto o = read_call_outcome(r);
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, o, now, who](SQLite::Database& db) {
        const auto follow_up = domain::record_call_outcome(db, id, o, now, who);
        return json::value{
            {"request_id", id},
            {"outcome", o.outcome},
            {"follow_up_request_id", follow_up ? json::value(*follow_up) : json::value(nullptr)}};
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

}  // namespace

void add_outreach_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::get, "/api/v1/register", {staff}, "", plain, bind(s, get_register)});
    t.add(
        {verb::post, "/api/v1/register-imports", {staff}, "RegisterImport", plain, bind(s, import_register)});
    t.add({verb::get, "/api/v1/outreach-rounds", {staff}, "", plain, bind(s, list_rounds)});
    t.add({verb::post,
           "/api/v1/outreach-rounds",
           {staff},
           "OutreachRoundCreate",
           plain,
           bind(s, launch_round)});
    t.add({verb::get, "/api/v1/outreach-rounds/{id}", {staff}, "", plain, bind(s, get_round)});
    t.add({verb::post,
           "/api/v1/requests/{id}/call-outcome",
           {staff},
           "CallOutcome",
           plain,
           bind(s, record_outcome)});
}

}  // namespace relais::api
