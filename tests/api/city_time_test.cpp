// The city's time zone is a setting of the programme (issue 13: city time in one place; issue 16: any
// city): matching reads volunteers' weekly availability in that zone's wall-clock time.
#include "api/support/fixtures.hpp"

#include "domain/city_time.hpp"
#include "domain/time_format.hpp"

#include <doctest/doctest.h>

namespace json = boost::json;
using namespace relais::api_test;
using relais::domain::city_time;

namespace {

/// Within the fixture volunteer's availability (Monday 09:00-12:00, Thursday 14:00-18:30) in `city`'s time.
bool within_availability(const city_time& city, std::int64_t starts, std::int64_t ends) {
    const int a = city.week_minute(starts), b = city.week_minute(ends - 1) + 1;
    const int mon_from = 9 * 60, mon_until = 12 * 60;
    const int thu_from = 3 * 1440 + 14 * 60, thu_until = 3 * 1440 + 18 * 60 + 30;
    return (a >= mon_from && b <= mon_until) || (a >= thu_from && b <= thu_until);
}

}  // namespace

TEST_CASE("the programme's time zone: shown, validated, and followed by matching") {
    test_city city;
    CHECK(city.anonymous()->get_json("/api/v1/programme").at("timezone") == "Europe/Paris");

    // Unknown zones are refused, naming the field, and nothing changes.
    for (const char* bad : {"Europe/Rennes", "+02:00", "../../etc/passwd", ""}) {
        auto res = city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"timezone", bad}});
        INFO(bad << ": " << res.describe());
        check_problem(res, 422);
        auto fields = error_fields(res);
        CHECK(std::find(fields.begin(), fields.end(), "timezone") != fields.end());
    }
    CHECK(city.staff_get("/api/v1/programme").at("timezone") == "Europe/Paris");
    // Only an admin sets it.
    check_problem(city.coordinator().send_json("PATCH", "/api/v1/programme",
                                               json::object{{"timezone", "America/Toronto"}}),
                  403);

    auto v = city.new_volunteer("tz");
    auto r = city.public_request(request_body());
    auto suggested = [&] {
        auto body = city.staff_get("/api/v1/requests/" + r.id + "/candidates");
        for (const auto& item : body.at("items").as_array())
            if (item.at("volunteer").at("id") == json::value(v.id)) {
                const auto& slot = item.at("suggested_slot");
                return std::pair{*relais::domain::parse_iso8601(slot.at("starts_at").as_string()),
                                 *relais::domain::parse_iso8601(slot.at("ends_at").as_string())};
            }
        FAIL("the volunteer is not among the candidates");
        return std::pair<std::int64_t, std::int64_t>{0, 0};
    };
    const city_time paris("Europe/Paris"), toronto("America/Toronto");
    {
        auto [starts, ends] = suggested();
        CHECK(within_availability(paris, starts, ends));
    }

    auto patched =
        city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"timezone", "America/Toronto"}});
    INFO(patched.describe());
    REQUIRE(patched.status == 200);
    CHECK(patched.json().at("timezone") == "America/Toronto");
    CHECK(city.anonymous()->get_json("/api/v1/programme").at("timezone") == "America/Toronto");
    {
        // The same availability, now Toronto's mornings and afternoons: 6 hours later than Paris'.
        auto [starts, ends] = suggested();
        CHECK(within_availability(toronto, starts, ends));
        CHECK_FALSE(within_availability(paris, starts, ends));
    }
}
