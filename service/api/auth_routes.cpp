#include "api/body_reader.hpp"
#include "api/decode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "store/statement_cache.hpp"

#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "auth/password_links.hpp"
#include "auth/password_policy.hpp"
#include "auth/sessions.hpp"
#include "auth/setup_gate.hpp"
#include "auth/sign_in_codes.hpp"
#include "auth/throttle.hpp"
#include "auth/token.hpp"
#include "core/error.hpp"
#include "domain/city_time.hpp"
#include "domain/neighbourhood_map.hpp"
#include "domain/phone_plan.hpp"
#include "domain/programme.hpp"
#include "wire/request_checks.hpp"
#include "wire/request_context.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <algorithm>

namespace relais::api {

namespace json = boost::json;

namespace {

/// The account fields a signed-in user sees about themself (never hashes or session data).
json::object user_json(const auth::principal& p) {
    json::object u{{"id", p.user_id}, {"email", p.email}, {"role", auth::to_string(p.r)}};
    if (!p.volunteer_id.empty())
        u["volunteer_id"] = p.volunteer_id;
    if (!p.partner_id.empty())
        u["partner_id"] = p.partner_id;
    if (p.awaiting_validation)
        u["awaiting_validation"] = true;  // the web app shows the registration's status and nothing else
    return u;
}

/// The string fields `names` of a JSON object body; every missing or non-string one, and every other
/// field, is a field error.
std::vector<std::string> string_fields(const json::value& body, std::initializer_list<const char*> names) {
    const auto* obj = body.if_object();
    if (!obj)
        throw validation_error({{"", "must be a JSON object"}});
    std::vector<std::string> out;
    std::vector<field_error> errors;
    for (const auto& kv : *obj)
        if (std::none_of(names.begin(), names.end(), [&](const char* n) { return kv.key() == n; }))
            errors.push_back({std::string(kv.key()), "is not a known field"});
    for (const char* n : names) {
        const auto* v = obj->if_contains(n);
        if (!v || !v->is_string()) {
            errors.push_back({n, "is required (a string)"});
            out.emplace_back();
        } else {
            out.emplace_back(v->get_string());
        }
    }
    if (!errors.empty())
        throw validation_error(std::move(errors));
    return out;
}

auth::login_policy login_policy_of(const session_services& s) {
    return {s.login_limit, s.login_account_limit, s.login_window};
}

error wrong_credentials() {
    // The same answer for an unknown email, a wrong password, a disabled account or a withdrawn volunteer.
    return error(error_kind::unauthorized, "The email or password is not correct.");
}

/// Checks `password` against `hash` on the hashing pool, under a reservation of the sign-in throttle, and
/// counts the check (relais_password_verifications_total). A check the pool refuses (503) gives the
/// reservation back: it was no guess.
boost::asio::awaitable<bool> check_password(const session_services& s,
                                            const auth::login_throttle::ticket& ticket, std::string hash,
                                            std::string password) {
    if (password.size() > auth::max_password_bytes)
        co_return false;
    auto verify = [&stats = s.stats, hash = std::move(hash), pw = std::move(password)]() {
        stats.password_verifications.fetch_add(1);
        return auth::verify_password(hash, pw);
    };
    try {
        co_return co_await s.hashing.run(std::move(verify));
    } catch (const error& e) {
        if (e.kind() == error_kind::unavailable)
            auth::password_check_cancelled(s.logins, ticket);
        throw;
    }
}

/// Starts a session for `account` (replacing the caller's, if any) and answers as a sign-in does: the user,
/// the CSRF token and the session cookie.
boost::asio::awaitable<response> signed_in(const session_services& s, request_context& ctx,
                                           const auth::login_account& account) {
    auto start = [user_id = account.id, replaced = ctx.user ? ctx.user->session_id : std::string(),
                  now = auth::wall_now_s(), lifetime = s.session_lifetime.count(),
                  idle = s.session_idle.count()](SQLite::Database& db) {
        return auth::create_session(db, user_id, now, lifetime, idle, replaced);
    };
    auth::issued_session issued = co_await s.db.write(std::move(start));

    auth::principal p;
    p.user_id = account.id;
    p.r = account.r;
    p.email = account.email;
    p.volunteer_id = account.volunteer_id;
    p.partner_id = account.partner_id;
    p.awaiting_validation = account.awaiting_validation;
    auto res = ctx.json(status::ok, json::object{{"user", user_json(p)}, {"csrf_token", issued.csrf_token}});
    res.set(wire::bhttp::field::set_cookie, auth::session_cookie(issued.token, s.secure_cookies));
    co_return res;
}

boost::asio::awaitable<response> login(const session_services& s, request_context& ctx) {
    auto fields = string_fields(ctx.json_body(), {"email", "password"});
    const std::string email = auth::normalize_email(fields[0]);
    std::string password = std::move(fields[1]);
    const std::string account_key = auth::login_account_key(email);
    // Reserved before any slow work, atomically: a check made before the hash and a failure recorded after
    // it let thousands of simultaneous guesses through.
    const auto ticket = auth::reserve_password_check(s.logins, login_policy_of(s), account_key,
                                                     wire::client_key(ctx.client_address));

    auto find = [email](SQLite::Database& db) { return auth::find_login_account(db, email); };
    std::optional<auth::login_account> account = co_await s.db.read(std::move(find));

    // Verify against a dummy hash when the email is unknown (or the account has no password: it signs in by
    // code), so every case takes the same time.
    // Named, not a temporary in the co_await expression: GCC 12 destroys such temporaries twice.
    std::string hash = account && !account->password_hash.empty() ? account->password_hash
                                                                  : std::string(auth::dummy_password_hash());
    const bool ok = co_await check_password(s, ticket, std::move(hash), std::move(password));
    if (!ok || !account || !account->usable)
        throw wrong_credentials();
    auth::password_check_succeeded(s.logins, ticket);

    co_return co_await signed_in(s, ctx, *account);
}

/// POST /api/v1/auth/password-link {token, password}: chooses the password of the account a one-time link
/// was issued for (a new account's first password, or a reset), ends the account's other sessions and signs
/// in here. 410 for a link spent, expired, replaced by a newer one, or never issued.
boost::asio::awaitable<response> use_password_link(const session_services& s, request_context& ctx) {
    auto fields = string_fields(ctx.json_body(), {"token", "password"});
    const auto gone = [] {
        error e(
            error_kind::gone,
            "This link no longer works: it was already used, it expired, or a newer link replaced it. Ask "
            "an administrator for a new one.");
        e.type = "/problems/link-expired";
        return e;
    };
    auto find = [token = fields[0],
                 now = auth::wall_now_s()](SQLite::Database& db) -> std::optional<std::string> {
        auto id = auth::password_link_account(db, token, now);
        if (!id)
            return std::nullopt;
        return auth::find_account(db, *id)->email;
    };
    std::optional<std::string> email = co_await s.db.read(std::move(find));
    if (!email)
        throw gone();
    if (auto problem = auth::password_problem(fields[1], *email))
        throw validation_error({{"password", *problem}});
    auto hash_new = [pw = fields[1]]() { return auth::hash_password(pw); };
    std::string new_hash = co_await s.hashing.run(std::move(hash_new));
    auto redeem = [token = fields[0], h = std::move(new_hash), e = *email,
                   now = auth::wall_now_s()](SQLite::Database& db) -> std::optional<auth::login_account> {
        if (!auth::redeem_password_link(db, token, h, now))
            return std::nullopt;  // spent meanwhile by a concurrent use
        return auth::find_login_account(db, e);
    };
    std::optional<auth::login_account> account = co_await s.db.write(std::move(redeem));
    if (!account)
        throw gone();
    if (!account->usable)
        throw error(error_kind::forbidden, "This account cannot sign in.");
    co_return co_await signed_in(s, ctx, *account);
}

/// POST /api/v1/setup: the first-run setup (issue 16). The link a server prints when it starts on a database
/// with no admin sets the city up once within the hour: the first admin account (signed in here), the
/// programme's name, country, time zone and the coordination's phone, and the neighbourhoods (a GeoJSON or
/// CSV file's text, as `relais import neighbourhoods` reads it). 410 for a link that is not live;
/// 409 if an admin exists meanwhile; 422 naming each faulty field, with nothing written.
boost::asio::awaitable<response> first_setup(const session_services& s, request_context& ctx) {
    const auto now = auth::wall_now_s();
    body_reader r(ctx.json_body());
    auto token = r.text("token", {1, 200});
    if (!s.setup || !token || !s.setup->valid(*token, now)) {
        error e(error_kind::gone,
                "This setup link no longer works: it was used, it expired (an hour), or the city is set up "
                "already. Restart the server on a database without an admin for a new one.");
        e.type = "/problems/link-expired";
        throw e;
    }
    const auto email = read_email(r, "admin_email", true);
    auto password = r.text("admin_password", {1, 200});
    auto name = r.text("city_name", {2, 120});
    auto country = r.text("country", {2, 2});
    if (country && !domain::known_region(*country)) {
        r.fail("country", "must be a country code of ISO 3166, in capitals, such as FR, BE or CA");
        country.reset();
    }
    auto timezone = r.text("timezone", {1, 64});
    if (timezone && !domain::city_time::known(*timezone)) {
        r.fail("timezone",
               "must be a time zone of the IANA database, such as Europe/Paris or America/Toronto");
        timezone.reset();
    }
    auto phone = r.text("coordination_phone", {6, 30});
    // The map is required: a new database has no neighbourhood, and a request needs one.
    auto map_text = r.text("neighbourhoods_file", {1, 1 << 20, true});
    std::vector<domain::neighbourhood_shape> map;
    if (map_text) {
        const auto parsed = co_await parse_map_on_workers(s.workers, std::move(*map_text));
        if (!parsed.faults.empty()) {
            const auto& f = parsed.faults.front();
            r.fail("neighbourhoods_file",
                   f.text() + (parsed.faults.size() > 1
                                   ? " (and " + std::to_string(parsed.faults.size() - 1) + " more)"
                                   : ""));
        }
        map = parsed.items;
    }
    r.done();
    if (auto problem = auth::password_problem(*password, *email))
        throw validation_error({{"admin_password", *problem}});
    auto hash_new = [pw = *password]() { return auth::hash_password(pw); };
    std::string hash = co_await s.hashing.run(std::move(hash_new));

    domain::programme_patch p;
    p.name = name;
    p.country = country;
    p.timezone = timezone;
    p.coordination_phone = phone;
    auto job = [e = *email, h = std::move(hash), p, map = std::move(map), now](SQLite::Database& db) {
        auto admins =
            store::prepare(db, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL");
        admins->executeStep();
        if (admins->getColumn(0).getInt() > 0)
            throw conflict("This city is set up already: sign in as its admin.");
        admins->reset();
        auth::new_account a;
        a.email = e;
        a.r = auth::role::admin;
        a.password_hash = h;
        const std::string id = auth::insert_account(db, a, now);
        const domain::actor who{id, "admin"};
        domain::append_event(db, now, who,
                             {"user", id, "created", std::nullopt, std::nullopt, std::nullopt,
                              json::object{{"role", "admin"}, {"by", "setup"}}});
        domain::patch_programme(db, p, now, who);
        domain::import_neighbourhoods(db, map, now, who);
        return auth::find_login_account(db, e);
    };
    std::optional<auth::login_account> account = co_await s.db.write(std::move(job));
    s.setup->spend(*token, now);
    s.phones.set_region(*country);  // numbers typed from now on are the city's
    if (!account)
        throw error(error_kind::unavailable, "The account was made but could not be read back; sign in.");
    co_return co_await signed_in(s, ctx, *account);
}

boost::asio::awaitable<response> logout(const session_services& s, request_context& ctx) {
    no_fields(ctx);
    auto end = [hash = wire::require_user(ctx).session_id](SQLite::Database& db) {
        auth::end_session(db, hash);
        return true;
    };
    co_await s.db.write(std::move(end));
    s.feeds.end_session(wire::require_user(ctx).session_id);  // its live feeds close now
    auto res = ctx.empty(status::no_content);
    res.set(wire::bhttp::field::set_cookie, auth::cleared_session_cookie(s.secure_cookies));
    co_return res;
}

boost::asio::awaitable<response> change_password(const session_services& s, request_context& ctx) {
    auto fields = string_fields(ctx.json_body(), {"current_password", "new_password"});
    const auth::principal me = wire::require_user(ctx);
    if (auto problem = auth::password_problem(fields[1], me.email))
        throw validation_error({{"new_password", *problem}});
    // Guessing the current password through a stolen session counts like failed logins.
    const std::string account_key = auth::login_account_key(me.email);
    const auto ticket = auth::reserve_password_check(s.logins, login_policy_of(s), account_key,
                                                     wire::client_key(ctx.client_address));

    auto read_hash = [id = me.user_id](SQLite::Database& db) { return auth::password_hash_of(db, id); };
    std::optional<std::string> current_hash = co_await s.db.read(std::move(read_hash));
    if (!current_hash)
        throw error(error_kind::unauthorized, "Sign in first.");
    if (current_hash->empty()) {
        // An account registered without a password (signed in by code) sets its first one: nothing to check.
        auth::password_check_cancelled(s.logins, ticket);
    } else {
        const bool ok = co_await check_password(s, ticket, std::move(*current_hash), std::move(fields[0]));
        if (!ok)
            throw validation_error({{"current_password", "is not correct"}});
        auth::password_check_succeeded(s.logins, ticket);
    }
    auto hash_new = [pw = fields[1]]() { return auth::hash_password(pw); };
    std::string new_hash = co_await s.hashing.run(std::move(hash_new));

    auto store = [id = me.user_id, keep = me.session_id, h = std::move(new_hash),
                  now = auth::wall_now_s()](SQLite::Database& db) {
        auth::set_password_hash(db, id, h, now);
        const int ended = auth::end_user_sessions(db, id, keep);
        auto ev_lease = store::prepare(db,
                                       "INSERT INTO event(at, actor, entity, entity_id, action, data) "
                                       "VALUES (?, ?, 'user', ?, 'password_changed', ?)");
        SQLite::Statement& ev = *ev_lease;
        ev.bind(1, now);
        ev.bind(2, id);
        ev.bind(3, id);
        ev.bind(4, json::serialize(json::object{{"other_sessions_ended", ended}}));
        ev.exec();
        return ended;
    };
    co_await s.db.write(std::move(store));
    s.feeds.end_user(me.user_id, me.session_id);  // the live feeds of the sessions just ended close
    co_return ctx.empty(status::no_content);
}

/// Where a sign-in code goes or was sent: exactly one of an email address and a phone number.
auth::code_address read_code_address(body_reader& r, const session_services& s) {
    auto email = read_email(r, "email", false);
    auto phone = read_phone(r, "phone", false, s.phones);
    if (r.has("email") == r.has("phone"))
        r.fail("email", "give either an email address or a phone number");
    else if (r.has("email") && !s.email_codes)
        r.fail("email", "codes by email are not available on this server (no email configured)");
    else if (r.has("phone") && !s.sms_codes)
        r.fail("phone", "codes by text message are not available on this server (no SMS configured)");
    if (email)
        return {auth::code_address::kind::email, *email};
    return {auth::code_address::kind::phone, phone.value_or("")};
}

constexpr const char* code_sent =
    "If this address or number belongs to a volunteer's account, a code valid for 10 minutes is on its way.";

boost::asio::awaitable<response> request_code(const session_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    const auto to = read_code_address(r, s);
    r.done();
    auto issue = [to, now = s.clk.now_s()](SQLite::Database& db) {
        return auth::issue_sign_in_code(db, to, now);
    };
    co_await s.db.write(std::move(issue));  // whether one went out is not said: the answer is the same
    co_return ctx.json(status::accepted, json::object{{"message", code_sent}});
}

boost::asio::awaitable<response> check_code(const session_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    std::optional<auth::code_address> to;
    std::optional<std::string> code, link;
    if (r.has("link")) {
        link = r.secret("link");
    } else {
        to = read_code_address(r, s);
        code = r.text("code", {1, 12});
    }
    r.done();
    // Committed either way: a wrong code uses up one of its tries.
    auto check = [to, code, link, now = s.clk.now_s()](SQLite::Database& db) {
        return link ? auth::check_sign_in_link(db, *link, now)
                    : auth::check_sign_in_code(db, *to, *code, now);
    };
    const auth::code_check checked = co_await s.db.write(std::move(check));
    if (!checked.account)
        throw error(
            error_kind::unauthorized,
            "The code is not correct, has expired or was tried too often. Ask for a new one if needed.");
    co_return co_await signed_in(s, ctx, *checked.account);
}

}  // namespace

void add_auth_routes(wire::route_table& t, const session_services& s) {
    t.add({verb::post, "/api/v1/auth/login", {pub, no_session_csrf}, "LoginRequest", plain, bind(s, login)});
    t.add({verb::get,
           "/api/v1/auth/methods",
           {pub},
           "",
           plain,
           [email = s.email_codes,
            sms = s.sms_codes](request_context& ctx) -> boost::asio::awaitable<response> {
               co_return ctx.json(status::ok,
                                  json::object{{"password", true}, {"email_code", email}, {"sms_code", sms}});
           }});
    // Codes and links are secrets tried by the unknown: the public forms' limit per address.
    t.add({verb::post,
           "/api/v1/auth/code",
           {pub, no_session_csrf, auth::limit_by::form},
           "SignInCodeRequest",
           plain,
           bind(s, request_code)});
    t.add({verb::post,
           "/api/v1/auth/code/check",
           {pub, no_session_csrf, auth::limit_by::form},
           "SignInCodeCheck",
           plain,
           bind(s, check_code)});
    t.add({verb::post,
           "/api/v1/auth/password-link",
           {pub, no_session_csrf, auth::limit_by::form},
           "PasswordLinkUse",
           plain,
           bind(s, use_password_link)});
    t.add({verb::post, "/api/v1/auth/logout", {any, unvalidated}, "Empty", plain, bind(s, logout)});
    t.add({verb::post,
           "/api/v1/setup",
           {pub, no_session_csrf, auth::limit_by::form},
           "SetupRequest",
           plain,
           bind(s, first_setup)});
    t.add({verb::post,
           "/api/v1/me/password",
           {any, unvalidated},
           "PasswordChange",
           plain,
           bind(s, change_password)});
    t.add({verb::get,
           "/api/v1/me",
           {any, unvalidated},
           "",
           plain,
           [](request_context& ctx) -> boost::asio::awaitable<response> {
               co_return ctx.json(status::ok, json::object{{"user", user_json(wire::require_user(ctx))}});
           }});
}

}  // namespace relais::api
