#include "api/body_reader.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "store/statement_cache.hpp"

#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "auth/password_links.hpp"
#include "auth/password_policy.hpp"
#include "auth/sessions.hpp"
#include "core/error.hpp"
#include "wire/request_context.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <charconv>
#include <ctime>

namespace relais::api {

namespace json = boost::json;

namespace {

std::string iso_utc(std::int64_t unix_s) {
    std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

json::object account_json(const auth::account& a) {
    json::object o{{"id", a.id}, {"email", a.email}, {"role", auth::to_string(a.r)}};
    if (!a.volunteer_id.empty())
        o["volunteer_id"] = a.volunteer_id;
    if (!a.partner_id.empty())
        o["partner_id"] = a.partner_id;
    o["created_at"] = iso_utc(a.created_at);
    o["disabled_at"] = a.disabled_at ? json::value(iso_utc(*a.disabled_at)) : json::value(nullptr);
    return o;
}

/// `limit` (1..200, default 50) and `cursor` (an opaque position: here a row sequence number).
struct page {
    int limit = 50;
    std::optional<std::int64_t> cursor;
};

/// A password link as the admin sees it, once: the page's path with the token in its fragment (a browser
/// never sends a fragment, so no server log or proxy sees the token).
json::value link_json(const auth::issued_link& l, const char* purpose, bool emailed) {
    return json::object{{"path", "/mot-de-passe#lien=" + l.token},
                        {"purpose", purpose},
                        {"expires_at", iso_utc(l.expires_at)},
                        {"emailed", emailed}};
}

/// `limit` and `cursor`; a malformed one is a 400, as on every list of the contract.
page read_page(const request_context& ctx) {
    page p;
    p.limit = limit_param(ctx);
    if (auto c = ctx.query("cursor"); c && !c->empty()) {
        std::int64_t v = 0;
        auto [ptr, ec] = std::from_chars(c->data(), c->data() + c->size(), v);
        if (ec != std::errc{} || ptr != c->data() + c->size() || v < 0)
            throw bad_request("The query parameter cursor is not a cursor returned by this list.");
        p.cursor = v;
    }
    return p;
}

void record_event(SQLite::Database& db, std::int64_t at, const std::string& actor, const std::string& user_id,
                  const char* action, const json::object& data) {
    auto ev_lease = store::prepare(db,
                                   "INSERT INTO event(at, actor, entity, entity_id, action, data) "
                                   "VALUES (?, ?, 'user', ?, ?, ?)");
    SQLite::Statement& ev = *ev_lease;
    ev.bind(1, at);
    ev.bind(2, actor);
    ev.bind(3, user_id);
    ev.bind(4, action);
    ev.bind(5, json::serialize(data));
    ev.exec();
}

boost::asio::awaitable<response> list_users(const account_services& s, request_context& ctx) {
    const page p = read_page(ctx);
    std::optional<auth::role> only;
    if (auto r = ctx.query("role")) {
        only = auth::role_from_string(*r);
        if (!only)
            throw bad_request(
                "The query parameter role must be one of: admin, coordinator, volunteer, partner.");
    }
    auto job = [after = p.cursor.value_or(0), limit = p.limit, only](SQLite::Database& db) {
        return auth::list_accounts(db, after, limit + 1, only);
    };
    std::vector<auth::account> rows = co_await s.db.read(std::move(job));
    json::array items;
    json::value next = nullptr;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (static_cast<int>(i) == p.limit) {
            next = std::to_string(rows[i - 1].seq);
            break;
        }
        items.push_back(account_json(rows[i]));
    }
    co_return ctx.json(status::ok, json::object{{"items", std::move(items)}, {"next_cursor", next}});
}

boost::asio::awaitable<response> create_user(const account_services& s, request_context& ctx) {
    const auth::principal& admin = wire::require_user(ctx);
    const json::value body = ctx.json_body();
    const auto* obj = body.if_object();
    if (!obj)
        throw validation_error({{"", "must be a JSON object"}});
    std::vector<field_error> errors;
    for (const auto& kv : *obj)
        if (kv.key() != "email" && kv.key() != "role" && kv.key() != "password" && kv.key() != "partner_id")
            errors.push_back({std::string(kv.key()), "is not a known field"});
    auto text = [&](const char* name, bool required) -> std::string {
        const auto* v = obj->if_contains(name);
        if (!v || v->is_null()) {
            if (required)
                errors.push_back({name, "is required"});
            return {};
        }
        if (!v->is_string()) {
            errors.push_back({name, "must be a string"});
            return {};
        }
        return std::string(v->get_string());
    };
    const std::string email = auth::normalize_email(text("email", true));
    const std::string role_text = text("role", true);
    // Without a password, the account gets a one-time link to choose one (the admin never knows it).
    std::string password = text("password", false);
    const bool by_link =
        password.empty() && !(obj->if_contains("password") && obj->at("password").is_string());
    const std::string partner_id = text("partner_id", false);
    if (!email.empty() && !auth::plausible_email(email))
        errors.push_back({"email", "is not a valid email address"});
    const auto r = auth::role_from_string(role_text);
    if (!role_text.empty() && !r)
        errors.push_back({"role", "must be one of admin, coordinator, partner"});
    else if (r == auth::role::volunteer)
        errors.push_back({"role", "volunteer accounts are created by volunteer registration"});
    if (r == auth::role::partner && partner_id.empty())
        errors.push_back({"partner_id", "is required for a partner account"});
    if (r && r != auth::role::partner && !partner_id.empty())
        errors.push_back({"partner_id", "is only for partner accounts"});
    if (obj->if_contains("password") && obj->at("password").is_string())
        if (auto problem = auth::password_problem(password, email))
            errors.push_back({"password", *problem});
    if (!errors.empty())
        throw validation_error(std::move(errors));

    std::string password_hash;  // empty: no password sign-in until the link is used
    if (!by_link) {
        auto hash = [pw = std::move(password)]() { return auth::hash_password(pw); };
        password_hash = co_await s.hashing.run(std::move(hash));
    }

    auth::new_account a;
    a.email = email;
    a.r = *r;
    a.password_hash = std::move(password_hash);
    a.partner_id = partner_id;
    auto insert = [a = std::move(a), by_link, emailed = s.email_enabled, actor = admin.user_id,
                   now = auth::wall_now_s()](SQLite::Database& db) {
        const std::string id = auth::insert_account(db, a, now);
        record_event(db, now, actor, id, "created", json::object{{"role", auth::to_string(a.r)}});
        json::object o = account_json(*auth::find_account(db, id));
        o["password_link"] =
            by_link ? link_json(auth::issue_password_link(db, id, auth::link_purpose::set, actor, now), "set",
                                emailed)
                    : json::value(nullptr);
        return o;
    };
    json::object created = co_await s.db.write(std::move(insert));
    co_return ctx.json(status::created, json::value(std::move(created)));
}

/// POST /api/v1/users/{id}/password-link: a reset link for someone who forgot their password (the admin
/// hands it over; their sessions end when it is used).
boost::asio::awaitable<response> issue_reset_link(const account_services& s, request_context& ctx) {
    const auth::principal& admin = wire::require_user(ctx);
    const std::string id = ctx.param("id");
    no_fields(ctx);
    auto job = [id, emailed = s.email_enabled, actor = admin.user_id,
                now = auth::wall_now_s()](SQLite::Database& db) {
        auto account = auth::find_account(db, id);
        if (!account)
            throw not_found("No such user.");
        if (account->disabled_at)
            throw conflict("This account is disabled: no password can be set for it.");
        return link_json(auth::issue_password_link(db, id, auth::link_purpose::reset, actor, now), "reset",
                         emailed);
    };
    json::value link = co_await s.db.write(std::move(job));
    co_return ctx.json(status::created, std::move(link));
}

boost::asio::awaitable<response> disable_user(const account_services& s, request_context& ctx) {
    const auth::principal& admin = wire::require_user(ctx);
    const std::string id = ctx.param("id");
    if (id == admin.user_id)
        throw conflict("You cannot disable your own account.");
    no_fields(ctx);
    auto job = [id, actor = admin.user_id, now = auth::wall_now_s()](SQLite::Database& db) {
        auto before = auth::find_account(db, id);
        if (!before)
            throw not_found("No such user.");
        if (before->disabled_at)
            throw conflict("This account is already disabled.");
        auth::disable_account(db, id, now);
        record_event(db, now, actor, id, "disabled", json::object{});
        return *auth::find_account(db, id);
    };
    auth::account after = co_await s.db.write(std::move(job));
    s.feeds.end_user(id);  // a disabled account's live feeds close now
    co_return ctx.json(status::ok, account_json(after));
}

/// POST /api/v1/users/{id}/role {role}: a staff account becomes an admin or a coordinator. Partner and
/// volunteer accounts keep theirs (they belong to an association or a registration); an admin does not change
/// their own role (another admin does), so the city always keeps one. The account's sessions end: its next
/// sign-in carries the new role.
boost::asio::awaitable<response> change_role(const account_services& s, request_context& ctx) {
    const auth::principal& admin = wire::require_user(ctx);
    const std::string id = ctx.param("id");
    body_reader r(ctx.json_body());
    static const std::vector<std::string> staff_roles{"admin", "coordinator"};
    auto role = r.one_of("role", staff_roles);
    r.done();
    if (id == admin.user_id)
        throw conflict("You cannot change your own role: another admin can.");
    auto job = [id, to = *role, actor = admin.user_id, now = auth::wall_now_s()](SQLite::Database& db) {
        auto before = auth::find_account(db, id);
        if (!before)
            throw not_found("No such user.");
        if (before->disabled_at)
            throw conflict("This account is disabled.");
        if (before->r != auth::role::admin && before->r != auth::role::coordinator)
            throw conflict("Only staff accounts (admin, coordinator) change role; a " +
                           std::string(auth::to_string(before->r)) + " account keeps its own.");
        const std::string from(auth::to_string(before->r));
        if (from != to) {
            auto q = store::prepare(db, "UPDATE users SET role = ? WHERE id = ?");
            q->bind(1, to);
            q->bind(2, id);
            q->exec();
            auth::end_user_sessions(db, id);
            record_event(db, now, actor, id, "role_changed", json::object{{"from", from}, {"to", to}});
        }
        return *auth::find_account(db, id);
    };
    auth::account after = co_await s.db.write(std::move(job));
    s.feeds.end_user(id);  // its live feeds close: they were opened under the old role
    co_return ctx.json(status::ok, account_json(after));
}

boost::asio::awaitable<response> list_audit(const account_services& s, request_context& ctx) {
    const page p = read_page(ctx);
    auto subject = ctx.query("subject_id");
    auto user = ctx.query("user_id");
    static const std::vector<std::string> actions{"read", "update", "export", "erase", "merge"};
    auto action = enum_param(ctx, "action", actions);
    const auto from = time_param(ctx, "from"), until = time_param(ctx, "until");
    // The audit rows of reads are queued without the read waiting for them (audit_reads): an empty write
    // job commits after every job queued before it, so the list shows every read answered before this call.
    auto barrier = [](SQLite::Database&) {};
    co_await s.db.write(barrier);
    auto job = [p, subject, user, action, from, until](SQLite::Database& db) {
        // Oldest first (the cursor is the last seq seen). Fixed SQL fragments only; every value is bound.
        std::string sql =
            "SELECT seq, at, user_id, role, subject_type, subject_id, action, route FROM audit_log "
            "WHERE seq > ?";
        if (subject)
            sql += " AND subject_type IN ('resident', 'volunteer') AND subject_id = ?";
        if (user)
            sql += " AND user_id = ?";
        if (action)
            sql += " AND action = ?";
        if (from)
            sql += " AND at >= ?";
        if (until)
            sql += " AND at < ?";
        sql += " ORDER BY seq LIMIT ?";
        auto q_lease = store::prepare(db, sql);
        SQLite::Statement& q = *q_lease;
        int i = 1;
        q.bind(i++, p.cursor.value_or(0));
        if (subject)
            q.bind(i++, *subject);
        if (user)
            q.bind(i++, *user);
        if (action)
            q.bind(i++, *action);
        if (from)
            q.bind(i++, static_cast<std::int64_t>(*from));
        if (until)
            q.bind(i++, static_cast<std::int64_t>(*until));
        q.bind(i++, p.limit + 1);
        json::array items;
        json::value next = nullptr;
        std::int64_t last_seq = 0;
        while (q.executeStep()) {
            if (static_cast<int>(items.size()) == p.limit) {
                next = std::to_string(last_seq);
                break;
            }
            last_seq = q.getColumn(0).getInt64();
            items.push_back(json::object{{"seq", last_seq},
                                         {"at", iso_utc(q.getColumn(1).getInt64())},
                                         {"user_id", q.getColumn(2).getString()},
                                         {"role", q.getColumn(3).getString()},
                                         {"subject_type", q.getColumn(4).getString()},
                                         {"subject_id", q.getColumn(5).getString()},
                                         {"action", q.getColumn(6).getString()},
                                         {"route", q.getColumn(7).getString()}});
        }
        return json::object{{"items", std::move(items)}, {"next_cursor", std::move(next)}};
    };
    json::object out = co_await s.db.read(std::move(job));
    co_return ctx.json(status::ok, out);
}

}  // namespace

void add_user_routes(wire::route_table& t, const account_services& s) {
    t.add({verb::get, "/api/v1/users", {adm}, "", plain, bind(s, list_users)});
    t.add({verb::post, "/api/v1/users", {adm}, "UserCreate", plain, bind(s, create_user)});
    t.add({verb::post, "/api/v1/users/{id}/disable", {adm}, "Empty", plain, bind(s, disable_user)});
    t.add({verb::post, "/api/v1/users/{id}/password-link", {adm}, "Empty", plain, bind(s, issue_reset_link)});
    t.add({verb::post, "/api/v1/users/{id}/role", {adm}, "UserRoleChange", plain, bind(s, change_role)});
    t.add({verb::get, "/api/v1/audit", {adm}, "", plain, bind(s, list_audit)});
}

}  // namespace relais::api
