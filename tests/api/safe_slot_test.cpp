// Issue 15, "Safe slots": a proposal in the past is refused (422); one outside the volunteer's weekly
// availability (city time) asks for the coordinator's confirmation (409, then outside_availability_ok); the
// volunteer's answer deadline, `answer_by`, is never after the mission's start.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <string>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;

/// 08:30 UTC on the first Monday at least two days ahead: 09:30 or 10:30 in Paris, inside the test
/// volunteers' Monday 09:00-12:00 availability whatever the season.
std::int64_t next_monday_0830_utc() {
    std::int64_t d = now_s() / day + 2;
    while ((d + 3) % 7 != 0)  // 1970-01-01 was a Thursday
        ++d;
    return d * day + 8 * hour + 30 * 60;
}

json::object proposal(const std::string& request, const std::string& volunteer, std::int64_t starts,
                      std::int64_t ends) {
    return json::object{{"request_id", request},
                        {"volunteer_id", volunteer},
                        {"starts_at", iso(starts)},
                        {"ends_at", iso(ends)}};
}

}  // namespace

TEST_CASE("safe slots: the past is refused, outside availability needs a confirmation, answer_by <= start") {
    test_city city;
    auto v = city.new_volunteer("sam");
    auto& coord = city.coordinator();
    const auto monday = next_monday_0830_utc();

    // A slot in the past: 422 naming starts_at, nothing written.
    auto first = city.public_request(request_body("once", "shopping"));
    auto past = coord.post_json("/api/v1/missions", proposal(first.id, v.id, now_s() - hour, now_s()));
    check_problem(past, 422);
    CHECK(error_fields(past) == std::vector<std::string>{"starts_at"});
    CHECK(city.staff_count("/api/v1/missions?request_id=" + first.id) == 0);

    // Tuesday is outside the volunteer's availability: 409 of its own type, nothing written...
    const auto tuesday = monday + day;
    auto outside = coord.post_json("/api/v1/missions", proposal(first.id, v.id, tuesday, tuesday + 1800));
    check_problem(outside, 409);
    CHECK(outside.json().at("type") == "/problems/outside-availability");
    CHECK(city.staff_count("/api/v1/missions?request_id=" + first.id) == 0);
    // ... unless the coordinator confirms it.
    auto body = proposal(first.id, v.id, tuesday, tuesday + 1800);
    body["outside_availability_ok"] = true;
    auto confirmed = coord.post_json("/api/v1/missions", body);
    INFO(confirmed.describe());
    REQUIRE(confirmed.status == 201);
    const auto m1 = confirmed.json();
    CHECK(m1.at("status") == "proposed");
    CHECK(unix_of(m1.at("answer_by")) == unix_of(m1.at("expires_at")));
    CHECK(unix_of(m1.at("answer_by")) <= unix_of(m1.at("starts_at")));

    // Inside the availability (Monday morning, city time): no confirmation needed.
    auto second = city.public_request(request_body("once", "walk"));
    auto inside = coord.post_json("/api/v1/missions", proposal(second.id, v.id, monday, monday + 1800));
    INFO(inside.describe());
    REQUIRE(inside.status == 201);
    CHECK(unix_of(inside.json().at("answer_by")) <= monday);

    // A mission starting within the hour: the volunteer answers before it starts, not in the programme's
    // 24 hours; the volunteer's own view says so too.
    auto third = city.public_request(request_body("once", "reading"));
    const auto soon = now_s() + 30 * 60;
    auto soon_body = proposal(third.id, v.id, soon, soon + 1800);
    soon_body["outside_availability_ok"] = true;
    auto quick = coord.post_json("/api/v1/missions", soon_body);
    INFO(quick.describe());
    REQUIRE(quick.status == 201);
    const auto quick_json = quick.json();
    CHECK(unix_of(quick_json.at("answer_by")) == soon);
    const std::string quick_id(quick_json.at("id").as_string());
    auto mine = v.client->get("/api/v1/missions/" + quick_id);
    INFO(mine.describe());
    REQUIRE(mine.status == 200);
    const auto mine_json = mine.json();
    CHECK(unix_of(mine_json.at("answer_by")) == soon);

    // A mission that already took place may be recorded, when the coordinator says so, up to 7 days late.
    auto fourth = city.public_request(request_body("once", "shopping"));
    auto record = proposal(fourth.id, v.id, now_s() - day, now_s() - day + hour);
    record["outside_availability_ok"] = true;
    record["already_happened"] = true;
    auto recorded = coord.post_json("/api/v1/missions", record);
    INFO(recorded.describe());
    CHECK(recorded.status == 201);
    auto too_old = proposal(fourth.id, v.id, now_s() - 8 * day, now_s() - 8 * day + hour);
    too_old["outside_availability_ok"] = true;
    too_old["already_happened"] = true;
    check_problem(coord.post_json("/api/v1/missions", too_old), 422);

    // Once answered, there is no deadline any more.
    auto accepted = v.client->post_json("/api/v1/missions/" + quick_id + "/accept", json::object{});
    INFO(accepted.describe());
    REQUIRE(accepted.status == 200);
    const auto accepted_json = accepted.json();
    CHECK(accepted_json.at("answer_by").is_null());
}
