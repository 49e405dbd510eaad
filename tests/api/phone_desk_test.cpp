// Issue 15, "Acting for someone on the phone": a coordinator records what a volunteer told them by phone (an
// answer, a dropout, a report) or a no-show; the request's history says "recorded by <coordinator> for the
// volunteer", naming people, never ids. A cancellation because the volunteer cannot come puts this week's
// visit back in the queue instead of proposing next week's.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <string>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;

/// The request's history entry of `action` on mission `mission` (REQUIREd).
json::object history_entry(test_city& city, const std::string& request, const std::string& mission,
                           const std::string& action) {
    const auto r = city.staff_get("/api/v1/requests/" + request);
    for (const auto& e : r.at("history").as_array())
        if (e.at("entity") == "mission" && e.at("entity_id") == json::value(mission) &&
            e.at("action") == json::value(action))
            return e.as_object();
    FAIL("no history entry ", action, " for ", mission);
    return {};
}

}  // namespace

TEST_CASE(
    "phone desk: answers, dropout, report and no-show recorded for the volunteer, named in the history") {
    test_city city({"--test-clock"});
    auto& coord = city.coordinator();
    auto v = city.new_volunteer("telephone");
    const auto t = now_s();

    // A proposal the volunteer accepts on the phone.
    auto r1 = city.public_request(request_body("once", "shopping"));
    const auto m1 = city.propose(r1.id, v.id, t + day, t + day + hour);
    auto acc = coord.post_json("/api/v1/missions/" + m1 + "/accept", json::object{});
    INFO(acc.describe());
    REQUIRE(acc.status == 200);
    auto accepted = history_entry(city, r1.id, m1, "accepted");
    CHECK(accepted.at("for_volunteer") == true);
    CHECK(accepted.at("by") == json::value(coordinator_email));
    // ...then drops out on the phone, with a reason: back to the queue, flagged.
    auto drop = coord.post_json("/api/v1/missions/" + m1 + "/drop", json::object{{"reason", "health"}});
    REQUIRE(drop.status == 200);
    auto dropped = history_entry(city, r1.id, m1, "dropped");
    CHECK(dropped.at("for_volunteer") == true);
    CHECK(dropped.at("reason") == "health");
    CHECK(city.staff_get("/api/v1/requests/" + r1.id).at("redispatch") == true);

    // A visit the volunteer did not make: no-show, by the coordinator (not "for the volunteer").
    auto r2 = city.public_request(request_body("once", "friendly_call"));
    const auto m2 = city.propose(r2.id, v.id, t + hour, t + 2 * hour);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m2 + "/accept", json::object{}).status == 200);
    CHECK(history_entry(city, r2.id, m2, "accepted").at("by") == "Vol-telephone");  // the volunteer themself
    CHECK(history_entry(city, r2.id, m2, "accepted").at("for_volunteer") == false);
    REQUIRE(city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t + 3 * hour)}}).status ==
            200);
    auto missed = coord.post_json("/api/v1/missions/" + m2 + "/missed", json::object{});
    INFO(missed.describe());
    REQUIRE(missed.status == 200);
    CHECK(history_entry(city, r2.id, m2, "missed").at("for_volunteer") == false);
    CHECK(city.staff_get("/api/v1/requests/" + r2.id).at("redispatch") == true);

    // A report given on the phone.
    auto r3 = city.public_request(request_body("once", "shopping"));
    const auto m3 = city.propose(r3.id, v.id, t + 3 * hour + 600, t + 4 * hour);
    REQUIRE(coord.post_json("/api/v1/missions/" + m3 + "/accept", json::object{}).status == 200);
    REQUIRE(city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t + 5 * hour)}}).status ==
            200);
    auto done = coord.post_json("/api/v1/missions/" + m3 + "/complete",
                                json::object{{"report", {{"duration_minutes", 45}, {"outcome", "good"}}}});
    REQUIRE(done.status == 200);
    CHECK(history_entry(city, r3.id, m3, "done").at("for_volunteer") == true);

    // Never an id where a name is due.
    const auto story = city.staff_get("/api/v1/requests/" + r3.id);
    for (const auto& e : story.at("history").as_array())
        if (e.at("by").is_string())
            CHECK(std::string(e.at("by").as_string()).rfind("usr_", 0) != 0);
}

TEST_CASE(
    "phone desk: the volunteer cannot come: this week's visit goes back to the queue, the support goes on") {
    test_city city({"--test-clock"});
    auto& coord = city.coordinator();
    auto v = city.new_volunteer("empeche");
    const auto t = now_s();
    auto r = city.public_request(request_body("weekly", "friendly_call"));
    const auto m = city.propose(r.id, v.id, t + day, t + day + hour);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    auto bad = coord.post_json("/api/v1/missions/" + m + "/cancel", json::object{{"reason", "sick"}});
    CHECK(bad.status == 422);
    auto cancel = coord.post_json("/api/v1/missions/" + m + "/cancel",
                                  json::object{{"reason", "volunteer_unavailable"}});
    INFO(cancel.describe());
    REQUIRE(cancel.status == 200);
    const auto req = city.staff_get("/api/v1/requests/" + r.id);
    CHECK(req.at("redispatch") == true);  // back in the queue, for this week
    CHECK(req.at("support").is_object());
    CHECK(req.at("support").at("status") == "active");  // the weekly support goes on
    int proposed = 0;
    for (const auto& mission : req.at("missions").as_array())
        proposed += mission.at("status") == "proposed";
    CHECK(proposed == 0);  // not next week's visit proposed in its place
    // Another reason calls the visit off and proposes next week's, as before.
    const auto m2 = city.propose(r.id, v.id, t + 2 * day, t + 2 * day + hour);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m2 + "/accept", json::object{}).status == 200);
    REQUIRE(
        coord.post_json("/api/v1/missions/" + m2 + "/cancel", json::object{{"reason", "resident_cancelled"}})
            .status == 200);
    const auto after = city.staff_get("/api/v1/requests/" + r.id);
    int next_week = 0;
    for (const auto& mission : after.at("missions").as_array())
        next_week += mission.at("status") == "proposed";
    CHECK(next_week == 1);
}
