// Issue 15, "Volunteers": the coordination may refuse an applicant, saying why (not only validate them); the
// refusal closes the registration, stops the account, and counts in the bilan as a refusal.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <thread>

using namespace relais::api_test;
namespace json = boost::json;

TEST_CASE("applicants: a registration is refused with a reason; only a registration not yet validated") {
    test_city city;
    auto& coord = city.coordinator();
    auto applicant = city.new_volunteer("applicant", false);
    auto active = city.new_volunteer("active");

    // The reason is required, in words.
    check_problem(coord.post_json("/api/v1/volunteers/" + applicant.id + "/refuse", json::object{}), 422);
    check_problem(
        coord.post_json("/api/v1/volunteers/" + applicant.id + "/refuse", json::object{{"reason", " "}}),
        422);
    // Someone already validated is withdrawn, not refused.
    auto validated = coord.post_json("/api/v1/volunteers/" + active.id + "/refuse",
                                     json::object{{"reason", "Pas domicilié dans la ville"}});
    check_problem(validated, 409);
    CHECK(city.staff_get("/api/v1/volunteers/" + active.id).at("status") == "active");
    // A volunteer cannot refuse anyone.
    check_problem(active.client->post_json("/api/v1/volunteers/" + applicant.id + "/refuse",
                                           json::object{{"reason", "Pas domicilié dans la ville"}}),
                  403);

    auto refused = coord.post_json("/api/v1/volunteers/" + applicant.id + "/refuse",
                                   json::object{{"reason", "Pas domicilié dans la ville"}});
    INFO(refused.describe());
    REQUIRE(refused.status == 200);
    CHECK(refused.json().at("status") == "withdrawn");
    const auto v = city.staff_get("/api/v1/volunteers/" + applicant.id);
    CHECK(v.at("status") == "withdrawn");
    CHECK(v.at("withdrawal_reason") == "refused");
    CHECK(v.at("withdrawal_note") == "Pas domicilié dans la ville");
    // Once only.
    check_problem(
        coord.post_json("/api/v1/volunteers/" + applicant.id + "/refuse", json::object{{"reason", "Encore"}}),
        409);

    // Their account no longer signs in.
    auto anon = city.anonymous();
    auto login = anon->post_json("/api/v1/auth/login",
                                 json::object{{"email", applicant.email}, {"password", applicant.password}});
    CHECK(login.status >= 400);

    // The bilan counts one refusal, not after a validation; the applicant no longer awaits validation. (The
    // summary's period ends now, to the second: a change of this second counts from the next one.)
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const auto summary = city.staff_get("/api/v1/stats/summary");
    bool counted = false;
    for (const auto& w : summary.at("withdrawals").as_array())
        if (w.at("reason") == "refused") {
            counted = true;
            CHECK(w.at("count") == 1);
            CHECK(w.at("after_validation") == 0);
        }
    CHECK(counted);
    CHECK(summary.at("figures").at("volunteers_awaiting_validation") == 0);
}
