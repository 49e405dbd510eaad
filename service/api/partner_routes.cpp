#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/partners.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

std::optional<std::string> partner_scope(const request_context& ctx) {
    if (ctx.user && ctx.user->r == auth::role::partner)
        return ctx.user->partner_id;
    return std::nullopt;
}

awaitable_response list_partners(const data_access& s, request_context& ctx) {
    const int limit = limit_param(ctx);
    const auto after = seq_cursor(ctx);
    auto job = [limit, after](SQLite::Database& db) {
        domain::page_info page;
        auto items = domain::list_partners(db, after, limit, page);
        return page_json(items, page);
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response create_partner(const data_access& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    auto name = r.text("name", {2, 120});
    auto kind = r.one_of("kind", domain::partner_kinds, false);
    auto email = read_email(r, "contact_email", false);
    auto phone = read_phone(r, "contact_phone", false, s.phones);
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [name = *name, kind = kind.value_or("association"), email, phone, now,
                who](SQLite::Database& db) {
        auto id = domain::create_partner(db, name, kind, email, phone, now, who);
        return json::value_from(domain::load_partner(db, id));
    };
    co_return ctx.json(status::created, co_await s.db.write(std::move(job)));
}

awaitable_response get_partner(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    if (auto p = partner_scope(ctx); p && *p != id)
        throw not_found("No such partner.");
    auto job = [id](SQLite::Database& db) { return json::value_from(domain::load_partner(db, id)); };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response list_collectives(const data_access& s, request_context& ctx) {
    domain::collective_filter f;
    f.partner_id = ctx.query("partner_id");
    f.status = enum_param(ctx, "status", {"open", "cancelled"});
    f.from = time_param(ctx, "from");
    if (auto p = partner_scope(ctx))
        f.partner_id = *p;
    f.limit = limit_param(ctx);
    f.after_seq = seq_cursor(ctx);
    const std::string vol = volunteer_of(ctx).value_or("");
    auto job = [f, vol](SQLite::Database& db) {
        domain::page_info page;
        auto items = domain::list_collectives(db, f, vol, page);
        return page_json(items, page);
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response create_collective(const data_access& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    domain::collective_input in;
    std::optional<std::string> partner;
    if (auto p = partner_scope(ctx)) {
        partner = *p;
        r.accept("partner_id");
        if (r.has("partner_id") && !r.is_null("partner_id"))
            r.fail("partner_id", "is your own association; leave it out");
    } else {
        partner = r.text("partner_id", {1, 64});
    }
    auto title = r.text("title", {2, 120});
    in.description = r.text("description", details_rule, false).value_or("");
    in.place = r.text("place", {0, 200}, false).value_or("");
    in.neighbourhood = r.text("neighbourhood", {1, 40}, false);
    auto starts = r.time("starts_at");
    auto ends = r.time("ends_at");
    auto capacity = r.integer("capacity", 1, 1000);
    if (starts && ends && *ends <= *starts)
        r.fail("ends_at", "must be after starts_at");
    r.done();
    in.partner_id = *partner;
    in.title = *title;
    in.starts_at = *starts;
    in.ends_at = *ends;
    in.capacity = static_cast<int>(*capacity);
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [in, now, who](SQLite::Database& db) {
        auto id = domain::create_collective(db, in, now, who);
        return json::value_from(domain::load_collective(db, id));
    };
    co_return ctx.json(status::created, co_await s.db.write(std::move(job)));
}

awaitable_response get_collective(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto scope = partner_scope(ctx);
    const std::string vol = volunteer_of(ctx).value_or("");
    auto job = [id, scope, vol](SQLite::Database& db) {
        auto c = domain::load_collective(db, id, vol);
        if (scope && c.partner_id != *scope)
            throw not_found("No such collective mission.");
        return json::value_from(c);
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response signup(const data_access& s, request_context& ctx, bool cancel) {
    const auto id = ctx.param("id");
    auto vol = volunteer_of(ctx);
    if (!vol)
        throw error(error_kind::forbidden, "Only volunteers sign up for collective missions.");
    no_fields(ctx);
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, v = *vol, cancel, now, who](SQLite::Database& db) {
        auto c = cancel ? domain::cancel_signup(db, id, v, now, who)
                        : domain::signup_collective(db, id, v, now, who);
        return json::value_from(c);
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response cancel_collective(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto scope = partner_scope(ctx);
    no_fields(ctx);
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, scope, now, who](SQLite::Database& db) {
        auto c = domain::load_collective(db, id);
        if (scope && c.partner_id != *scope)
            throw not_found("No such collective mission.");
        domain::cancel_collective(db, id, now, who);
        return json::value_from(domain::load_collective(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

}  // namespace

void add_partner_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::get, "/api/v1/partners", {staff}, "", plain, bind(s, list_partners)});
    t.add({verb::post, "/api/v1/partners", {staff}, "PartnerCreate", plain, bind(s, create_partner)});
    t.add({verb::get, "/api/v1/partners/{id}", {staff | par}, "", plain, bind(s, get_partner)});  // partner:
                                                                                                  // own
    t.add({verb::get,
           "/api/v1/collective-missions",
           {staff | vol | par},
           "",
           plain,
           bind(s, list_collectives)});  // partner: own
    t.add({verb::post,
           "/api/v1/collective-missions",
           {staff | par},
           "CollectiveMissionCreate",
           plain,
           bind(s, create_collective)});  // partner: for their own partner
    t.add({verb::get,
           "/api/v1/collective-missions/{id}",
           {staff | vol | par},
           "",
           plain,
           bind(s, get_collective)});  // partner: own
    t.add({verb::post,
           "/api/v1/collective-missions/{id}/cancel",
           {staff | par},
           "Empty",
           plain,
           bind(s, cancel_collective)});  // partner: own
    t.add({verb::post,
           "/api/v1/collective-missions/{id}/signup",
           {vol},
           "Empty",
           plain,
           [s](request_context& ctx) { return signup(s, ctx, false); }});
    t.add({verb::post,
           "/api/v1/collective-missions/{id}/cancel-signup",
           {vol},
           "Empty",
           plain,
           [s](request_context& ctx) { return signup(s, ctx, true); }});
}

}  // namespace relais::api
