// Collective activities end to end (issue 15): run by the city itself or by a partner; who signed up, as the
// organiser may see them (a partner: first names, phones only with the volunteer's agreement; audited);
// attendance once begun, all or nothing; the bilan's `collectives` table; places never oversold under a
// rush of simultaneous sign-ups. The real `relais` binary on a test clock.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

void check_fields(const http_response& res, const std::vector<std::string>& expected) {
    INFO(res.describe());
    check_problem(res, 422);
    const auto fields = error_fields(res);
    for (const auto& f : expected) {
        INFO("field " << f);
        CHECK(std::find(fields.begin(), fields.end(), f) != fields.end());
    }
}

void move_clock(test_city& city, std::int64_t t) {
    auto res = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t)}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
}

json::object activity(const char* title, std::int64_t starts, int capacity) {
    return json::object{{"title", title},
                        {"place", "Salle de la Cité"},
                        {"starts_at", iso(starts)},
                        {"ends_at", iso(starts + 2 * hour)},
                        {"capacity", capacity}};
}

std::string id_of(const http_response& res) {
    INFO(res.describe());
    REQUIRE(res.status == 201);
    return std::string(res.json().at("id").as_string());
}

const json::value* row_of(const json::value& summary, const std::string& organiser_id) {
    for (const auto& r : summary.at("collectives").as_array())
        if (r.at("organiser_id") == json::value(organiser_id))
            return &r;
    return nullptr;
}

}  // namespace

TEST_CASE(
    "collectives: the city's own and a partner's; sign-ups as the organiser sees them; attendance; bilan") {
    const std::int64_t t0 = (now_s() / day) * day + 7 * hour;
    test_city city({"--test-clock", "--test-clock-start", iso(t0)});
    const auto t = t0;

    // The city runs one itself: no partner.
    auto res =
        city.coordinator().post_json("/api/v1/collective-missions", activity("Distribution", t + day, 3));
    const auto city_col = id_of(res);
    CHECK(res.json().at("partner_id").is_null());
    CHECK(res.json().at("organiser") == "city");
    CHECK_FALSE(res.json().at("organiser_name").as_string().empty());
    auto null_partner = activity("Atelier", t + day, 3);
    null_partner["partner_id"] = nullptr;
    CHECK(
        id_of(city.coordinator().post_json("/api/v1/collective-missions", null_partner)).starts_with("col_"));

    // A partner's, through its own account.
    res = city.coordinator().post_json(
        "/api/v1/partners", json::object{{"name", "Maison des Familles"}, {"kind", "association"}});
    REQUIRE(res.status == 201);
    const std::string partner(res.json().at("id").as_string());
    REQUIRE(city.admin()
                .post_json("/api/v1/users", json::object{{"email", "mdf@partners.test"},
                                                         {"role", "partner"},
                                                         {"password", "partner password 2026"},
                                                         {"partner_id", partner}})
                .status == 201);
    auto p = city.signed_in("mdf@partners.test", "partner password 2026");
    res = p->post_json("/api/v1/collective-missions", activity("Goûter", t + day, 4));
    const auto partner_col = id_of(res);
    CHECK(res.json().at("organiser") == "partner");
    CHECK(res.json().at("organiser_name") == "Maison des Familles");

    // A registration not validated yet cannot take a place.
    auto pending = city.new_volunteer("attente", false);
    auto pending_client = city.signed_in(pending.email, pending.password);
    auto refused =
        pending_client->post_json("/api/v1/collective-missions/" + city_col + "/signup", json::object{});
    check_problem(refused, 403);
    CHECK(contains(refused.body, "awaiting-validation"));

    auto ana = city.new_volunteer("ana");
    auto ben = city.new_volunteer("ben");
    auto cyr = city.new_volunteer("cyr");
    // Hostile bodies: a string for a boolean, an unknown field.
    check_fields(ana.client->post_json("/api/v1/collective-missions/" + partner_col + "/signup",
                                       json::object{{"share_phone", "yes"}}),
                 {"share_phone"});
    check_fields(ana.client->post_json("/api/v1/collective-missions/" + partner_col + "/signup",
                                       json::object{{"phone", "+33600000000"}}),
                 {"phone"});
    REQUIRE(ana.client
                ->post_json("/api/v1/collective-missions/" + partner_col + "/signup",
                            json::object{{"share_phone", true}})
                .status == 200);
    REQUIRE(ben.client->post_json("/api/v1/collective-missions/" + partner_col + "/signup", json::object{})
                .status == 200);
    REQUIRE(
        ana.client->post_json("/api/v1/collective-missions/" + city_col + "/signup", json::object{}).status ==
        200);

    // The partner: first names; Ana's phone (she agreed), not Ben's; no last names.
    auto seen = p->get_json("/api/v1/collective-missions/" + partner_col + "/signups");
    const auto& items = seen.at("items").as_array();
    REQUIRE(items.size() == 2);
    CHECK(items[0].at("volunteer_id") == json::value(ana.id));
    CHECK(items[0].at("phone").is_string());
    CHECK(items[0].at("phone_shared") == true);
    CHECK(items[0].at("last_name").is_null());
    CHECK(items[1].at("volunteer_id") == json::value(ben.id));
    CHECK(items[1].at("phone").is_null());
    CHECK(items[1].at("phone_shared") == false);
    CHECK(items[1].at("attended").is_null());
    // Each read is in the audit log, under the volunteer it showed.
    auto audit = city.admin().get_json("/api/v1/audit?subject_id=" + ben.id);
    bool partner_read = false;
    for (const auto& e : audit.at("items").as_array())
        partner_read = partner_read || (e.at("role") == "partner" && e.at("subject_type") == "volunteer");
    CHECK(partner_read);
    // Staff see full names and every phone.
    auto staff_view = city.staff_get("/api/v1/collective-missions/" + partner_col + "/signups");
    CHECK(staff_view.at("items").at(1).at("phone").is_string());
    CHECK(staff_view.at("items").at(1).at("last_name").is_string());
    // The partner cannot see the city's activity, nor record its attendance.
    check_problem(p->get("/api/v1/collective-missions/" + city_col + "/signups"), 404);
    check_problem(p->post_json("/api/v1/collective-missions/" + city_col + "/attendance",
                               json::object{{"attendance", json::array{json::object{{"volunteer_id", ana.id},
                                                                                    {"attended", true}}}}}),
                  404);

    // Attendance: not before it begins.
    const json::object came{
        {"attendance", json::array{json::object{{"volunteer_id", ana.id}, {"attended", true}},
                                   json::object{{"volunteer_id", ben.id}, {"attended", false}}}}};
    auto early = p->post_json("/api/v1/collective-missions/" + partner_col + "/attendance", came);
    check_problem(early, 409);
    CHECK(contains(problem_detail(early), "not started"));
    move_clock(city, t + day + hour);
    // Someone holding no place (Ana's mark beside it is not kept either), a malformed mark: 422 naming it.
    auto bad =
        p->post_json("/api/v1/collective-missions/" + partner_col + "/attendance",
                     json::object{{"attendance",
                                   json::array{json::object{{"volunteer_id", ana.id}, {"attended", true}},
                                               json::object{{"volunteer_id", cyr.id}, {"attended", true}}}}});
    check_fields(bad, {"attendance[1].volunteer_id"});
    bad = p->post_json("/api/v1/collective-missions/" + partner_col + "/attendance",
                       json::object{{"attendance", json::array{json::object{{"volunteer_id", ben.id},
                                                                            {"attended", "oui"}}}}});
    check_fields(bad, {"attendance[0].attended"});
    check_fields(p->post_json("/api/v1/collective-missions/" + partner_col + "/attendance",
                              json::object{{"attendance", json::array{}}}),
                 {"attendance"});
    CHECK(p->get_json("/api/v1/collective-missions/" + partner_col + "/signups")
              .at("items")
              .at(0)
              .at("attended")
              .is_null());
    res = p->post_json("/api/v1/collective-missions/" + partner_col + "/attendance", came);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("items").at(0).at("attended") == true);
    CHECK(res.json().at("items").at(1).at("attended") == false);
    CHECK(city.staff_get("/api/v1/collective-missions/" + partner_col).at("attended") == 1);
    REQUIRE(city.coordinator()
                .post_json("/api/v1/collective-missions/" + city_col + "/attendance",
                           json::object{{"attendance", json::array{json::object{{"volunteer_id", ana.id},
                                                                                {"attended", true}}}}})
                .status == 200);

    // The bilan: per organiser, and a total counting Ana once.
    move_clock(city, t + 2 * day);
    const auto summary =
        city.staff_get("/api/v1/stats/summary?from=" + iso(t - day) + "&until=" + iso(t + 2 * day));
    const auto* city_row = row_of(summary, "city");
    const auto* partner_row = row_of(summary, partner);
    const auto* total = row_of(summary, "all");
    REQUIRE(city_row);
    REQUIRE(partner_row);
    REQUIRE(total);
    CHECK(city_row->at("held") == 2);
    CHECK(city_row->at("places") == 6);
    CHECK(city_row->at("signups") == 1);
    CHECK(city_row->at("attended") == 1);
    CHECK(partner_row->at("organiser") == "Maison des Familles");
    CHECK(partner_row->at("signups") == 2);
    CHECK(partner_row->at("attended") == 1);
    CHECK(partner_row->at("absent") == 1);
    CHECK(total->at("attended") == 2);
    CHECK(total->at("volunteers") == 1);
    auto csv =
        city.coordinator().get("/api/v1/stats/export.csv?table=collectives&lang=fr&from=" + iso(t - day) +
                               "&until=" + iso(t + 2 * day));
    REQUIRE(csv.status == 200);
    CHECK(contains(csv.body, "Maison des Familles"));
    CHECK(contains(csv.body, "Présents"));
}

TEST_CASE("collectives: a rush of simultaneous sign-ups never takes more places than there are") {
    test_city city;
    const auto col = id_of(
        city.coordinator().post_json("/api/v1/collective-missions", activity("Rush", now_s() + day, 3)));
    constexpr int n = 8;
    std::vector<volunteer_account> volunteers;
    for (int i = 0; i < n; ++i)
        volunteers.push_back(city.new_volunteer("rush" + std::to_string(i)));
    std::atomic<int> go{0};
    std::vector<unsigned> statuses(n, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            while (go.load() == 0)
                std::this_thread::yield();
            try {
                statuses[i] =
                    volunteers[i]
                        .client->post_json("/api/v1/collective-missions/" + col + "/signup", json::object{})
                        .status;
            } catch (const std::exception&) {
                statuses[i] = 1;
            }
        });
    }
    go = 1;
    for (auto& th : threads)
        th.join();
    int ok = 0, full = 0;
    for (auto s : statuses) {
        ok += s == 200;
        full += s == 409;
    }
    CHECK(ok == 3);
    CHECK(full == n - 3);
    CHECK(city.staff_get("/api/v1/collective-missions/" + col).at("signed_up") == 3);
    CHECK(city.staff_get("/api/v1/collective-missions/" + col + "/signups").at("items").as_array().size() ==
          3);
}
