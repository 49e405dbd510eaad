// The call for volunteers on dates set in advance (issue 15): the switch and the scheduled opening and
// closing decide together whether the public form registers anyone; the programme says whether it is open
// right now; dates in the wrong order are refused and leave the programme as it was. The real `relais`
// binary on a test clock.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

constexpr std::int64_t day = 86400;

void move_clock(test_city& city, std::int64_t t) {
    auto res = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t)}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
}

unsigned register_as(test_city& city, const std::string& tag) {
    auto anon = city.anonymous();
    auto res = anon->post_json("/api/v1/volunteers", volunteer_body(tag + "@call.test"));
    if (res.status == 409)
        CHECK(res.json().at("type") == "/problems/registration-closed");
    return res.status;
}

}  // namespace

TEST_CASE("volunteer call: scheduled opening and closing, the switch above both") {
    const std::int64_t t0 = (now_s() / day) * day + 8 * 3600;
    test_city city({"--test-clock", "--test-clock-start", iso(t0)});
    auto res = city.admin().send_json("PATCH", "/api/v1/programme",
                                      json::object{{"registration_opens_at", iso(t0 + day)},
                                                   {"registration_closes_at", iso(t0 + 3 * day)}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("registration_open_now") == false);
    CHECK(unix_of(res.json().at("registration_opens_at")) == t0 + day);
    // The public sees it too (the volunteer form says when the call opens).
    auto pub = city.anonymous()->get("/api/v1/programme");
    REQUIRE(pub.status == 200);
    CHECK(pub.json().at("registration_open_now") == false);
    CHECK(unix_of(pub.json().at("registration_opens_at")) == t0 + day);

    CHECK(register_as(city, "before") == 409);
    move_clock(city, t0 + day);
    CHECK(city.staff_get("/api/v1/programme").at("registration_open_now") == true);
    CHECK(register_as(city, "during") == 201);
    // The switch off closes it whatever the dates say; on again, the dates rule.
    REQUIRE(city.admin()
                .send_json("PATCH", "/api/v1/programme", json::object{{"registration_open", false}})
                .status == 200);
    CHECK(register_as(city, "switched") == 409);
    REQUIRE(city.admin()
                .send_json("PATCH", "/api/v1/programme", json::object{{"registration_open", true}})
                .status == 200);
    CHECK(register_as(city, "again") == 201);
    move_clock(city, t0 + 3 * day);
    CHECK(register_as(city, "after") == 409);
    CHECK(city.staff_get("/api/v1/programme").at("registration_open_now") == false);

    // Dates in the wrong order: 422, nothing changed.
    auto bad = city.admin().send_json("PATCH", "/api/v1/programme",
                                      json::object{{"registration_closes_at", iso(t0 + day / 2)}});
    check_problem(bad, 422);
    CHECK(unix_of(city.staff_get("/api/v1/programme").at("registration_closes_at")) == t0 + 3 * day);
    check_problem(city.admin().send_json("PATCH", "/api/v1/programme",
                                         json::object{{"registration_opens_at", "demain"}}),
                  422);
    // Cleared: open again without dates.
    res = city.admin().send_json(
        "PATCH", "/api/v1/programme",
        json::object{{"registration_opens_at", nullptr}, {"registration_closes_at", nullptr}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("registration_opens_at").is_null());
    CHECK(res.json().at("registration_open_now") == true);
    CHECK(register_as(city, "cleared") == 201);
    // A coordinator cannot move the dates.
    check_problem(city.coordinator().send_json("PATCH", "/api/v1/programme",
                                               json::object{{"registration_closes_at", iso(t0 + 10 * day)}}),
                  403);
}
