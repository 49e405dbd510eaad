#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/mission_view.hpp"
#include "api/routes.hpp"
#include "auth/password.hpp"
#include "auth/password_policy.hpp"
#include "auth/sign_in_codes.hpp"
#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/missions.hpp"
#include "domain/phone_plan.hpp"
#include "domain/resident_search.hpp"
#include "domain/time_format.hpp"
#include "notify/inbound_sms.hpp"
#include "notify/outbox.hpp"
#include "notify/preferences.hpp"
#include "store/statement_cache.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

const std::vector<std::string> volunteer_statuses{"registered", "active", "paused", "withdrawn"};

constexpr const char* registration_received =
    "Thank you: if this address can be registered, your registration is recorded and the coordination will "
    "contact you.";

domain::volunteer_patch read_volunteer_patch(body_reader& r, bool staff, const domain::phone_plan& phones) {
    domain::volunteer_patch p;
    if (staff) {
        p.first_name = r.text("first_name", name_rule, false);
        p.last_name = r.text("last_name", name_rule, false);
        p.email = read_email(r, "email", false);
    }
    p.phone = read_phone(r, "phone", false, phones);
    p.neighbourhood = r.text("neighbourhood", {1, 40}, false);
    r.accept("location");  // null (clear it) is a known value too
    if (r.has("location"))
        p.location = r.is_null("location") ? std::optional<domain::geo>() : read_location(r, "location");
    p.skills = read_codes(r, "skills", 20, false, false);
    p.availability = read_availability(r, "availability", false);
    p.languages = read_codes(r, "languages", 10, false, true);
    if (auto m = r.integer("max_missions_per_week", 1, 14, false))
        p.max_missions_per_week = static_cast<int>(*m);
    r.done();
    return p;
}

awaitable_response register_volunteer(const account_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    domain::volunteer_input in;
    auto first = r.text("first_name", name_rule);
    auto last = r.text("last_name", name_rule);
    auto email = read_email(r, "email", true);
    auto phone = read_phone(r, "phone", true, s.phones);
    // Byte for byte, like login: a trimmed "phrase " registered a password its owner could not sign in with.
    // Optional: without one, the volunteer signs in by code (and may set a password later).
    auto password = r.secret("password", false);
    if (password)
        if (auto problem = auth::password_problem(*password, email.value_or("")))
            r.fail("password", *problem);
    auto neighbourhood = r.text("neighbourhood", {1, 40});
    in.location = read_location(r, "location");
    auto skills = read_codes(r, "skills", 20, true, false);
    auto availability = read_availability(r, "availability", true);
    auto languages = read_codes(r, "languages", 10, false, true);
    auto max = r.integer("max_missions_per_week", 1, 14, false);
    in.charter_version = r.text("charter_version", {1, 40}, false);
    auto consent = r.boolean("consent");
    if (consent && !*consent)
        r.fail("consent", "must be true: we need your agreement to keep your details");
    if (skills && skills->empty())
        r.fail("skills", "must name at least one kind of mission");
    r.done();
    in.first_name = *first;
    in.last_name = *last;
    in.email = *email;
    in.phone = *phone;
    in.neighbourhood = *neighbourhood;
    in.skills = *skills;
    in.availability = *availability;
    in.languages = languages && !languages->empty() ? *languages : std::vector<std::string>{"fr"};
    in.max_missions_per_week = static_cast<int>(max.value_or(2));

    // Hashed whether or not the email is known, so both answers take the same time. No password: no hash
    // (the account has none; the cost of a registration is then a write).
    std::string hash;
    if (password) {
        auto hash_job = [pw = *password] { return auth::hash_password(pw); };
        hash = co_await s.hashing.run(std::move(hash_job));
    }
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    std::function<std::pair<status, json::value>(SQLite::Database&)> work = [in, hash, now,
                                                                             who](SQLite::Database& db) {
        // An email that already has an account gets the answer of a new one, and nothing is written: the
        // form must not tell anyone who is registered (coordinators' emails included). The id then names
        // nothing; it has the shape of a real one so that the two answers cannot be told apart.
        std::string id;
        try {
            id = domain::register_volunteer(db, in, hash, now, who);
            // Without a password the email is the account's only key: it is confirmed by a link
            // (auth/sign_in_codes.hpp), sent with this commit. (With one, the coordinators' validation and
            // the first code received by email confirm it.)
            auto user = store::prepare(db, "SELECT id FROM users WHERE volunteer_id = ?");
            user->bind(1, id);
            if (hash.empty() && user->executeStep()) {
                const std::string user_id = user->getColumn(0).getString();
                user->reset();
                auth::issue_email_confirmation(db, user_id, now);
            }
        } catch (const error& e) {
            if (e.type != domain::email_taken_type)
                throw;
            id = domain::new_id("vol");
        }
        return std::pair{
            status::created,
            json::value{{"id", id}, {"status", "registered"}, {"message", registration_received}}};
    };
    co_return co_await idempotent_create(s, ctx, std::move(work));
}

awaitable_response list_volunteers(const account_services& s, request_context& ctx) {
    domain::volunteer_filter f;
    f.status = enum_param(ctx, "status", volunteer_statuses);
    f.neighbourhood = ctx.query("neighbourhood");
    f.skill = ctx.query("skill");
    f.limit = limit_param(ctx);
    f.after_seq = seq_cursor(ctx);
    auto job = [f](SQLite::Database& db) {
        domain::page_info page;
        auto items = domain::list_volunteers(db, f, page);
        // The list shows names, emails and phones: each volunteer listed is a read, like GET
        // /volunteers/{id}.
        std::vector<std::pair<std::string, std::string>> seen;
        for (const auto& v : items)
            seen.emplace_back("volunteer", v.id);
        return std::pair{std::move(seen), json::value(page_json(items, page))};
    };
    auto [seen, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(seen));
    co_return ctx.json(status::ok, body);
}

awaitable_response search_volunteers(const account_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    const auto q = r.text("q", {1, 200});
    const int limit = static_cast<int>(r.integer("limit", 1, 50, false).value_or(20));
    r.done();
    auto job = [s, q = *q, limit](SQLite::Database& db) {
        std::vector<std::pair<std::string, std::string>> seen;
        json::array items;
        for (const auto& m : domain::search_volunteers(db, q, s.phones, limit)) {
            seen.emplace_back("volunteer", m.id);
            json::array on;
            for (const auto& o : m.matched_on)
                on.emplace_back(o);
            items.push_back(json::object{{"volunteer", json::value_from(domain::load_volunteer(db, m.id))},
                                         {"matched_on", std::move(on)}});
        }
        return std::pair{std::move(seen), json::value(json::object{{"items", std::move(items)}})};
    };
    auto [seen, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(seen));
    co_return ctx.json(status::ok, body);
}

awaitable_response get_volunteer(const account_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    require_self_or_staff(ctx, id);
    auto job = [id](SQLite::Database& db) { return json::value_from(domain::load_volunteer(db, id)); };
    auto body = co_await s.db.read(std::move(job));
    std::vector<std::pair<std::string, std::string>> subjects{{"volunteer", id}};
    co_await audit_reads(s, ctx, std::move(subjects));
    co_return ctx.json(status::ok, body);
}

awaitable_response patch_volunteer(const account_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    auto p = read_volunteer_patch(r, true, s.phones);
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [&ctx, id, p, now, who](SQLite::Database& db) {
        const std::string before = p.email ? domain::load_volunteer(db, id).email : std::string();
        domain::patch_volunteer(db, id, p, now, who);
        // A new address is confirmed by its owner, as at registration: a link goes to it with this commit.
        if (p.email && *p.email != before)
            auth::confirm_changed_email(db, id, now);
        audit(db, ctx, "volunteer", id, "update", now);
        return json::value_from(domain::load_volunteer(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

/// activate / pause / resume / withdraw share this shape: check ownership, run one domain transition.
template <class Apply>
awaitable_response lifecycle(const account_services& s, request_context& ctx, Apply apply, bool own_allowed) {
    const auto id = ctx.param("id");
    if (own_allowed)
        require_self_or_staff(ctx, id);
    no_fields(ctx);
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, now, who, apply](SQLite::Database& db) {
        apply(db, id, now, who);
        auto v = domain::load_volunteer(db, id);
        return json::value{{"id", v.id}, {"status", v.status}};
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response withdraw(const account_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    require_self_or_staff(ctx, id);
    body_reader r(ctx.json_body());
    auto reason = r.one_of("reason", domain::withdrawal_reasons);
    auto note = r.text("note", note_rule, false);
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, reason = *reason, note, now, who](SQLite::Database& db) {
        domain::withdraw_volunteer(db, id, reason, note, now, who);
        return json::value{{"id", id}, {"status", "withdrawn"}};
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response refuse(const account_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    auto reason = r.text("reason", {3, 1000, true});
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, reason = *reason, now, who](SQLite::Database& db) {
        domain::refuse_applicant(db, id, reason, now, who);
        return json::value{{"id", id}, {"status", "withdrawn"}};
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response volunteer_missions(const account_services& s, request_context& ctx) {
    domain::mission_filter f;
    f.volunteer_id = ctx.param("id");
    f.status =
        enum_param(ctx, "status",
                   {"proposed", "accepted", "declined", "done", "missed", "cancelled", "dropped", "expired"});
    f.limit = limit_param(ctx);
    f.after_seq = seq_cursor(ctx);
    // Named and moved in, not a temporary of the co_await expression (GCC 12 may destroy those twice).
    std::function<void(SQLite::Database&)> exists = [id = *f.volunteer_id](SQLite::Database& db) {
        domain::load_volunteer(db, id);  // 404 for an unknown volunteer rather than an empty list
    };
    co_return co_await answer_mission_list(s, ctx, std::move(f), std::move(exists));
}

std::string clock_text(int minutes) {
    const char out[] = {static_cast<char>('0' + minutes / 600), static_cast<char>('0' + minutes / 60 % 10),
                        ':', static_cast<char>('0' + minutes % 60 / 10),
                        static_cast<char>('0' + minutes % 10)};
    return std::string(out, sizeof out);
}

/// "HH:MM" as minutes after midnight; nullopt if malformed.
std::optional<int> minutes_of(const std::string& t) {
    if (t.size() != 5 || t[2] != ':' || !std::isdigit(static_cast<unsigned char>(t[0])) ||
        !std::isdigit(static_cast<unsigned char>(t[1])) || !std::isdigit(static_cast<unsigned char>(t[3])) ||
        !std::isdigit(static_cast<unsigned char>(t[4])))
        return std::nullopt;
    const int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
    if (h > 23 || m > 59)
        return std::nullopt;
    return h * 60 + m;
}

json::value preferences_json(SQLite::Database& db, const std::string& id, const account_services& s) {
    const auto p = notify::load_preferences(db, id);
    const auto v = domain::load_volunteer(db, id);
    json::array channels;
    for (const auto& c : p.channels)
        channels.emplace_back(c);
    const bool mobile = domain::line_type_of(v.phone) == domain::line_type::mobile;
    return json::object{{"channels", std::move(channels)},
                        {"quiet_hours", json::object{{"from", clock_text(p.quiet_from)},
                                                     {"until", clock_text(p.quiet_until)}}},
                        {"optional_messages", p.optional_messages},
                        {"language", p.language.empty() ? json::value(nullptr) : json::value(p.language)},
                        {"email_enabled", s.email_enabled},
                        {"sms_enabled", s.sms_enabled},
                        {"mobile", mobile},
                        {"texts_stopped", notify::opted_out(db, v.phone)}};
}

awaitable_response get_my_preferences(const account_services& s, request_context& ctx) {
    auto job = [id = own_volunteer_id(ctx), s](SQLite::Database& db) { return preferences_json(db, id, s); };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response put_my_preferences(const account_services& s, request_context& ctx) {
    const auto id = own_volunteer_id(ctx);
    body_reader r(ctx.json_body());
    notify::contact_preferences p;
    p.channels.clear();
    if (const auto* list = r.array("channels", 2)) {
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto c = r.element_text("channels", i, (*list)[i], {3, 5});
            if (!c)
                continue;
            if (*c != "sms" && *c != "email")
                r.fail("channels", "each channel is sms or email");
            else if (std::find(p.channels.begin(), p.channels.end(), *c) != p.channels.end())
                r.fail("channels", "a channel appears once");
            else
                p.channels.push_back(*c);
        }
        if (list->empty())
            r.fail("channels", "at least one channel: sms or email");
    }
    if (auto q = r.object("quiet_hours")) {
        for (const char* key : {"from", "until"}) {
            auto t = q->text(key, {5, 5});
            const auto m = t ? minutes_of(*t) : std::nullopt;
            if (t && !m)
                q->fail(key, "must be a time like 21:00");
            if (m)
                (std::string_view(key) == "from" ? p.quiet_from : p.quiet_until) = *m;
        }
        q->check_unknown();
    }
    p.optional_messages = r.boolean("optional_messages").value_or(true);
    // Absent or null: the first of the languages they speak that has texts.
    p.language = r.one_of("language", message_languages, false).value_or("");
    r.done();
    const auto now = s.clk.now_s();
    auto job = [id, p, now, who = actor_of(ctx), s](SQLite::Database& db) {
        notify::save_preferences(db, id, p, now, who);
        return preferences_json(db, id, s);
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

json::value coordinator_preferences_json(const notify::coordinator_preferences& p) {
    return json::object{{"language", p.language}, {"morning_digest", p.morning_digest}};
}

awaitable_response get_my_coordinator_preferences(const account_services& s, request_context& ctx) {
    auto job = [id = wire::require_user(ctx).user_id](SQLite::Database& db) {
        return coordinator_preferences_json(notify::load_coordinator_preferences(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response put_my_coordinator_preferences(const account_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    notify::coordinator_preferences p;
    p.language = r.one_of("language", message_languages).value_or("fr");
    p.morning_digest = r.boolean("morning_digest").value_or(true);
    r.done();
    const auto now = s.clk.now_s();
    auto job = [id = wire::require_user(ctx).user_id, p, now, who = actor_of(ctx)](SQLite::Database& db) {
        notify::save_coordinator_preferences(db, id, p, now, who);
        return coordinator_preferences_json(notify::load_coordinator_preferences(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response get_me_volunteer(const account_services& s, request_context& ctx) {
    const auto id = own_volunteer_id(ctx);
    auto job = [id](SQLite::Database& db) { return json::value_from(domain::load_volunteer(db, id)); };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response patch_me_volunteer(const account_services& s, request_context& ctx) {
    const auto id = own_volunteer_id(ctx);
    body_reader r(ctx.json_body());
    // A volunteer updates their phone, neighbourhood, location, skills, availability, languages and weekly
    // maximum; their identity and email are changed by a coordinator.
    auto p = read_volunteer_patch(r, false, s.phones);
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, p, now, who](SQLite::Database& db) {
        domain::patch_volunteer(db, id, p, now, who);
        return json::value_from(domain::load_volunteer(db, id));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

/// The volunteer asks again for the link that confirms their email (the first may be lost or expired).
awaitable_response resend_my_email_confirmation(const account_services& s, request_context& ctx) {
    if (!s.email_enabled)
        throw error(error_kind::conflict, "Email is not available on this server: no link can be sent.");
    const auto user_id = wire::require_user(ctx).user_id;
    auto job = [user_id, now = s.clk.now_s()](SQLite::Database& db) {
        return auth::resend_email_confirmation(db, user_id, now);
    };
    switch (co_await s.db.write(std::move(job))) {
        case auth::resend::already_confirmed:
            throw error(error_kind::conflict, "Your email address is already confirmed.");
        case auth::resend::too_soon: {
            error e(error_kind::too_many_requests,
                    "Several links were sent in the last hour: look for them in your mailbox (and its spam "
                    "folder), or try again later.");
            e.retry_after = std::chrono::hours(1);  // at most: the oldest of them leaves the hour's count
            throw e;
        }
        case auth::resend::sent:
            break;
    }
    co_return ctx.json(status::accepted,
                       json::object{{"message", "A link to confirm your email address is on its way."}});
}

}  // namespace

void add_volunteer_routes(wire::route_table& t, const account_services& s) {
    t.add({verb::post,
           "/api/v1/volunteers",
           {pub, 0, auth::limit_by::form},
           "VolunteerRegistration",
           plain,
           bind(s, register_volunteer)});
    t.add({verb::get, "/api/v1/volunteers", {staff}, "", personal, bind(s, list_volunteers)});
    t.add({verb::post,
           "/api/v1/volunteers/search",
           {staff},
           "ResidentSearch",
           personal,
           bind(s, search_volunteers)});
    t.add({verb::get,
           "/api/v1/volunteers/{id}",
           {staff | vol, unvalidated},
           "",
           personal,
           bind(s, get_volunteer)});  // volunteer: own
    t.add({verb::patch,
           "/api/v1/volunteers/{id}",
           {staff},
           "VolunteerUpdate",
           personal,
           bind(s, patch_volunteer)});
    t.add({verb::post,
           "/api/v1/volunteers/{id}/withdraw",
           {staff | vol, unvalidated},
           "VolunteerWithdrawal",
           plain,
           bind(s, withdraw)});  // volunteer: own
    t.add(
        {verb::post, "/api/v1/volunteers/{id}/refuse", {staff}, "VolunteerRefusal", plain, bind(s, refuse)});
    t.add(
        {verb::get, "/api/v1/volunteers/{id}/missions", {staff}, "", personal, bind(s, volunteer_missions)});
    t.add({verb::get, "/api/v1/me/volunteer", {vol, unvalidated}, "", plain, bind(s, get_me_volunteer)});
    t.add({verb::post,
           "/api/v1/me/email-confirmation",
           {vol, unvalidated},
           "Empty",
           plain,
           bind(s, resend_my_email_confirmation)});
    t.add({verb::get, "/api/v1/me/preferences", {vol}, "", plain, bind(s, get_my_preferences)});
    t.add({verb::put,
           "/api/v1/me/preferences",
           {vol},
           "ContactPreferences",
           plain,
           bind(s, put_my_preferences)});
    t.add({verb::get,
           "/api/v1/me/coordinator-preferences",
           {staff},
           "",
           plain,
           bind(s, get_my_coordinator_preferences)});
    t.add({verb::put,
           "/api/v1/me/coordinator-preferences",
           {staff},
           "CoordinatorPreferences",
           plain,
           bind(s, put_my_coordinator_preferences)});
    t.add({verb::patch,
           "/api/v1/me/volunteer",
           {vol, unvalidated},
           "VolunteerSelfUpdate",
           personal,
           bind(s, patch_me_volunteer)});
    t.add(
        {verb::post, "/api/v1/volunteers/{id}/activate", {staff}, "Empty", plain, [s](request_context& ctx) {
             return lifecycle(s, ctx, domain::activate_volunteer, false);
         }});
    t.add({verb::post,
           "/api/v1/volunteers/{id}/pause",
           {staff | vol},
           "Empty",
           plain,  // volunteer: own
           [s](request_context& ctx) { return lifecycle(s, ctx, domain::pause_volunteer, true); }});
    t.add({verb::post,
           "/api/v1/volunteers/{id}/resume",
           {staff | vol},
           "Empty",
           plain,  // volunteer: own
           [s](request_context& ctx) { return lifecycle(s, ctx, domain::resume_volunteer, true); }});
}

}  // namespace relais::api
