// Black-box tests of the authentication findings of the security review (issue 12): concurrent guesses,
// account lockout by others, weak passwords, volunteers awaiting validation, account enumeration through
// registration, and password hashing on a pool of its own.
#include "api/support/fixtures.hpp"
#include "api/support/http_client.hpp"
#include "api/support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

http_response login(http_client& c, const std::string& email, const std::string& password,
                    const header_list& headers = {}) {
    return c.post_json("/api/v1/auth/login", json::object{{"email", email}, {"password", password}}, headers);
}

header_list from(const std::string& address) {
    return {{"X-Forwarded-For", address}};
}

/// relais_password_verifications_total from /metrics (the test runs on loopback, which may read it).
long verifications(std::uint16_t port) {
    http_client c(port);
    auto res = c.get("/metrics");
    REQUIRE(res.status == 200);
    const std::string name = "\nrelais_password_verifications_total ";
    auto at = res.body.find(name);
    REQUIRE(at != std::string::npos);
    return std::stol(res.body.substr(at + name.size()));
}

/// Runs `call(i)` for i in [0, n) on n threads at once: each thread opens its connection first, then all
/// send together. Returns the statuses.
std::vector<http_response> at_once(std::uint16_t port, std::size_t n,
                                   const std::function<http_response(http_client&, std::size_t)>& call,
                                   const std::function<void(http_client&)>& prepare = {}) {
    std::vector<http_response> out(n);
    std::latch ready(static_cast<std::ptrdiff_t>(n));
    std::vector<std::thread> threads;
    threads.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            http_client c(port, 30s);
            c.get("/healthz");  // connected before the start
            if (prepare)
                prepare(c);
            ready.arrive_and_wait();
            try {
                out[i] = call(c, i);
            } catch (const std::exception&) {
                out[i].status = 0;
            }
        });
    for (auto& t : threads)
        t.join();
    return out;
}

std::map<unsigned, int> by_status(const std::vector<http_response>& rs) {
    std::map<unsigned, int> m;
    for (const auto& r : rs)
        ++m[r.status];
    return m;
}

std::set<std::string> keys_of(const json::value& v) {
    std::set<std::string> k;
    for (const auto& kv : v.as_object())
        k.insert(std::string(kv.key()));
    return k;
}

/// A server with one coordinator account (made by `relais user add`), started with `args`.
struct one_account {
    relais::testing::temp_dir dir;
    std::unique_ptr<server_process> server;

    explicit one_account(std::vector<std::string> args) {
        auto r =
            relais_user_add(dir.file("relais.db"), "coordinator", coordinator_email, coordinator_password);
        REQUIRE_MESSAGE(r.code == 0, r.err);
        server_options o;
        o.dir = dir.path();
        o.args = std::move(args);
        server = std::make_unique<server_process>(o);
    }
    std::uint16_t port() const { return server->port(); }
};

}  // namespace

TEST_CASE("issue 12: 200 simultaneous wrong logins: at most --login-limit reach the password check") {
    one_account s({"--login-limit", "5", "--login-window", "900"});
    const long before = verifications(s.port());
    auto rs = at_once(s.port(), 200, [](http_client& c, std::size_t i) {
        return login(c, coordinator_email, "wrong guess number " + std::to_string(i));
    });
    const long checked = verifications(s.port()) - before;
    auto st = by_status(rs);
    INFO("401: " << st[401] << ", 429: " << st[429] << ", checked: " << checked);
    CHECK(checked >= 1);
    CHECK(checked <= 5);
    CHECK(st[401] == checked);
    CHECK(st[429] == 200 - st[401]);
    for (const auto& r : rs)
        if (r.status == 429)
            CHECK(std::stoi(r.header("Retry-After")) > 0);
    // The right password from this address is refused too while the window lasts.
    http_client c(s.port());
    CHECK(login(c, coordinator_email, coordinator_password).status == 429);
}

TEST_CASE("issue 12: simultaneous guesses of the current password on POST /me/password are limited alike") {
    one_account s({"--login-limit", "4", "--login-window", "900"});
    http_client owner(s.port());
    auto in = login(owner, coordinator_email, coordinator_password);
    REQUIRE(in.status == 200);
    const std::string csrf(in.json().at("csrf_token").as_string());
    const std::string cookie = owner.cookies().at("relais_session");
    const long before = verifications(s.port());
    auto rs = at_once(
        s.port(), 100,
        [](http_client& c, std::size_t i) {
            return c.post_json("/api/v1/me/password",
                               json::object{{"current_password", "wrong guess number " + std::to_string(i)},
                                            {"new_password", "a brand new passphrase for 2027"}});
        },
        [&](http_client& c) {
            c.set_cookie("relais_session", cookie);
            c.set_csrf(csrf);
        });
    const long checked = verifications(s.port()) - before;
    auto st = by_status(rs);
    INFO("422: " << st[422] << ", 429: " << st[429] << ", checked: " << checked);
    CHECK(checked >= 1);
    CHECK(checked <= 4);
    CHECK(st[422] == checked);
    CHECK(st[429] == 100 - st[422]);
}

TEST_CASE("issue 12: nobody can lock an account: wrong passwords from A, the owner signs in from B") {
    one_account s({"--login-limit", "3", "--login-window", "900", "--behind-proxy"});
    http_client c(s.port());
    const std::string attacker = "203.0.113.66", owner = "198.51.100.20";
    for (int i = 0; i < 3; ++i)
        check_problem(
            login(c, coordinator_email, "wrong password number " + std::to_string(i), from(attacker)), 401);
    check_problem(login(c, coordinator_email, "wrong password again", from(attacker)), 429);
    // The owner, from an address that never failed: signed in.
    auto ok = login(c, coordinator_email, coordinator_password, from(owner));
    INFO(ok.describe());
    CHECK(ok.status == 200);
    // The attacker's address stays blocked, even with the right password.
    auto still = login(c, coordinator_email, coordinator_password, from(attacker));
    check_problem(still, 429);
    CHECK(std::stoi(still.header("Retry-After")) > 0);
}

TEST_CASE(
    "issue 12: past --login-account-limit, addresses that failed wait growing delays; clean ones do not") {
    one_account s(
        {"--login-limit", "10", "--login-account-limit", "4", "--login-window", "900", "--behind-proxy"});
    http_client c(s.port());
    for (const char* a : {"203.0.113.1", "203.0.113.2"})
        for (int i = 0; i < 2; ++i)
            check_problem(login(c, coordinator_email, "wrong password number " + std::to_string(i), from(a)),
                          401);
    // The account has 4 failures: an address that failed twice waits (2^2 s), even with the right password.
    auto braked = login(c, coordinator_email, coordinator_password, from("203.0.113.1"));
    check_problem(braked, 429);
    const int wait = std::stoi(braked.header("Retry-After"));
    CHECK(wait >= 1);
    CHECK(wait <= 4);
    // A clean address is not braked: the owner signs in.
    CHECK(login(c, coordinator_email, coordinator_password, from("198.51.100.30")).status == 200);
}

TEST_CASE("issue 12: weak passwords are refused everywhere a password is set, never echoed") {
    test_city city;
    auto anon = city.anonymous();
    const std::string email = "marie.weak@volunteers.test";
    for (const std::string pw : {"password1234", "aaaaaaaaaaaa", "Password2024!", "1234abcd5678",
                                 "marie.weak2024", "relais2026!!"}) {
        auto body = volunteer_body(email);
        body["password"] = pw;
        auto res = anon->post_json("/api/v1/volunteers", body);
        check_problem(res, 422);
        CHECK_MESSAGE(error_fields(res) == std::vector<std::string>{"password"}, pw);
        CHECK(res.body.find(pw) == std::string::npos);
    }
    CHECK(city.staff_count("/api/v1/volunteers") == 0);

    // Staff accounts.
    auto staff = city.admin().post_json("/api/v1/users", json::object{{"email", "new.coord@relais.test"},
                                                                      {"role", "coordinator"},
                                                                      {"password", "qwertyuiop123"}});
    check_problem(staff, 422);
    CHECK(error_fields(staff) == std::vector<std::string>{"password"});
    CHECK(staff.body.find("qwertyuiop123") == std::string::npos);

    // Change of password.
    auto change = city.coordinator().post_json(
        "/api/v1/me/password",
        json::object{{"current_password", coordinator_password}, {"new_password", "abcdefghijklmnop"}});
    check_problem(change, 422);
    CHECK(error_fields(change) == std::vector<std::string>{"new_password"});

    // relais user add.
    relais::testing::temp_dir tmp;
    auto added = relais_user_add(tmp.file("other.db"), "admin", "boss@relais.test", "iloveyou2024!");
    CHECK(added.code == 65);
    CHECK(added.err.find("password") != std::string::npos);
    CHECK(added.err.find("iloveyou2024!") == std::string::npos);
    CHECK(relais_user_add(tmp.file("other.db"), "admin", "boss@relais.test", "a long and unusual phrase")
              .code == 0);
}

TEST_CASE("issue 12: passwords are taken byte for byte: what registers is what signs in") {
    test_city city;
    const std::string spaced = "  my spaced passphrase ";
    auto v = city.new_volunteer("spaced", false, json::object{{"password", spaced}});
    http_client c(city.port());
    CHECK(login(c, v.email, spaced).status == 200);
    http_client d(city.port());
    CHECK(login(d, v.email, "my spaced passphrase").status == 401);
}

TEST_CASE("issue 12: a volunteer awaiting validation signs in to see and edit their registration only") {
    test_city city;
    auto v = city.new_volunteer("waiting", false);
    http_client c(city.port());
    auto in = login(c, v.email, v.password);
    REQUIRE(in.status == 200);
    CHECK(in.json().at("user").at("awaiting_validation") == true);
    c.set_csrf(std::string(in.json().at("csrf_token").as_string()));

    CHECK(c.get("/api/v1/me").status == 200);
    auto mine = c.get_json("/api/v1/me/volunteer");
    CHECK(mine.at("status") == "registered");
    CHECK(c.get("/api/v1/volunteers/" + v.id).status == 200);
    auto edit = c.send_json("PATCH", "/api/v1/me/volunteer", json::object{{"max_missions_per_week", 3}});
    INFO(edit.describe());
    CHECK(edit.status == 200);
    for (const char* target : {"/api/v1/me/missions", "/api/v1/collective-missions", "/api/v1/me/calendar"}) {
        auto refused = c.get(target);
        check_problem(refused, 403);
        CHECK_MESSAGE(
            problem_detail(refused).find("Your registration is waiting for validation") != std::string::npos,
            target);
    }
    check_problem(c.post_json("/api/v1/volunteers/" + v.id + "/pause", json::object{}), 403);

    // Validated by a coordinator: the same session reaches the volunteer's routes.
    REQUIRE(city.coordinator().post_json("/api/v1/volunteers/" + v.id + "/activate", json::object{}).status ==
            200);
    CHECK(c.get("/api/v1/me/missions").status == 200);
    CHECK_FALSE(c.get_json("/api/v1/me").at("user").as_object().contains("awaiting_validation"));
}

TEST_CASE("issue 12: registration answers alike for a known and an unknown email, and writes nothing twice") {
    test_city city;
    auto anon = city.anonymous();
    auto first = anon->post_json("/api/v1/volunteers", volunteer_body("known@volunteers.test"));
    REQUIRE(first.status == 201);
    const auto volunteers = city.staff_count("/api/v1/volunteers");
    const auto users = city.admin().get_json("/api/v1/users?limit=200").at("items").as_array().size();

    auto unknown = anon->post_json("/api/v1/volunteers", volunteer_body("unknown@volunteers.test"));
    auto known = anon->post_json("/api/v1/volunteers", volunteer_body("Known@Volunteers.test"));
    auto staff = anon->post_json("/api/v1/volunteers", volunteer_body(coordinator_email));
    for (const auto* r : {&unknown, &known, &staff}) {
        INFO(r->describe());
        CHECK(r->status == 201);
        CHECK(keys_of(r->json()) == keys_of(unknown.json()));
        CHECK(r->json().at("message") == unknown.json().at("message"));
        CHECK(r->json().at("status") == unknown.json().at("status"));
    }
    CHECK(std::string(unknown.json().at("message").as_string()).find("if this address can be registered") !=
          std::string::npos);
    // Only the unknown email was registered; the coordinator keeps their account and password.
    CHECK(city.staff_count("/api/v1/volunteers") == volunteers + 1);
    CHECK(city.admin().get_json("/api/v1/users?limit=200").at("items").as_array().size() == users + 1);
    http_client c(city.port());
    CHECK(login(c, coordinator_email, coordinator_password).status == 200);
    http_client d(city.port());
    CHECK(login(d, coordinator_email, volunteer_password).status == 401);
}

TEST_CASE("issue 12: hashing has its own bounded pool: a burst gets 503 + Retry-After, pages stay fast") {
    // Per-caller rate limits off: this burst from one address is about the hashing queue alone.
    one_account s({"--login-limit", "0", "--hash-threads", "1", "--hash-queue", "1", "--rate-limits", "off"});
    std::atomic<bool> burst_over{false};
    std::vector<double> page_seconds;
    std::thread watcher([&] {
        http_client c(s.port(), 10s);
        while (!burst_over.load()) {
            for (const char* target : {"/healthz", "/", "/benevole.html"}) {
                const auto t = std::chrono::steady_clock::now();
                auto res = c.get(target);
                CHECK_MESSAGE(res.status == 200, target);
                page_seconds.push_back(
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
            }
            std::this_thread::sleep_for(20ms);
        }
    });
    // Every answer of every attempt counts: under a slow sanitizer build a client may meet a full queue on
    // any of its attempts, but some attempts must have been hashed (401) while others were refused (503).
    std::atomic<int> verified{0};
    auto rs = at_once(s.port(), 60, [&verified](http_client& c, std::size_t i) {
        http_response refused;
        for (int k = 0; k < 3; ++k) {
            auto r = login(c, "nobody" + std::to_string(i) + "@example.org", "wrong password number");
            if (r.status == 401)
                ++verified;
            else if (r.status == 503 && refused.status == 0)
                refused = r;
            else if (r.status != 503)
                return r;
        }
        return refused.status == 0 ? http_response{} : refused;
    });
    burst_over = true;
    watcher.join();
    auto st = by_status(rs);
    INFO("attempts hashed (401): " << verified.load() << ", clients refused (503): " << st[503]);
    CHECK(st[503] > 0);
    CHECK(verified.load() > 0);
    for (const auto& r : rs)
        CHECK_MESSAGE((r.status == 0 || r.status == 503), r.status);  // nothing but 401 and 503 answers
    for (const auto& r : rs)
        if (r.status == 503) {
            check_problem(r, 503);
            CHECK(std::stoi(r.header("Retry-After")) > 0);
            break;
        }
    REQUIRE_FALSE(page_seconds.empty());
    for (double sec : page_seconds)
        CHECK(sec < 2.0);
}
