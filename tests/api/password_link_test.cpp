// Accounts (issue 15): one-time password links: an account created without a password gets a link its holder
// uses to choose one (and is signed in); an admin issues reset links; a link works once, a newer one voids
// it, a disabled account gets none; using a reset link ends the account's other sessions; a rush of
// simultaneous uses of one link sets the password once. The real `relais` binary.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

std::string token_of(const json::value& link) {
    const std::string path(link.at("path").as_string());
    const std::string prefix = "/mot-de-passe#lien=";
    REQUIRE(path.starts_with(prefix));
    return path.substr(prefix.size());
}

http_response use(test_city& city, const std::string& token, const std::string& password) {
    auto anon = city.anonymous();
    return anon->post_json("/api/v1/auth/password-link",
                           json::object{{"token", token}, {"password", password}});
}

bool has_field(const http_response& res, const std::string& field) {
    const auto fields = error_fields(res);
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

}  // namespace

TEST_CASE("password links: a new account chooses its password once; resets void older links and sessions") {
    test_city city;
    auto res = city.admin().post_json(
        "/api/v1/users", json::object{{"email", "nouvelle@ville.test"}, {"role", "coordinator"}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    const auto created = res.json();
    const auto user_id = std::string(created.at("id").as_string());
    const auto& link = created.at("password_link");
    CHECK(link.at("purpose") == "set");
    const auto token = token_of(link);
    CHECK(token.size() == 64);
    const auto expires = unix_of(link.at("expires_at"));
    CHECK(expires > now_s() + 6 * 86400);
    CHECK(expires <= now_s() + 7 * 86400 + 60);
    // No password yet: nothing signs in.
    auto anon = city.anonymous();
    check_problem(anon->post_json("/api/v1/auth/login",
                                  json::object{{"email", "nouvelle@ville.test"}, {"password", ""}}),
                  401);
    check_problem(anon->post_json("/api/v1/auth/login", json::object{{"email", "nouvelle@ville.test"},
                                                                     {"password", "anything at all 123"}}),
                  401);
    // A password the policy refuses: 422, and the link still works.
    auto weak = use(city, token, "short");
    check_problem(weak, 422);
    CHECK(has_field(weak, "password"));
    // Hostile: a token nobody issued, a malformed one, a missing field.
    check_problem(use(city, std::string(64, 'a'), "a long enough passphrase"), 410);
    check_problem(use(city, "../../etc/passwd", "a long enough passphrase"), 410);
    check_problem(anon->post_json("/api/v1/auth/password-link", json::object{{"token", token}}), 422);

    auto chosen = city.anonymous();
    res = chosen->post_json("/api/v1/auth/password-link",
                            json::object{{"token", token}, {"password", "un mot de passe bien long"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("user").at("role") == "coordinator");
    CHECK(res.has_header("Set-Cookie"));
    chosen->set_csrf(std::string(res.json().at("csrf_token").as_string()));
    CHECK(chosen->get("/api/v1/me").status == 200);
    // Spent.
    auto again = use(city, token, "another long passphrase");
    check_problem(again, 410);
    CHECK(again.json().at("type") == "/problems/link-expired");
    auto other = city.signed_in("nouvelle@ville.test", "un mot de passe bien long");

    // A reset: a second link voids the first; using it ends the account's sessions.
    res = city.admin().post_json("/api/v1/users/" + user_id + "/password-link", json::object{});
    REQUIRE(res.status == 201);
    CHECK(res.json().at("purpose") == "reset");
    CHECK(unix_of(res.json().at("expires_at")) <= now_s() + 86400 + 60);
    const auto first = token_of(res.json());
    res = city.admin().post_json("/api/v1/users/" + user_id + "/password-link", json::object{});
    REQUIRE(res.status == 201);
    const auto second = token_of(res.json());
    check_problem(use(city, first, "le premier lien ne marche plus"), 410);
    CHECK(other->get("/api/v1/me").status == 200);  // an unused link changes nothing
    REQUIRE(use(city, second, "le second lien fonctionne bien").status == 200);
    CHECK(other->get("/api/v1/me").status == 401);
    CHECK(chosen->get("/api/v1/me").status == 401);
    city.signed_in("nouvelle@ville.test", "le second lien fonctionne bien");

    // Unknown account, disabled account.
    check_problem(city.admin().post_json("/api/v1/users/usr_0000000000000000/password-link", json::object{}),
                  404);
    REQUIRE(city.admin().post_json("/api/v1/users/" + user_id + "/disable", json::object{}).status == 200);
    check_problem(city.admin().post_json("/api/v1/users/" + user_id + "/password-link", json::object{}), 409);
    // A coordinator cannot issue links.
    check_problem(city.coordinator().post_json("/api/v1/users/" + user_id + "/password-link", json::object{}),
                  403);
    // With a password given, no link.
    res = city.admin().post_json("/api/v1/users", json::object{{"email", "avec@ville.test"},
                                                               {"role", "admin"},
                                                               {"password", "un mot de passe choisi ici"}});
    REQUIRE(res.status == 201);
    CHECK(res.json().at("password_link").is_null());
}

TEST_CASE("password links: a rush of simultaneous uses of one link sets the password once") {
    test_city city;
    auto res = city.coordinator().post_json("/api/v1/partners", json::object{{"name", "Asso du rush"}});
    REQUIRE(res.status == 201);
    const std::string partner(res.json().at("id").as_string());
    res = city.admin().post_json(
        "/api/v1/users",
        json::object{{"email", "rush@ville.test"}, {"role", "partner"}, {"partner_id", partner}});
    REQUIRE(res.status == 201);
    const auto token = token_of(res.json().at("password_link"));
    constexpr int n = 6;
    std::vector<std::unique_ptr<http_client>> clients;
    for (int i = 0; i < n; ++i)
        clients.push_back(city.anonymous());
    std::atomic<int> go{0};
    std::vector<unsigned> statuses(n, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            while (go.load() == 0)
                std::this_thread::yield();
            try {
                statuses[i] =
                    clients[i]
                        ->post_json("/api/v1/auth/password-link",
                                    json::object{{"token", token},
                                                 {"password", "mot de passe numero " + std::to_string(i)}})
                        .status;
            } catch (const std::exception&) {
                statuses[i] = 1;
            }
        });
    }
    go = 1;
    for (auto& th : threads)
        th.join();
    int ok = -1, oks = 0, gone = 0;
    for (int i = 0; i < n; ++i) {
        if (statuses[i] == 200) {
            ok = i;
            ++oks;
        }
        gone += statuses[i] == 410;
    }
    CHECK(oks == 1);
    CHECK(gone == n - 1);
    REQUIRE(ok >= 0);
    // The password is the winner's.
    city.signed_in("rush@ville.test", "mot de passe numero " + std::to_string(ok));
}

TEST_CASE("accounts: an admin changes a staff account's role; the account signs in again with it") {
    test_city city;
    auto res =
        city.admin().post_json("/api/v1/users", json::object{{"email", "equipe@ville.test"},
                                                             {"role", "coordinator"},
                                                             {"password", "mot de passe de l'equipe"}});
    REQUIRE(res.status == 201);
    const std::string id(res.json().at("id").as_string());
    auto them = city.signed_in("equipe@ville.test", "mot de passe de l'equipe");
    check_problem(them->get("/api/v1/users"), 403);
    // Hostile and refused: not a staff role, unknown field, a coordinator asking.
    check_problem(
        city.admin().post_json("/api/v1/users/" + id + "/role", json::object{{"role", "volunteer"}}), 422);
    check_problem(city.admin().post_json("/api/v1/users/" + id + "/role", json::object{{"role", "root"}}),
                  422);
    check_problem(city.admin().post_json("/api/v1/users/" + id + "/role",
                                         json::object{{"role", "admin"}, {"partner_id", "x"}}),
                  422);
    check_problem(
        city.coordinator().post_json("/api/v1/users/" + id + "/role", json::object{{"role", "admin"}}), 403);
    CHECK(them->get("/api/v1/me").status == 200);  // nothing changed yet

    res = city.admin().post_json("/api/v1/users/" + id + "/role", json::object{{"role", "admin"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("role") == "admin");
    CHECK(them->get("/api/v1/me").status == 401);  // signed out
    auto again = city.signed_in("equipe@ville.test", "mot de passe de l'equipe");
    CHECK(again->get_json("/api/v1/me").at("user").at("role") == "admin");
    CHECK(again->get("/api/v1/users").status == 200);
    // Their own role: another admin changes it, not them.
    auto own = again->post_json("/api/v1/users/" + id + "/role", json::object{{"role", "coordinator"}});
    check_problem(own, 409);
    // A partner account keeps its role.
    res = city.coordinator().post_json("/api/v1/partners", json::object{{"name", "Asso des roles"}});
    REQUIRE(res.status == 201);
    res = city.admin().post_json("/api/v1/users", json::object{{"email", "asso@roles.test"},
                                                               {"role", "partner"},
                                                               {"partner_id", res.json().at("id")},
                                                               {"password", "mot de passe partenaire"}});
    REQUIRE(res.status == 201);
    check_problem(
        city.admin().post_json("/api/v1/users/" + std::string(res.json().at("id").as_string()) + "/role",
                               json::object{{"role", "admin"}}),
        409);
    check_problem(
        city.admin().post_json("/api/v1/users/usr_0000000000000000/role", json::object{{"role", "admin"}}),
        404);
}
