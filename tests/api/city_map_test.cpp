// Any city (issue 16): Montréal's districts imported with `relais import neighbourhoods` beside a running
// server, Canadian numbers and Toronto's time; a resident's request with a location and no neighbourhood is
// placed in the district that holds it; outside every district, the form says the neighbourhood is needed.
#include "api/support/file_text.hpp"
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

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

TEST_CASE("city map: the admin replaces it from the page's route, dry run first, codes in use kept") {
    test_city city;
    const auto codes = [&] {
        std::vector<std::string> out;
        const auto list =
            city.anonymous()->get_json("/api/v1/neighbourhoods");  // named: GCC 12 and temporaries
        for (const auto& n : list.at("items").as_array())
            out.emplace_back(n.at("code").as_string());
        std::sort(out.begin(), out.end());
        return out;
    };
    const auto rennes = codes();
    REQUIRE(rennes.size() == 12);  // the test city is the demo's Rennes (data/demo/rennes-quartiers.csv)
    city.new_volunteer("mp", true, json::object{{"neighbourhood", "maurepas"}});
    const std::string montreal =
        file_text(std::string(RELAIS_SOURCE_DIR) + "/tests/fixtures/montreal_quartiers.geojson");

    // Only the admin.
    const json::object dry{{"file", montreal}, {"dry_run", true}};
    check_problem(city.coordinator().send_json("PUT", "/api/v1/neighbourhoods", dry), 403);
    check_problem(city.anonymous()->send_json("PUT", "/api/v1/neighbourhoods", dry), 401);

    // A dry run counts and keeps nothing.
    auto res = city.admin().send_json("PUT", "/api/v1/neighbourhoods", dry);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("added") == 3);
    CHECK(res.json().at("removed") == 11);
    CHECK(res.json().at("kept") == json::array{"maurepas"});
    CHECK(res.json().at("dry_run") == true);
    CHECK(codes() == rennes);

    // Faulty files: every fault named under `file`, nothing changed.
    for (const std::string& bad :
         {std::string("nom,x\nA,1\n"), std::string("name,lat,lon\nA,91,0\nA,1,1000\n"),
          std::string("{\"type\": \"FeatureCollection\", \"features\": [{}]}"),
          std::string("{ pas du json")}) {
        res = city.admin().send_json("PUT", "/api/v1/neighbourhoods", json::object{{"file", bad}});
        INFO(bad << " -> " << res.describe());
        check_problem(res, 422);
        const auto fields = error_fields(res);
        REQUIRE_FALSE(fields.empty());
        CHECK(std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return f == "file"; }));
        CHECK(codes() == rennes);
    }
    res = city.admin().send_json("PUT", "/api/v1/neighbourhoods",
                                 json::object{{"file", "name,lat,lon\nA,91,0\nA,1,1000\n"}});
    CHECK(error_fields(res).size() == 2);  // the latitude of line 2, the longitude of line 3
    check_problem(
        city.admin().send_json("PUT", "/api/v1/neighbourhoods", json::object{{"fichier", montreal}}), 422);

    // Four admins import at once: the same map results, each import whole.
    std::atomic<bool> go{false};
    std::vector<unsigned> statuses(4);
    std::vector<std::unique_ptr<http_client>> admins;
    for (int i = 0; i < 4; ++i)
        admins.push_back(city.signed_in(admin_email, admin_password));
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] {
            while (!go.load())
                std::this_thread::yield();
            statuses[i] = admins[i]
                              ->send_json("PUT", "/api/v1/neighbourhoods", json::object{{"file", montreal}})
                              .status;
        });
    go = true;
    for (auto& t : threads)
        t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 200u) == 4);
    const auto after = codes();
    CHECK(after.size() == 4);  // Montréal's three and maurepas, still in use
    CHECK(std::count(after.begin(), after.end(), "maurepas") == 1);
    CHECK(std::count(after.begin(), after.end(), "plateau") == 1);
    // A request placed by its location in the new map (a Canadian number: the city's country too).
    REQUIRE(city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"country", "CA"}}).status ==
            200);
    auto created = city.anonymous()->post_json("/api/v1/requests", montreal_request(45.50, -73.56));
    INFO(created.describe());
    CHECK(created.status == 201);
}
