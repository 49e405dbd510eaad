// Issue 13, "Domain events as the spine": the live feed (GET /api/v1/live) carries the committed domain
// events themselves, whoever made the change: a route, a batch-plan commit (POST /api/v1/dispatch/commit),
// the maintenance tick (a proposal's expiry, the automatic re-dispatch that follows) or the domain itself
// (the next week's visit of a weekly support). Each notice says what changed, with ids and codes only, and a
// volunteer's feed carries only their own missions' events.
#include "api/support/fixtures.hpp"
#include "api/support/live_socket.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include <boost/json.hpp>

using namespace relais::api_test;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;

json::value ok(http_response res, unsigned expect = 200) {
    INFO(res.describe());
    REQUIRE(res.status == expect);
    return res.json();
}

std::string str(const json::value& v) {
    return std::string(v.as_string());
}

std::function<bool(const json::object&)> type_is(const std::string& type) {
    return [type](const json::object& o) { return o.contains("type") && o.at("type") == json::value(type); };
}

/// A mission proposed for `request_id` other than `except`.
std::function<bool(const json::object&)> other_proposal(const std::string& request_id,
                                                        const std::string& except) {
    auto proposed = event_is("mission", "proposed");
    return [=](const json::object& o) {
        return proposed(o) && o.contains("request_id") && o.at("request_id") == json::value(request_id) &&
               o.at("id") != json::value(except);
    };
}

}  // namespace

TEST_CASE(
    "live feed: every change arrives as an event, from routes, batch commits, the tick and the domain") {
    test_city city({"--test-clock", "--tick", "1"});
    live_socket feed(city.port(), city.coordinator());
    REQUIRE(feed.status() == 101);
    REQUIRE(feed.wait_for(type_is("hello"), 5s));

    // A volunteer validated, a request from the public form.
    auto a = city.new_volunteer("feed-a");
    auto activated = feed.wait_for(event_is("volunteer", "activated", a.id), 5s);
    REQUIRE(activated);
    CHECK(activated->at("status") == "active");
    CHECK(activated->at("from") == "registered");
    auto r1 = city.public_request(request_body("once", "shopping"));
    auto created = feed.wait_for(event_is("request", "created", r1.id), 5s);
    REQUIRE(created);
    CHECK(created->at("status") == "new");

    // A batch plan committed: the mission it creates is announced (no route prefix said so before).
    auto plan = ok(city.coordinator().post_json("/api/v1/dispatch/plan", json::object{}));
    json::array items;
    for (const auto& x : plan.at("assignments").as_array())
        if (x.at("request_id") == json::value(r1.id))
            items.push_back(json::object{{"request_id", x.at("request_id")},
                                         {"volunteer_id", x.at("volunteer_id")},
                                         {"starts_at", x.at("starts_at")},
                                         {"ends_at", x.at("ends_at")}});
    REQUIRE(items.size() == 1);
    auto committed =
        ok(city.coordinator().post_json("/api/v1/dispatch/commit", json::object{{"assignments", items}}));
    REQUIRE(committed.at("created").as_array().size() == 1);
    const auto m1 = str(committed.at("created").at(0).at("mission_id"));
    auto proposed = feed.wait_for(event_is("mission", "proposed", m1), 5s);
    REQUIRE(proposed);
    CHECK(proposed->at("status") == "proposed");
    CHECK(proposed->at("request_id") == json::value(r1.id));
    CHECK(proposed->at("volunteer_id") == json::value(a.id));

    // The volunteer accepts.
    ok(a.client->post_json("/api/v1/missions/" + m1 + "/accept", json::object{}));
    auto accepted = feed.wait_for(event_is("mission", "accepted", m1), 5s);
    REQUIRE(accepted);
    CHECK(accepted->at("from") == "proposed");
    CHECK(accepted->at("status") == "accepted");

    // A weekly support: once a visit is done the server proposes next week's to the same volunteer.
    auto b = city.new_volunteer("feed-b");
    auto r2 = city.public_request(request_body("weekly", "friendly_call"));
    const auto t = now_s();
    const auto w1 = city.propose(r2.id, b.id, t - 2 * hour, t - hour);
    ok(b.client->post_json("/api/v1/missions/" + w1 + "/accept", json::object{}));
    ok(b.client->post_json("/api/v1/missions/" + w1 + "/complete",
                           json::object{{"report", {{"duration_minutes", 30}, {"outcome", "good"}}}}));
    REQUIRE(feed.wait_for(event_is("mission", "done", w1), 5s));
    auto next_week = feed.wait_for(other_proposal(r2.id, w1), 5s);
    REQUIRE(next_week);
    CHECK(next_week->at("volunteer_id") == json::value(b.id));

    // A proposal nobody answers expires on the maintenance tick; with auto-dispatch on, the request is
    // proposed again to someone else, by the server alone.
    auto c = city.new_volunteer("feed-c");
    auto d = city.new_volunteer("feed-d");
    auto r3 = city.public_request(request_body("once", "shopping"));
    ok(city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"proposal_ttl_minutes", 5}}));
    const auto m3 = city.propose(r3.id, c.id, t + 2 * day, t + 2 * day + hour);
    ok(city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"auto_dispatch", true}}));
    ok(city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(now_s() + 6 * 60)}}));
    auto expired = feed.wait_for(event_is("mission", "expired", m3), 15s);
    REQUIRE(expired);
    CHECK(expired->at("from") == "proposed");
    CHECK(expired->at("status") == "expired");
    auto flagged = feed.wait_for(event_is("request", "redispatch_flagged", r3.id), 5s);
    REQUIRE(flagged);
    CHECK(flagged->at("reason") == "expired");
    auto redispatched = feed.wait_for(other_proposal(r3.id, m3), 15s);
    REQUIRE(redispatched);
    CHECK(redispatched->at("volunteer_id") != json::value(c.id));

    // Ids and codes only: nothing of the people involved.
    REQUIRE(feed.messages.size() > 10);
    for (const auto& m : feed.messages) {
        INFO(m);
        for (const char* personal : {"Madeleine", "Bihan", "Brest", "madeleine@", "@volunteers", "Bernard",
                                     "02 99", "06 12", "Courses", "Vol-feed"})
            CHECK(m.find(personal) == std::string::npos);
    }
}

TEST_CASE(
    "live feed: a volunteer's feed carries their own missions' events only; anonymous callers get 401") {
    test_city city;
    auto a = city.new_volunteer("own-a");
    auto b = city.new_volunteer("own-b");
    auto r1 = city.public_request(request_body("once", "shopping"));
    auto r2 = city.public_request(request_body("once", "shopping"));
    const auto t = now_s();
    const auto m1 = city.propose(r1.id, a.id, t + day, t + day + hour);
    const auto m2 = city.propose(r2.id, b.id, t + day, t + day + hour);

    live_socket fa(city.port(), *a.client);
    live_socket fb(city.port(), *b.client);
    live_socket staff(city.port(), city.coordinator());
    REQUIRE(fa.status() == 101);
    REQUIRE(fb.status() == 101);
    REQUIRE(staff.status() == 101);
    live_socket anonymous(city.port(), *city.anonymous());
    CHECK(anonymous.status() == 401);

    ok(a.client->post_json("/api/v1/missions/" + m1 + "/accept", json::object{}));
    ok(b.client->post_json("/api/v1/missions/" + m2 + "/decline", json::object{{"reason", "not_available"}}));
    ok(city.coordinator().post_json("/api/v1/missions/" + m1 + "/cancel",
                                    json::object{{"reason", "coordinator"}}));

    REQUIRE(fa.wait_for(event_is("mission", "cancelled", m1), 5s));
    REQUIRE(fb.wait_for(event_is("mission", "declined", m2), 5s));
    // Staff see all of it, the requests' side included, in commit order (wait_for reads on from its last
    // match).
    CHECK(staff.wait_for(event_is("mission", "declined", m2), 5s));
    CHECK(staff.wait_for(event_is("request", "redispatch_flagged", r2.id), 5s));
    CHECK(staff.wait_for(event_is("mission", "cancelled", m1), 5s));

    std::vector<std::string> seen_by_a;
    for (const auto& e : fa.events()) {
        CHECK(e.at("entity") == "mission");
        CHECK(e.at("id") == json::value(m1));
        seen_by_a.push_back(str(e.at("action")));
    }
    CHECK(seen_by_a == std::vector<std::string>{"accepted", "cancelled"});
    // B's feed never gets A's mission (the cancellation came after B's decline, which B did get).
    CHECK_FALSE(fb.wait_for(event_is("mission", "cancelled", m1), 1500ms));
    for (const auto& e : fb.events())
        CHECK(e.at("id") == json::value(m2));
}

TEST_CASE("auto-dispatch: a new request is proposed at once, not at the next tick (default 30 s tick)") {
    test_city city;  // the default --tick
    std::vector<std::string> volunteers;
    for (const char* name : {"prompt-a", "prompt-b", "prompt-c"})
        volunteers.push_back(city.new_volunteer(name).id);
    live_socket feed(city.port(), city.coordinator());
    REQUIRE(feed.status() == 101);
    ok(city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"auto_dispatch", true}}));
    // Several at once, as a burst of residents: each gets its proposal (one maintenance run per burst).
    std::vector<std::string> ids;
    const auto before = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i)
        ids.push_back(city.public_request(request_body("once", "shopping")).id);
    for (const auto& id : ids) {
        INFO(id);
        auto proposed = feed.wait_for(other_proposal(id, ""), 10s);
        REQUIRE(proposed);
        CHECK(std::find(volunteers.begin(), volunteers.end(), str(proposed->at("volunteer_id"))) !=
              volunteers.end());
    }
    // Well before the first tick (30 s after start): the commit brought the run forward.
    CHECK(std::chrono::steady_clock::now() - before < 8s);
}
