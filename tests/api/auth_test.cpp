// Black-box tests of accounts, sessions, CSRF, authorization and throttling (issue 4): the real `relais`
// binary, its `relais user add` command, and HTTP.
#include "api/support/file_text.hpp"
#include "api/support/http_client.hpp"
#include "api/support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <sys/wait.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

const std::string admin_email = "admin@example.org";
const std::string admin_password = "admin password 2026";
const std::string coord_email = "coordinator@example.org";
const std::string coord_password = "coordinator secret pass";

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

struct command_result {
    int code = -1;
    std::string out, err;
};

/// Runs `relais user add --db DB --role ROLE --email EMAIL` with `password` (plus a newline) on standard
/// input. The password goes through a file, never the command line.
command_result user_add(const std::string& db, const std::string& role, const std::string& email,
                        const std::string& password) {
    relais::testing::temp_dir tmp;
    {
        std::ofstream pw(tmp.file("pw"), std::ios::binary);
        pw << password << "\n";
    }
    const std::string cmd = std::string("'") + RELAIS_BINARY + "' user add --db '" + db + "' --role '" +
                            role + "' --email '" + email + "' < '" + tmp.file("pw") + "' > '" +
                            tmp.file("out") + "' 2> '" + tmp.file("err") + "'";
    const int rc = std::system(cmd.c_str());
    command_result r;
    r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = file_text(tmp.file("out"));
    r.err = file_text(tmp.file("err"));
    return r;
}

/// The response is an RFC 9457 problem with the given status.
void check_problem(const http_response& res, unsigned status) {
    INFO(res.describe());
    CHECK(res.status == status);
    CHECK(res.header("Content-Type") == "application/problem+json");
}

http_response login(http_client& c, const std::string& email, const std::string& password,
                    const header_list& headers = {}) {
    return c.post_json("/api/v1/auth/login", json::object{{"email", email}, {"password", password}}, headers);
}

/// Signs `c` in (cookie kept by the client's jar, CSRF token set); returns the login body.
json::object sign_in(http_client& c, const std::string& email, const std::string& password) {
    auto res = login(c, email, password);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    auto body = res.json().as_object();
    c.set_csrf(std::string(body.at("csrf_token").as_string()));
    return body;
}

std::string session_cookie_of(const http_client& c) {
    auto it = c.cookies().find("relais_session");
    return it == c.cookies().end() ? std::string() : it->second;
}

/// A database with an admin and a coordinator made by `relais user add`, and a server on it.
struct fixture {
    relais::testing::temp_dir dir;
    std::string admin_id, coord_id;
    std::unique_ptr<server_process> server;
    std::set<std::string> secrets{admin_password, coord_password};  // must never reach the log

    explicit fixture(std::vector<std::string> args = {}) {
        const std::string db = (dir.path() / "relais.db").string();
        auto a = user_add(db, "admin", admin_email, admin_password);
        REQUIRE_MESSAGE(a.code == 0, a.err);
        admin_id = a.out.substr(0, a.out.find('\n'));
        auto c = user_add(db, "coordinator", coord_email, coord_password);
        REQUIRE_MESSAGE(c.code == 0, c.err);
        coord_id = c.out.substr(0, c.out.find('\n'));
        server_options o;
        o.dir = dir.path();
        o.args = std::move(args);
        server = std::make_unique<server_process>(o);
    }

    std::uint16_t port() const { return server->port(); }

    /// Signs in and remembers the session's secrets, so the log check covers them.
    json::object sign_in(http_client& c, const std::string& email, const std::string& password) {
        auto body = ::sign_in(c, email, password);
        secrets.insert(std::string(body.at("csrf_token").as_string()));
        for (const auto& [k, v] : c.cookies())
            secrets.insert(v);
        return body;
    }

    ~fixture() {
        // No password, session token or CSRF token ever appears in the server's log (all of it: stopped
        // first, the asynchronous log writes out every line as the server exits).
        server->stop();
        const std::string log = server->log();
        for (const auto& s : secrets)
            if (!s.empty())
                CHECK_MESSAGE(!contains(log, s), "a secret reached the log");
        CHECK_FALSE(contains(log, "$argon2id"));
    }
};

}  // namespace

TEST_CASE("relais user add: prints only the new id; refuses duplicates and bad roles") {
    relais::testing::temp_dir dir;
    const std::string db = dir.file("relais.db");
    auto ok = user_add(db, "admin", "First.Admin@Example.org", admin_password);
    REQUIRE_MESSAGE(ok.code == 0, ok.err);
    CHECK(ok.out.size() == 21);
    CHECK(ok.out.starts_with("usr_"));
    CHECK_FALSE(contains(ok.out + ok.err, admin_password));

    auto dup = user_add(db, "coordinator", "first.admin@example.org", "another long password");
    CHECK(dup.code != 0);
    CHECK(contains(dup.err, "already exists"));
    CHECK(dup.out.empty());

    auto role = user_add(db, "root", "x@example.org", "another long password");
    CHECK(role.code != 0);
    CHECK(contains(role.err, "--role"));

    auto short_pw = user_add(db, "coordinator", "y@example.org", "too short");
    CHECK(short_pw.code != 0);
    CHECK(contains(short_pw.err, "12"));
    CHECK_FALSE(contains(short_pw.err, "too short"));

    // The account works: sign in on a server over that database (email compared case-insensitively).
    server_options o;
    o.dir = dir.path();
    server_process server(o);
    http_client c(server.port());
    auto res = login(c, "first.admin@example.org", admin_password);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    auto user = res.json().at("user").as_object();
    CHECK(user.at("id").as_string() == ok.out.substr(0, 20));
    CHECK(user.at("email").as_string() == "first.admin@example.org");
    CHECK(user.at("role").as_string() == "admin");
    CHECK_FALSE(contains(server.log(), admin_password));
}

TEST_CASE("login: cookie attributes, body, wrong password and unknown email alike") {
    fixture f;
    http_client c(f.port());
    auto res = login(c, admin_email, admin_password);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    const std::string set_cookie = res.header("Set-Cookie");
    CHECK(set_cookie.starts_with("relais_session="));
    CHECK(contains(set_cookie, "; HttpOnly"));
    CHECK(contains(set_cookie, "; SameSite=Strict"));
    CHECK(contains(set_cookie, "; Path=/"));
    CHECK_FALSE(contains(set_cookie, "Secure"));
    const std::string token = session_cookie_of(c);
    CHECK(token.size() == 64);  // 256 bits in hex
    f.secrets.insert(token);
    CHECK(res.header("Cache-Control") == "no-store");

    auto body = res.json().as_object();
    const std::string csrf(body.at("csrf_token").as_string());
    f.secrets.insert(csrf);
    CHECK(csrf.size() == 64);
    CHECK(csrf != token);
    auto user = body.at("user").as_object();
    CHECK(user.at("id").as_string() == f.admin_id);
    CHECK(user.at("role").as_string() == "admin");
    CHECK_FALSE(user.contains("password_hash"));
    CHECK_FALSE(contains(res.body, "argon2"));
    CHECK_FALSE(contains(res.body, token));

    // A new login gives a new token.
    http_client c2(f.port());
    f.sign_in(c2, admin_email, admin_password);
    CHECK(session_cookie_of(c2) != token);

    http_client anon(f.port());
    auto wrong = login(anon, admin_email, "not the password at all");
    check_problem(wrong, 401);
    CHECK_FALSE(wrong.has_header("Set-Cookie"));
    auto unknown = login(anon, "nobody@example.org", "not the password at all");
    check_problem(unknown, 401);
    CHECK(wrong.json().at("detail") == unknown.json().at("detail"));
    CHECK(anon.get("/api/v1/me").status == 401);

    auto missing = anon.post_json("/api/v1/auth/login", json::object{{"email", admin_email}});
    check_problem(missing, 422);
    auto extra = anon.post_json("/api/v1/auth/login",
                                json::object{{"email", admin_email}, {"password", "x"}, {"admin", true}});
    check_problem(extra, 422);
}

TEST_CASE("me, logout ends the session, a stolen cookie is useless after logout") {
    fixture f;
    http_client c(f.port());
    f.sign_in(c, coord_email, coord_password);
    const std::string token = session_cookie_of(c);

    auto me = c.get("/api/v1/me");
    INFO(me.describe());
    REQUIRE(me.status == 200);
    auto user = me.json().at("user").as_object();
    CHECK(user.at("id").as_string() == f.coord_id);
    CHECK(user.at("email").as_string() == coord_email);
    CHECK(user.at("role").as_string() == "coordinator");
    CHECK_FALSE(user.contains("volunteer_id"));

    auto out = c.post_json("/api/v1/auth/logout", json::object{});
    INFO(out.describe());
    CHECK(out.status == 204);
    CHECK(contains(out.header("Set-Cookie"), "Max-Age=0"));
    CHECK(session_cookie_of(c).empty());
    CHECK(c.get("/api/v1/me").status == 401);

    // Replaying the old cookie does not revive the session.
    http_client thief(f.port());
    thief.set_cookie("relais_session", token);
    check_problem(thief.get("/api/v1/me"), 401);
    // Garbage cookies are just "not signed in".
    thief.set_cookie("relais_session", "not-a-token");
    CHECK(thief.get("/api/v1/me").status == 401);
    CHECK(thief.get("/api/v1/categories").status == 200);
}

TEST_CASE("CSRF: unsafe requests on a session need the token and a same-origin Origin") {
    fixture f;
    http_client c(f.port());
    auto body = f.sign_in(c, admin_email, admin_password);
    const std::string csrf(body.at("csrf_token").as_string());
    const json::object new_user{
        {"email", "new.coord@example.org"}, {"role", "coordinator"}, {"password", "a fine long password"}};

    c.set_csrf("");
    check_problem(c.post_json("/api/v1/users", new_user), 403);
    check_problem(c.post_json("/api/v1/auth/logout", json::object{}), 403);
    c.set_csrf(std::string(64, 'a'));
    check_problem(c.post_json("/api/v1/users", new_user), 403);
    c.set_csrf(csrf);
    const std::string port = std::to_string(f.port());
    check_problem(c.post_json("/api/v1/users", new_user, {{"Origin", "http://evil.example"}}), 403);
    check_problem(c.post_json("/api/v1/users", new_user, {{"Origin", "null"}}), 403);
    check_problem(c.post_json("/api/v1/users", new_user, {{"Origin", "http://127.0.0.1:1"}}), 403);
    // Nothing was created by the refused calls.
    auto list = c.get_json("/api/v1/users");
    CHECK(list.at("items").as_array().size() == 2);

    auto ok = c.post_json("/api/v1/users", new_user, {{"Origin", "http://127.0.0.1:" + port}});
    INFO(ok.describe());
    CHECK(ok.status == 201);
    // Safe methods are not CSRF-checked.
    c.set_csrf("");
    CHECK(c.get("/api/v1/me").status == 200);
    // A cross-site login attempt is refused too (login CSRF).
    http_client anon(f.port());
    check_problem(login(anon, coord_email, coord_password, {{"Origin", "https://evil.example"}}), 403);
    CHECK(login(anon, coord_email, coord_password, {{"Origin", "http://127.0.0.1:" + port}}).status == 200);
}

TEST_CASE("password change: checks the current one, ends the other sessions, old password refused") {
    fixture f;
    http_client a(f.port()), b(f.port());
    f.sign_in(a, coord_email, coord_password);
    f.sign_in(b, coord_email, coord_password);
    const std::string new_password = "an entirely new passphrase";
    f.secrets.insert(new_password);

    check_problem(a.post_json("/api/v1/me/password", json::object{{"current_password", "wrong current pw"},
                                                                  {"new_password", new_password}}),
                  422);
    auto too_short = a.post_json(
        "/api/v1/me/password", json::object{{"current_password", coord_password}, {"new_password", "short"}});
    check_problem(too_short, 422);
    CHECK(contains(too_short.body, "new_password"));
    CHECK(b.get("/api/v1/me").status == 200);  // failures changed nothing

    auto ok = a.post_json("/api/v1/me/password",
                          json::object{{"current_password", coord_password}, {"new_password", new_password}});
    INFO(ok.describe());
    CHECK(ok.status == 204);
    CHECK(a.get("/api/v1/me").status == 200);
    CHECK(b.get("/api/v1/me").status == 401);

    http_client c(f.port());
    CHECK(login(c, coord_email, coord_password).status == 401);
    CHECK(login(c, coord_email, new_password).status == 200);
}

TEST_CASE("disabled accounts cannot sign in and their sessions stop at once") {
    fixture f;
    http_client admin(f.port()), coord(f.port());
    f.sign_in(admin, admin_email, admin_password);
    f.sign_in(coord, coord_email, coord_password);
    CHECK(coord.get("/api/v1/me").status == 200);

    check_problem(admin.post_json("/api/v1/users/" + f.admin_id + "/disable", json::object{}), 409);
    check_problem(admin.post_json("/api/v1/users/usr_aaaaaaaaaaaaaaaa/disable", json::object{}), 404);
    auto dis = admin.post_json("/api/v1/users/" + f.coord_id + "/disable", json::object{});
    INFO(dis.describe());
    REQUIRE(dis.status == 200);
    CHECK(dis.json().at("id").as_string() == f.coord_id);
    CHECK(dis.json().at("disabled_at").is_string());
    check_problem(admin.post_json("/api/v1/users/" + f.coord_id + "/disable", json::object{}), 409);

    CHECK(coord.get("/api/v1/me").status == 401);
    http_client again(f.port());
    check_problem(login(again, coord_email, coord_password), 401);
    // The email is free for a new account.
    auto re = admin.post_json(
        "/api/v1/users",
        json::object{{"email", coord_email}, {"role", "coordinator"}, {"password", "yet another long one"}});
    CHECK(re.status == 201);
}

TEST_CASE("users and audit: admin only, no secrets in lists, pagination") {
    fixture f;
    http_client admin(f.port()), coord(f.port()), anon(f.port());
    f.sign_in(admin, admin_email, admin_password);
    f.sign_in(coord, coord_email, coord_password);

    check_problem(anon.get("/api/v1/users"), 401);
    check_problem(coord.get("/api/v1/users"), 403);
    check_problem(coord.get("/api/v1/audit"), 403);
    check_problem(coord.post_json("/api/v1/users", json::object{{"email", "x@example.org"},
                                                                {"role", "admin"},
                                                                {"password", "a fine long password"}}),
                  403);
    check_problem(anon.get("/api/v1/audit"), 401);

    auto page1 = admin.get_json("/api/v1/users?limit=1");
    REQUIRE(page1.at("items").as_array().size() == 1);
    CHECK(page1.at("items").at(0).at("id").as_string() == f.admin_id);
    REQUIRE(page1.at("next_cursor").is_string());
    auto page2 =
        admin.get_json("/api/v1/users?limit=1&cursor=" + std::string(page1.at("next_cursor").as_string()));
    REQUIRE(page2.at("items").as_array().size() == 1);
    CHECK(page2.at("items").at(0).at("id").as_string() == f.coord_id);
    auto all = admin.get("/api/v1/users");
    CHECK_FALSE(contains(all.body, "argon2"));
    CHECK_FALSE(contains(all.body, "password"));
    auto admins = admin.get_json("/api/v1/users?role=admin");
    CHECK(admins.at("items").as_array().size() == 1);
    // A malformed query parameter is a 400, as on every list (the contract's BadRequest).
    check_problem(admin.get("/api/v1/users?limit=0"), 400);
    check_problem(admin.get("/api/v1/users?cursor=abc"), 400);
    check_problem(admin.get("/api/v1/users?role=root"), 400);

    // Creating accounts: validation, duplicates, volunteers only by registration.
    check_problem(admin.post_json("/api/v1/users", json::object{{"email", "x@example.org"},
                                                                {"role", "volunteer"},
                                                                {"password", "a fine long password"}}),
                  422);
    check_problem(admin.post_json("/api/v1/users", json::object{{"email", "x@example.org"},
                                                                {"role", "partner"},
                                                                {"password", "a fine long password"}}),
                  422);
    check_problem(
        admin.post_json("/api/v1/users",
                        json::object{{"email", "x@example.org"}, {"role", "admin"}, {"password", "short"}}),
        422);
    check_problem(admin.post_json("/api/v1/users", json::object{{"email", coord_email},
                                                                {"role", "admin"},
                                                                {"password", "a fine long password"}}),
                  409);
    auto created = admin.post_json("/api/v1/users", json::object{{"email", "Second.Admin@example.org"},
                                                                 {"role", "admin"},
                                                                 {"password", "a fine long password"}});
    INFO(created.describe());
    REQUIRE(created.status == 201);
    CHECK(created.json().at("email").as_string() == "second.admin@example.org");
    CHECK(created.json().at("disabled_at").is_null());
    // No hash, no password: with a password given, no link either.
    CHECK_FALSE(contains(created.body, "hash"));
    CHECK_FALSE(contains(created.body, "a fine long password"));
    CHECK(created.json().at("password_link").is_null());

    auto audit = admin.get_json("/api/v1/audit?limit=5");
    CHECK(audit.at("items").is_array());
    CHECK(audit.as_object().contains("next_cursor"));
    CHECK(admin.get("/api/v1/audit?user_id=" + f.coord_id + "&subject_id=res_aaaaaaaaaaaaaaaa").status ==
          200);
}

TEST_CASE("login throttling: per account and address and per client address, 429 with Retry-After") {
    // Behind a (pretend) proxy, X-Forwarded-For gives each request the client address the test chooses.
    fixture f({"--login-limit", "3", "--login-window", "60", "--behind-proxy"});
    http_client c(f.port());
    auto from = [](std::string ip) { return header_list{{"X-Forwarded-For", std::move(ip)}}; };

    SUBCASE("per account and address; failures from elsewhere never lock the owner out (issue 12)") {
        for (int i = 1; i <= 3; ++i)
            check_problem(login(c, admin_email, "wrong password number", from("203.0.113.1")), 401);
        auto blocked = login(c, admin_email, admin_password, from("203.0.113.1"));
        check_problem(blocked, 429);
        const int retry = std::stoi(blocked.header("Retry-After"));
        CHECK(retry > 0);
        CHECK(retry <= 60);
        // Failures spread over other addresses do not add up to a lockout either.
        for (int i = 2; i <= 4; ++i)
            check_problem(
                login(c, admin_email, "wrong password number", from("203.0.113." + std::to_string(i))), 401);
        CHECK(login(c, admin_email, admin_password, from("203.0.113.9")).status == 200);
        CHECK(login(c, coord_email, coord_password, from("203.0.113.10")).status == 200);
    }
    SUBCASE("per address, whatever the account") {
        for (int i = 1; i <= 3; ++i)
            check_problem(login(c, "nobody" + std::to_string(i) + "@example.org", "wrong password number",
                                from("198.51.100.7")),
                          401);
        auto blocked = login(c, coord_email, coord_password, from("198.51.100.7"));
        check_problem(blocked, 429);
        CHECK(std::stoi(blocked.header("Retry-After")) > 0);
        CHECK(login(c, coord_email, coord_password, from("198.51.100.8")).status == 200);
    }
}

TEST_CASE("without --behind-proxy, X-Forwarded-For is ignored (it cannot dodge the address limit)") {
    fixture f({"--login-limit", "2", "--login-window", "60"});
    http_client c(f.port());
    check_problem(login(c, "a@example.org", "wrong password number", {{"X-Forwarded-For", "192.0.2.1"}}),
                  401);
    check_problem(login(c, "b@example.org", "wrong password number", {{"X-Forwarded-For", "192.0.2.2"}}),
                  401);
    check_problem(login(c, coord_email, coord_password, {{"X-Forwarded-For", "192.0.2.3"}}), 429);
}

TEST_CASE(
    "public form rate limit per address and route; signed-in callers have their own, higher limits; 0 "
    "switches it off") {
    SUBCASE("limited") {
        fixture f({"--public-post-limit", "2", "--public-post-window", "60"});
        http_client anon(f.port());
        // The limit applies before the handler, so even invalid submissions count.
        CHECK(anon.post_json("/api/v1/volunteers", json::object{}).status != 429);
        CHECK(anon.post_json("/api/v1/volunteers", json::object{}).status != 429);
        auto third = anon.post_json("/api/v1/volunteers", json::object{});
        check_problem(third, 429);
        CHECK(std::stoi(third.header("Retry-After")) > 0);
        // Another route has its own budget.
        CHECK(anon.post_json("/api/v1/requests", json::object{}).status != 429);

        http_client coord(f.port());
        f.sign_in(coord, coord_email, coord_password);
        for (int i = 0; i < 4; ++i)
            CHECK(coord.post_json("/api/v1/requests", json::object{}).status != 429);
    }
    SUBCASE("off") {
        fixture f({"--public-post-limit", "0"});
        http_client anon(f.port());
        for (int i = 0; i < 40; ++i)
            CHECK(anon.post_json("/api/v1/volunteers", json::object{}).status != 429);
    }
}

TEST_CASE("session idle timeout: activity keeps it, silence ends it") {
    fixture f({"--session-idle", "3"});
    http_client c(f.port());
    f.sign_in(c, admin_email, admin_password);
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(1s);
        CHECK(c.get("/api/v1/me").status == 200);
    }
    std::this_thread::sleep_for(4500ms);
    check_problem(c.get("/api/v1/me"), 401);
}

TEST_CASE("session absolute lifetime ends even an active session") {
    fixture f({"--session-lifetime", "3"});
    http_client c(f.port());
    f.sign_in(c, admin_email, admin_password);
    CHECK(c.get("/api/v1/me").status == 200);
    std::this_thread::sleep_for(1500ms);
    CHECK(c.get("/api/v1/me").status == 200);
    std::this_thread::sleep_for(2500ms);
    CHECK(c.get("/api/v1/me").status == 401);
}

TEST_CASE("--secure-cookies: __Host- prefix and Secure") {
    fixture f({"--secure-cookies"});
    http_client c(f.port());
    auto res = login(c, admin_email, admin_password);
    REQUIRE(res.status == 200);
    const std::string sc = res.header("Set-Cookie");
    CHECK(sc.starts_with("__Host-relais_session="));
    CHECK(contains(sc, "; Secure"));
    CHECK(contains(sc, "; Path=/"));
    CHECK_FALSE(contains(sc, "Domain="));
    f.secrets.insert(c.cookies().at("__Host-relais_session"));
    CHECK(c.get("/api/v1/me").status == 200);
    // The plain name is not accepted when secure cookies are on.
    http_client d(f.port());
    d.set_cookie("relais_session", c.cookies().at("__Host-relais_session"));
    CHECK(d.get("/api/v1/me").status == 401);
}

TEST_CASE("deny by default: role checks on routes of every kind") {
    fixture f;
    http_client anon(f.port()), coord(f.port());
    f.sign_in(coord, coord_email, coord_password);
    // Anonymous: only public routes.
    CHECK(anon.get("/api/v1/categories").status == 200);
    check_problem(anon.get("/api/v1/me"), 401);
    check_problem(anon.get("/api/v1/residents"), 401);
    check_problem(anon.get("/api/v1/volunteers"), 401);
    check_problem(anon.post_json("/api/v1/missions", json::object{}), 401);
    // A coordinator: staff routes, not admin ones, not volunteer-only ones.
    CHECK(coord.get("/api/v1/volunteers").status == 200);
    check_problem(coord.send_json("PATCH", "/api/v1/programme", json::object{}), 403);
    check_problem(coord.get("/api/v1/me/missions"), 403);
    check_problem(coord.post_json("/api/v1/collective-missions/col_aaaaaaaaaaaaaaaa/signup", json::object{}),
                  403);
}

namespace {

/// One HTTPS request to 127.0.0.1:port, trusting only `ca_file`.
boost::beast::http::response<boost::beast::http::string_body> https_request(
    std::uint16_t port, const std::string& ca_file, boost::beast::http::verb method,
    const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(ca_file);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    beast::get_lowest_layer(stream).connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.handshake(asio::ssl::stream_base::client);
    beast::http::request<beast::http::string_body> req{method, target, 11};
    req.set(beast::http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [k, v] : headers)
        req.set(k, v);
    if (!body.empty())
        req.set(beast::http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    beast::http::write(stream, req);
    beast::flat_buffer buf;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(stream, buf, res);
    boost::system::error_code ec;
    stream.shutdown(ec);  // the peer may just close: not an error for this test
    return res;
}

std::uint16_t port_from_log(const std::string& log, std::string_view marker) {
    auto at = log.find(marker);
    REQUIRE(at != std::string::npos);
    auto colon = log.find(':', at + marker.size());
    REQUIRE(colon != std::string::npos);
    return static_cast<std::uint16_t>(std::stoi(log.substr(colon + 1)));
}

}  // namespace

TEST_CASE("TLS in the service: HTTPS with --tls-cert/--tls-key, Secure __Host- cookie") {
    relais::testing::temp_dir keys;
    const std::string cert = keys.file("cert.pem"), key = keys.file("key.pem");
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" +
        key + "' -out '" + cert + "' > /dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);

    SUBCASE("one without the other is a configuration error") {
        server_options o;
        o.args = {"--tls-cert", cert};
        o.wait_ready = false;
        server_process p(o);
        CHECK(p.wait_exit(10s) == 64);
        CHECK(contains(p.log(), "--tls-key"));
    }
    SUBCASE("an unreadable key stops the start") {
        server_options o;
        o.args = {"--tls-cert", cert, "--tls-key", keys.file("missing.pem")};
        o.wait_ready = false;
        server_process p(o);
        CHECK(p.wait_exit(10s) == 1);
    }
    SUBCASE("serves HTTPS") {
        relais::testing::temp_dir dir;
        auto a = user_add((dir.path() / "relais.db").string(), "admin", admin_email, admin_password);
        REQUIRE(a.code == 0);
        server_options o;
        o.dir = dir.path();
        o.args = {"--tls-cert", cert, "--tls-key", key};
        o.wait_ready = false;
        server_process p(o);
        REQUIRE(p.wait_for_log("listening on https://", 10s));
        const auto port = port_from_log(p.log(), "listening on https://127.0.0.1");
        namespace bhttp = boost::beast::http;

        auto health = https_request(port, cert, bhttp::verb::get, "/healthz", "", {});
        CHECK(health.result_int() == 200);
        // Served over TLS: browsers are told to use HTTPS only from now on (a year).
        CHECK(std::string(health[bhttp::field::strict_transport_security]) == "max-age=31536000");

        const std::string creds =
            json::serialize(json::object{{"email", admin_email}, {"password", admin_password}});
        auto res = https_request(port, cert, bhttp::verb::post, "/api/v1/auth/login", creds, {});
        REQUIRE(res.result_int() == 200);
        const std::string sc(res[bhttp::field::set_cookie]);
        CHECK(sc.starts_with("__Host-relais_session="));
        CHECK(contains(sc, "; Secure"));
        const std::string cookie = sc.substr(0, sc.find(';'));
        auto me = https_request(port, cert, bhttp::verb::get, "/api/v1/me", "", {{"Cookie", cookie}});
        CHECK(me.result_int() == 200);
        CHECK(contains(me.body(), admin_email));

        // Plain HTTP on the HTTPS port gets no HTTP answer.
        CHECK(
            raw_exchange(port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n", 3s).find("HTTP/1.1 200") ==
            std::string::npos);
        CHECK(p.stop() == 0);
        CHECK_FALSE(contains(p.log(), admin_password));
        CHECK_FALSE(contains(p.log(), cookie.substr(cookie.find('=') + 1)));
    }
}
