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

/// The collective mission `id` if the caller may manage it (staff: any; a partner: its own), else 404.
domain::collective_record managed_collective(SQLite::Database& db, const std::string& id,
                                             const std::optional<std::string>& scope) {
    auto c = domain::load_collective(db, id);
    if (scope && c.partner_id != *scope)
        throw not_found("No such collective mission.");
    return c;
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
    auto language = r.one_of("message_language", message_languages, false);
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [name = *name, kind = kind.value_or("association"), email, phone,
                language = language.value_or("fr"), now, who](SQLite::Database& db) {
        auto id = domain::create_partner(db, name, kind, email, phone, now, who, language);
        return json::value_from(domain::load_partner(db, id));
    };
    co_return ctx.json(status::created, co_await s.db.write(std::move(job)));
}

/// A contact field of a partner's update: absent, unchanged (nullopt); null, cleared (an empty value inside);
/// else what `read` checked (a fault recorded by it leaves the field unchanged, and the request refused).
template <class Read>
std::optional<std::optional<std::string>> contact_change(body_reader& r, std::string_view key, Read read) {
    if (!r.has(key))
        return std::nullopt;
    if (r.is_null(key)) {
        r.accept(key);
        return std::optional<std::string>();
    }
    auto v = read();
    if (!v)
        return std::nullopt;
    return std::optional<std::string>(std::move(*v));
}

awaitable_response patch_partner(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    domain::partner_changes c;
    c.name = r.text("name", {2, 120}, false);
    c.kind = r.one_of("kind", domain::partner_kinds, false);
    c.message_language = r.one_of("message_language", message_languages, false);
    c.contact_email =
        contact_change(r, "contact_email", [&] { return read_email(r, "contact_email", true); });
    c.contact_phone =
        contact_change(r, "contact_phone", [&] { return read_phone(r, "contact_phone", true, s.phones); });
    r.done();
    const auto now = s.clk.now_s();
    auto job = [id, c, now, who = actor_of(ctx)](SQLite::Database& db) {
        domain::update_partner(db, id, c, now, who);
        return json::value_from(domain::load_partner(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
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
    } else if (r.has("partner_id") && !r.is_null("partner_id")) {
        partner = r.text("partner_id", {1, 64});
    } else {
        r.accept("partner_id");  // staff without a partner: the city runs it
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
    in.partner_id = partner;
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
    bool share_phone = false;
    if (cancel) {
        no_fields(ctx);
    } else if (!ctx.req.body().empty()) {
        // The volunteer's agreement that the organiser sees their phone number (never implied).
        body_reader r(ctx.json_body());
        share_phone = r.boolean("share_phone", false).value_or(false);
        r.done();
    }
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, v = *vol, cancel, share_phone, now, who](SQLite::Database& db) {
        auto c = cancel ? domain::cancel_signup(db, id, v, now, who)
                        : domain::signup_collective(db, id, v, share_phone, now, who);
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
        managed_collective(db, id, scope);
        domain::cancel_collective(db, id, now, who);
        return json::value_from(domain::load_collective(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

/// The places held, as the organiser may see them: a partner gets the first name and, only when the volunteer
/// agreed, the phone; staff get the full name and the phone (they dispatch volunteers anyway).
json::value signups_json(const std::vector<domain::collective_signup_record>& items, bool staff) {
    json::array out;
    for (const auto& r : items) {
        const bool phone = staff || r.share_phone;
        out.push_back(
            json::object{{"volunteer_id", r.volunteer_id},
                         {"first_name", r.first_name},
                         {"last_name", staff ? json::value(r.last_name) : json::value(nullptr)},
                         {"phone", phone ? json::value(r.phone) : json::value(nullptr)},
                         {"phone_shared", r.share_phone},
                         {"signed_up_at", time_json(r.signed_up_at)},
                         {"attended", r.attended ? json::value(*r.attended) : json::value(nullptr)}});
    }
    return json::object{{"items", std::move(out)}};
}

/// The volunteers whose names (and numbers) a read shows, for the audit log.
std::vector<std::pair<std::string, std::string>> signup_subjects(const json::value& body) {
    std::vector<std::pair<std::string, std::string>> subjects;
    const auto& items = body.at("items").as_array();
    for (const auto& e : items)
        subjects.emplace_back("volunteer", std::string(e.at("volunteer_id").as_string()));
    return subjects;
}

awaitable_response list_signups(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto scope = partner_scope(ctx);
    const bool staff = is_staff(ctx);
    auto job = [id, scope, staff](SQLite::Database& db) {
        managed_collective(db, id, scope);
        return signups_json(domain::list_signups(db, id), staff);
    };
    json::value body = co_await s.db.read(std::move(job));
    auto subjects = signup_subjects(body);
    if (!subjects.empty())
        co_await audit_reads(s, ctx, std::move(subjects));
    co_return ctx.json(status::ok, std::move(body));
}

awaitable_response record_attendance(const data_access& s, request_context& ctx) {
    const auto id = ctx.param("id");
    const auto scope = partner_scope(ctx);
    const bool staff = is_staff(ctx);
    if (scope) {
        // Another partner's activity is not found, whatever the body says.
        auto check = [id, scope](SQLite::Database& db) {
            managed_collective(db, id, scope);
            return true;
        };
        co_await s.db.read(std::move(check));
    }
    body_reader r(ctx.json_body());
    std::vector<domain::attendance_mark> marks;
    if (const auto* list = r.array("attendance", 1000)) {
        if (list->empty())
            r.fail("attendance", "must list at least one volunteer");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const std::string at = "attendance[" + std::to_string(i) + "]";
            const auto* o = (*list)[i].if_object();
            if (!o) {
                r.fail(at, "must be an object {volunteer_id, attended}");
                continue;
            }
            const auto* v = o->if_contains("volunteer_id");
            const auto* a = o->if_contains("attended");
            if (!v || !v->is_string() || v->as_string().empty() || v->as_string().size() > 64)
                r.fail(at + ".volunteer_id", "is required: the id of a volunteer holding a place");
            if (!a || !a->is_bool())
                r.fail(at + ".attended", "is required: true if they came, false if not");
            if (o->size() > 2)
                r.fail(at, "has fields other than volunteer_id and attended");
            if (v && v->is_string() && a && a->is_bool())
                marks.push_back({std::string(v->as_string()), a->as_bool()});
        }
    }
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, scope, staff, marks, now, who](SQLite::Database& db) {
        managed_collective(db, id, scope);
        domain::record_attendance(db, id, marks, now, who);
        return signups_json(domain::list_signups(db, id), staff);
    };
    json::value body = co_await s.db.write(std::move(job));
    co_await audit_reads(s, ctx, signup_subjects(body));
    co_return ctx.json(status::ok, std::move(body));
}

}  // namespace

void add_partner_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::get, "/api/v1/partners", {staff}, "", plain, bind(s, list_partners)});
    t.add({verb::post, "/api/v1/partners", {staff}, "PartnerCreate", plain, bind(s, create_partner)});
    t.add({verb::get, "/api/v1/partners/{id}", {staff | par}, "", plain, bind(s, get_partner)});  // partner:
                                                                                                  // own
    t.add({verb::patch, "/api/v1/partners/{id}", {staff}, "PartnerUpdate", plain, bind(s, patch_partner)});
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
    t.add({verb::get,
           "/api/v1/collective-missions/{id}/signups",
           {staff | par},
           "",
           personal,
           bind(s, list_signups)});  // partner: own
    t.add({verb::post,
           "/api/v1/collective-missions/{id}/attendance",
           {staff | par},
           "CollectiveAttendance",
           personal,
           bind(s, record_attendance)});  // partner: own
    t.add({verb::post,
           "/api/v1/collective-missions/{id}/signup",
           {vol},
           "CollectiveSignup",
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
