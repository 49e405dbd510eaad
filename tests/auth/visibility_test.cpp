// The volunteer's view of a mission (issue 4): the resident's contact only once the mission was accepted,
// until 7 days after it ended, the address only for home visits. The black-box tests cover the routes; the
// time window's far edge is checked here, where time is a parameter.
#include "api/encode.hpp"
#include "domain/missions.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

using relais::api::mission_for_volunteer;
using relais::api::resident_contact;
using relais::api::volunteer_sees_contact;

namespace {

constexpr std::int64_t t_end = 1'800'000'000;  // when the mission ended
constexpr std::int64_t day = 86400;

relais::domain::mission_record mission(const std::string& status, bool home_visit = true) {
    relais::domain::mission_record m;
    m.id = "mis_x";
    m.request_id = "req_x";
    m.resident_id = "res_secret_id";
    m.volunteer_id = "vol_x";
    m.status = status;
    m.starts_at = t_end - 3600;
    m.ends_at = t_end;
    m.category = home_visit ? "shopping" : "friendly_call";
    m.neighbourhood = "centre";
    m.details = "details";
    m.recurrence = "once";
    m.home_visit = home_visit;
    return m;
}

}  // namespace

TEST_CASE("the contact is visible from acceptance until exactly 7 days after the mission ended") {
    for (const char* s : {"accepted", "done", "missed"}) {
        INFO(s);
        const auto m = mission(s);
        CHECK(volunteer_sees_contact(m, m.starts_at - 30 * day));  // accepted long before it starts
        CHECK(volunteer_sees_contact(m, t_end));
        CHECK(volunteer_sees_contact(m, t_end + 6 * day));
        CHECK(volunteer_sees_contact(m, t_end + 7 * day));
        CHECK_FALSE(volunteer_sees_contact(m, t_end + 7 * day + 1));
        CHECK_FALSE(volunteer_sees_contact(m, t_end + 30 * day));
    }
}

TEST_CASE("a proposal, or a mission the volunteer declined, dropped or lost, never shows the contact") {
    for (const char* s : {"proposed", "declined", "dropped", "cancelled", "expired"}) {
        INFO(s);
        const auto m = mission(s);
        CHECK_FALSE(volunteer_sees_contact(m, m.starts_at - day));
        CHECK_FALSE(volunteer_sees_contact(m, t_end));
    }
}

TEST_CASE("the volunteer's view holds the proposal fields and at most first name, phone and address") {
    namespace json = boost::json;
    const auto m = mission("accepted");
    const auto without = mission_for_volunteer(m, std::nullopt);
    CHECK(without.at("resident").is_null());
    for (const char* k : {"category", "neighbourhood", "details", "starts_at", "ends_at", "status"})
        CHECK(without.contains(k));
    // No resident id, volunteer id or staff fields (notes, reasons) reach the volunteer.
    const auto text = json::serialize(without);
    CHECK(text.find("res_secret_id") == std::string::npos);
    CHECK_FALSE(without.contains("resident_id"));
    CHECK_FALSE(without.contains("note"));
    CHECK_FALSE(without.contains("reason"));

    relais::domain::resident_needs needs;
    needs.isolated = true;  // known to the coordination, never shown to the volunteer
    needs.visually_impaired = true;
    const auto with = mission_for_volunteer(
        m, resident_contact{"Josette", "0299000000", "1 rue X", needs, relais::domain::geo{48.11, -1.68}});
    const auto& r = with.at("resident").as_object();
    CHECK(r.size() == 5);
    CHECK(r.at("first_name") == "Josette");
    CHECK(r.at("phone") == "0299000000");
    CHECK(r.at("address") == "1 rue X");
    CHECK(r.at("needs") == json::object{{"reduced_mobility", false},
                                        {"visually_impaired", true},
                                        {"not_french_speaking", false}});
    CHECK(r.at("location").at("lat") == 48.11);
    CHECK(json::serialize(with).find("isolated") == std::string::npos);
    const auto no_address = mission_for_volunteer(
        mission("accepted", false), resident_contact{"J", "02", std::nullopt, {}, std::nullopt});
    CHECK(no_address.at("resident").at("location").is_null());
    CHECK(no_address.at("resident").at("address").is_null());
}
