// The first-run setup (issue 16): a server on an empty database prints a one-time link (on standard output,
// never in the log's lines); the link sets a city up once, in another country and time zone with its own map,
// and signs its first admin in; a wrong or spent token is 410, faulty fields 422 with nothing written; a
// server whose database has an admin prints no link.
#include "api/support/file_text.hpp"
#include "api/support/fixtures.hpp"
#include "api/support/server_process.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

json::object setup_body(const std::string& token) {
    return json::object{{"token", token},
                        {"admin_email", "admin@montreal.test"},
                        {"admin_password", "une phrase de passe solide"},
                        {"city_name", "Voisins solidaires de Montréal"},
                        {"country", "CA"},
                        {"timezone", "America/Toronto"},
                        {"coordination_phone", "514 555 0199"},
                        {"neighbourhoods_file", file_text(std::string(RELAIS_SOURCE_DIR) +
                                                          "/tests/fixtures/montreal_quartiers.geojson")}};
}

bool has_field(const http_response& res, const std::string& field) {
    const auto fields = error_fields(res);
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

}  // namespace

TEST_CASE("first-run setup: one link, once, for a city of its own") {
    server_options fresh;
    fresh.args = {"--public-post-limit", "0", "--rate-limits", "off"};
    fresh.demo_city = false;  // a new database: no neighbourhood until the setup brings the city's
    server_process server(fresh);
    const std::string log = server.log();
    const auto at = log.find("/setup/#lien=");
    REQUIRE(at != std::string::npos);
    const std::string token = log.substr(at + 13, 64);
    CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
    // The link is printed alone, not in a log line.
    const auto line_start = log.rfind('\n', at);
    CHECK(log.substr(line_start + 1, 3) == "  h");

    http_client anon(server.port());
    auto res = anon.post_json("/api/v1/setup", setup_body(std::string(64, 'a')));
    check_problem(res, 410);
    CHECK(res.json().at("type") == "/problems/link-expired");
    // Faulty fields: each named, nothing written, the link still good.
    auto bad = setup_body(token);
    bad["country"] = "XX";
    bad["timezone"] = "Mars/Olympus_Mons";
    bad["admin_email"] = "pas un courriel";
    bad["neighbourhoods_file"] = "nom,x\nA,1\n";
    res = anon.post_json("/api/v1/setup", bad);
    check_problem(res, 422);
    for (const char* f : {"country", "timezone", "admin_email", "neighbourhoods_file"})
        CHECK(has_field(res, f));
    bad = setup_body(token);
    bad.erase("neighbourhoods_file");  // a new database has no map: the setup brings one
    res = anon.post_json("/api/v1/setup", bad);
    check_problem(res, 422);
    CHECK(has_field(res, "neighbourhoods_file"));
    bad = setup_body(token);
    bad["admin_password"] = "court";
    check_problem(anon.post_json("/api/v1/setup", bad), 422);
    check_problem(
        anon.post_json("/api/v1/auth/login", json::object{{"email", "admin@montreal.test"},
                                                          {"password", "une phrase de passe solide"}}),
        401);

    res = anon.post_json("/api/v1/setup", setup_body(token));
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("user").at("role") == "admin");
    anon.set_csrf(std::string(res.json().at("csrf_token").as_string()));
    const auto programme = anon.get_json("/api/v1/programme");
    CHECK(programme.at("name") == "Voisins solidaires de Montréal");
    CHECK(programme.at("timezone") == "America/Toronto");
    CHECK(programme.at("country") == "CA");
    const auto nbs = anon.get_json("/api/v1/neighbourhoods");
    CHECK(nbs.at("items").as_array().size() == 3);   // Montréal's only (a new database has none)
    CHECK(anon.get("/api/v1/users").status == 200);  // signed in as the admin

    // Once.
    http_client other(server.port());
    check_problem(other.post_json("/api/v1/setup", setup_body(token)), 410);
    CHECK(server.log().find(token, at + 64) == std::string::npos);  // printed once, never logged

    // Restarted with an admin: no link.
    REQUIRE(server.stop() == 0);
    server_options again;
    again.dir = server.dir();
    again.demo_city = false;
    server_process second(again);
    CHECK(second.log().find("/setup/") == std::string::npos);
    http_client third(second.port());
    check_problem(third.post_json("/api/v1/setup", setup_body(token)), 410);
}
