// Issue 15, "Queue": each request in the queue with its resident's name and its real stage (new, nobody
// found, flagged, proposed until when, scheduled, weekly), and a filter on every stage.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <thread>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;

json::object request_of(test_city& city, const std::string& id) {
    return city.staff_get("/api/v1/requests/" + id).as_object();
}

/// The ids of the queue filtered on `stage` (every row REQUIREd at that stage).
std::vector<std::string> ids_at(test_city& city, const std::string& stage) {
    const auto page = city.staff_get("/api/v1/requests?limit=200&stage=" + stage);
    std::vector<std::string> out;
    for (const auto& r : page.at("items").as_array()) {
        CHECK(r.at("stage") == json::value(stage));
        out.emplace_back(r.at("id").as_string());
    }
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

TEST_CASE("queue: the resident's name and the real stage of each request, a filter on every stage") {
    test_city city;
    auto v = city.new_volunteer("qa");
    const auto t = now_s();
    auto fresh = city.public_request(request_body("once", "shopping"));
    auto asked = city.public_request(request_body("once", "walk"));
    auto planned = city.public_request(request_body("once", "reading"));
    auto weekly = city.public_request(request_body("weekly", "friendly_call"));
    auto refused = city.public_request(request_body("once", "shopping"));

    const auto m_asked = city.propose(asked.id, v.id, t + day, t + day + hour);
    const auto m_planned = city.propose(planned.id, v.id, t + 2 * day, t + 2 * day + hour);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m_planned + "/accept", json::object{}).status == 200);
    const auto m_weekly = city.propose(weekly.id, v.id, t + 3 * day, t + 3 * day + hour);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m_weekly + "/accept", json::object{}).status == 200);
    // The volunteer takes at most three missions a city week, and the three above may share one (run on a
    // Sunday they do): the next two a week later.
    const auto m_refused = city.propose(refused.id, v.id, t + 8 * day, t + 8 * day + hour);
    REQUIRE(v.client
                ->post_json("/api/v1/missions/" + m_refused + "/decline",
                            json::object{{"reason", "not_available"}})
                .status == 200);

    const auto f = request_of(city, fresh.id);
    CHECK(f.at("stage") == "new");
    CHECK(f.at("stage_until").is_null());
    CHECK(f.at("resident_name") == "Madeleine Le Bihan");
    const auto a = request_of(city, asked.id);
    CHECK(a.at("stage") == "proposed");
    const auto mission = city.staff_get("/api/v1/missions/" + m_asked);
    CHECK(unix_of(a.at("stage_until")) == unix_of(mission.at("answer_by")));
    const auto p = request_of(city, planned.id);
    CHECK(p.at("stage") == "scheduled");
    CHECK(unix_of(p.at("stage_until")) == t + 2 * day);
    CHECK(request_of(city, weekly.id).at("stage") == "weekly");
    CHECK(request_of(city, refused.id).at("stage") == "flagged");

    // The list gives the same, row by row, and filters on each stage.
    const auto page = city.staff_get("/api/v1/requests?limit=200");
    for (const auto& row : page.at("items").as_array()) {
        CHECK(row.at("resident_name") == "Madeleine Le Bihan");
        CHECK(row.as_object().contains("stage"));
    }
    CHECK(has(ids_at(city, "new"), fresh.id));
    CHECK_FALSE(has(ids_at(city, "new"), asked.id));
    CHECK(has(ids_at(city, "proposed"), asked.id));
    CHECK(has(ids_at(city, "scheduled"), planned.id));
    CHECK(has(ids_at(city, "weekly"), weekly.id));
    CHECK(has(ids_at(city, "flagged"), refused.id));
    CHECK(ids_at(city, "no_candidate").empty());
    // The list is personal data now: never kept by a browser.
    auto raw = city.coordinator().get("/api/v1/requests?stage=new");
    CHECK(raw.header("cache-control") == "no-store");
    check_problem(city.coordinator().get("/api/v1/requests?stage=waiting"), 400);

    // With automatic dispatch on, a request nobody can take (no volunteer offers computer help) says so.
    REQUIRE(
        city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"auto_dispatch", true}}).status ==
        200);
    auto nobody = city.public_request(request_body("once", "digital"));
    std::string stage;
    for (int i = 0; i < 100 && stage != "no_candidate"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stage = std::string(request_of(city, nobody.id).at("stage").as_string());
    }
    CHECK(stage == "no_candidate");
    CHECK(has(ids_at(city, "no_candidate"), nobody.id));
    // A coordinator's proposal clears it.
    city.propose(nobody.id, v.id, t + 9 * day, t + 9 * day + hour);
    CHECK(request_of(city, nobody.id).at("stage") == "proposed");
}
