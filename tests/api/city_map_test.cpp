// Any city (issue 16): Montréal's districts imported with `relais import neighbourhoods` beside a running
// server, Canadian numbers and Toronto's time; a resident's request with a location and no neighbourhood is
// placed in the district that holds it; outside every district, the form says the neighbourhood is needed.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

json::object montreal_request(double lat, double lon) {
    const auto t = now_s();
    return json::object{{"category", "shopping"},
                        {"details", "Épicerie"},
                        {"urgency", "week"},
                        {"recurrence", "once"},
                        {"consent", true},
                        {"window", {{"from", iso(t + 86400)}, {"until", iso(t + 3 * 86400)}}},
                        {"resident",
                         {{"first_name", "Ann"},
                          {"last_name", "Tremblay"},
                          {"phone", "514 555 0100"},
                          {"address", "1 rue Sainte-Catherine Ouest"},
                          {"location", {{"lat", lat}, {"lon", lon}}}}}};
}

}  // namespace

TEST_CASE("city map: Montréal's districts imported; a request placed in its district by its location") {
    test_city city;
    const auto res = city.admin().send_json("PATCH", "/api/v1/programme",
                                            json::object{{"timezone", "America/Toronto"}, {"country", "CA"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    const auto bad = relais_command({"import", "neighbourhoods", "--db", city.db_path(), "/dev/null"});
    CHECK(bad.code == 1);
    CHECK(bad.err.find("relais import") != std::string::npos);
    const auto imported =
        relais_command({"import", "neighbourhoods", "--db", city.db_path(),
                        std::string(RELAIS_SOURCE_DIR) + "/tests/fixtures/montreal_quartiers.geojson"});
    INFO(imported.err);
    REQUIRE(imported.code == 0);
    CHECK(imported.out.find("3 new") != std::string::npos);
    const auto nbs = city.anonymous()->get_json("/api/v1/neighbourhoods");
    bool plateau = false, rennes = false;
    for (const auto& n : nbs.at("items").as_array()) {
        plateau = plateau || n.at("code") == "plateau";
        rennes = rennes || n.at("code") == "maurepas";
    }
    CHECK(plateau);
    CHECK_FALSE(rennes);  // Rennes' districts, unused here, are gone

    auto created = city.anonymous()->post_json("/api/v1/requests", montreal_request(45.50, -73.56));
    INFO(created.describe());
    REQUIRE(created.status == 201);
    const std::string id(created.json().at("id").as_string());
    const auto request = city.staff_get("/api/v1/requests/" + id);
    const auto resident =
        city.staff_get("/api/v1/residents/" + std::string(request.at("resident_id").as_string()));
    CHECK(resident.at("neighbourhood") == "ville-marie");
    CHECK(resident.at("phone") == "+15145550100");  // a Canadian number, read in the city's country

    // In the park (a hole of Côte-des-Neiges) and far away: no district holds it.
    for (const auto& [lat, lon] : {std::pair{45.495, -73.625}, std::pair{48.11, -1.68}}) {
        auto refused = city.anonymous()->post_json("/api/v1/requests", montreal_request(lat, lon));
        check_problem(refused, 422);
        const auto fields = error_fields(refused);
        CHECK(std::find(fields.begin(), fields.end(), "resident.neighbourhood") != fields.end());
    }
}
