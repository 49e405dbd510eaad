// Reaching people who do not ask (issue 16): the register of vulnerable residents comes in from a CSV (all or
// nothing, every fault named; a known resident is not recorded twice), an outreach round makes one
// friendly call per registered resident (channel `outreach`, no tracking code sent), the batch plan assigns
// them, and each call's outcome moves the round's figures: reached, needs help (a new request), not reached
// (called again), declined. The real `relais` binary.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

std::string day(std::int64_t t) {
    return iso(t).substr(0, 10);
}

}  // namespace

TEST_CASE("outreach: the register comes in, a round calls everyone on it, each call's outcome is counted") {
    test_city city;
    relais::testing::temp_dir dir;
    // A resident the coordination already knows (she once asked for shopping).
    auto known = request_body("once", "shopping");
    known["resident"].as_object()["phone"] = "0299123456";
    known["resident"].as_object()["last_name"] = "Dupont";
    city.public_request(known);

    // Faulty register: nothing is put on it, every fault is named.
    const std::string bad = dir.file("registre-faux.csv");
    {
        std::ofstream f(bad);
        f << "prenom;nom;telephone;adresse;quartier;besoins;langues\n"
          << "Marcel;Dupont;02 99 12 34 56;4 rue Basse;Centre;isole|malvoyant;fr\n"
          << "Lise;;abc;;Atlantis;flying;xx1\n"
          << "Marcel;Dupont;02 99 12 34 56;4 rue Basse;Centre;;\n";
    }
    const auto refused = relais_command({"import", "register", "--db", city.db_path(), bad});
    CHECK(refused.code == 1);
    for (const char* expected :
         {"line 3: last_name:", "line 3: phone:", "line 3: address:", "line 3: neighbourhood:",
          "line 3: needs:", "line 3: languages:", "line 4: phone: this person appears twice"})
        CHECK_MESSAGE(refused.err.find(expected) != std::string::npos, expected, "\n", refused.err);
    CHECK(city.staff_get("/api/v1/register").at("size") == 0);

    // Through the page: a dry run counts, the import puts three on it (Mme Dupont is known: not recorded
    // twice).
    const std::string csv =
        "first_name,last_name,phone,address,neighbourhood,needs\n"
        "Jeanne,Dupont,0299123456,12 rue des Lilas,centre,isolated\n"
        "Marcel,Leroy,02 99 00 00 02,4 rue Basse,centre,\"isolated,reduced_mobility\"\n"
        "Yvette,Morel,+33 2 99 00 00 03,8 place Haute,maurepas,visually_impaired\n";
    auto res = city.coordinator().post_json("/api/v1/register-imports",
                                            json::object{{"csv", csv}, {"dry_run", true}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("added") == 2);
    CHECK(res.json().at("existing") == 1);
    CHECK(city.staff_get("/api/v1/register").at("size") == 0);
    const std::size_t residents_before = city.staff_count("/api/v1/residents");
    res = city.coordinator().post_json("/api/v1/register-imports", json::object{{"csv", csv}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("register_size") == 3);
    CHECK(city.staff_count("/api/v1/residents") == residents_before + 2);
    // Again: the same three, still three.
    REQUIRE(city.coordinator().post_json("/api/v1/register-imports", json::object{{"csv", csv}}).status ==
            200);
    CHECK(city.staff_get("/api/v1/register").at("size") == 3);

    // The round: one friendly call per registered resident, channel outreach.
    const auto now = now_s();
    check_problem(city.coordinator().post_json("/api/v1/outreach-rounds",
                                               json::object{{"name", "Canicule"},
                                                            {"starts_on", day(now + 5 * 86400)},
                                                            {"ends_on", day(now + 86400)}}),
                  422);
    res = city.coordinator().post_json(
        "/api/v1/outreach-rounds",
        json::object{
            {"name", "Canicule juillet"}, {"starts_on", day(now)}, {"ends_on", day(now + 3 * 86400)}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    const auto round = res.json();
    const std::string round_id(round.at("id").as_string());
    CHECK(round.at("residents") == 3);
    CHECK(round.at("pending") == 3);
    const auto calls = city.staff_get("/api/v1/requests?channel=outreach&limit=50").at("items").as_array();
    REQUIRE(calls.size() == 3);
    std::vector<std::string> ids;
    for (const auto& c : calls) {
        CHECK(c.at("category") == "friendly_call");
        ids.push_back(std::string(c.at("id").as_string()));
    }

    // A volunteer takes the first call through the batch plan (or a proposal), and does it.
    auto vol = city.new_volunteer("appels", true,
                                  json::object{{"skills", json::array{"friendly_call", "shopping"}}});
    const std::int64_t start = (now / 3600 + 2) * 3600;
    const auto m = city.propose(ids[0], vol.id, start, start + 1800);
    CHECK(city.staff_get("/api/v1/outreach-rounds/" + round_id).at("calls_assigned") == 1);
    REQUIRE(vol.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);

    // Outcomes: reached and fine; needs help (a shopping request is made); not reached (back in the queue);
    // declined. Hostile: an unknown outcome, needs help without its kind, a request of no round.
    const std::string path0 = "/api/v1/requests/" + ids[0] + "/call-outcome";
    check_problem(city.coordinator().post_json(path0, json::object{{"outcome", "maybe"}}), 422);
    auto need = city.coordinator().post_json("/api/v1/requests/" + ids[1] + "/call-outcome",
                                             json::object{{"outcome", "needs_help"}});
    check_problem(need, 422);
    auto plain = city.public_request(request_body("once", "shopping"));
    check_problem(city.coordinator().post_json("/api/v1/requests/" + plain.id + "/call-outcome",
                                               json::object{{"outcome", "reached_fine"}}),
                  409);
    check_problem(vol.client->post_json(path0, json::object{{"outcome", "reached_fine"}}), 403);

    REQUIRE(city.coordinator()
                .post_json(path0, json::object{{"outcome", "reached_fine"}, {"note", "Tout va bien"}})
                .status == 200);
    need = city.coordinator().post_json(
        "/api/v1/requests/" + ids[1] + "/call-outcome",
        json::object{{"outcome", "needs_help"},
                     {"need", json::object{{"category", "shopping"}, {"details", "Eau et fruits"}}}});
    INFO(need.describe());
    REQUIRE(need.status == 200);
    const auto need_json = need.json();
    const std::string follow_up(need_json.at("follow_up_request_id").as_string());
    const auto new_request = city.staff_get("/api/v1/requests/" + follow_up);
    CHECK(new_request.at("category") == "shopping");
    CHECK(new_request.at("channel") == "outreach");
    res = city.coordinator().post_json("/api/v1/requests/" + ids[2] + "/call-outcome",
                                       json::object{{"outcome", "not_reached"}});
    REQUIRE(res.status == 200);
    CHECK(city.staff_get("/api/v1/requests/" + ids[2]).at("redispatch") == true);

    const auto progress = city.staff_get("/api/v1/outreach-rounds/" + round_id);
    CHECK(progress.at("residents") == 3);
    CHECK(progress.at("reached_fine") == 1);
    CHECK(progress.at("needs_help") == 1);
    CHECK(progress.at("not_reached") == 1);
    CHECK(progress.at("pending") == 0);
    CHECK(city.staff_get("/api/v1/requests/" + ids[0]).at("status") == "closed");
    // The second try reaches them, who decline: the resident's latest outcome counts.
    REQUIRE(
        city.coordinator()
            .post_json("/api/v1/requests/" + ids[2] + "/call-outcome", json::object{{"outcome", "declined"}})
            .status == 200);
    const auto after = city.staff_get("/api/v1/outreach-rounds");
    REQUIRE(after.at("items").as_array().size() == 1);
    CHECK(after.at("items").at(0).at("not_reached") == 0);
    CHECK(after.at("items").at(0).at("declined") == 1);
    CHECK(city.staff_get("/api/v1/requests/" + ids[2]).at("outcome") == "cancelled");
    // The bilan counts the outreach calls under their channel (its period ends now, excluded: a second on,
    // every call made above is inside it).
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const auto summary = city.staff_get("/api/v1/stats/summary");
    INFO(json::serialize(summary.at("by_channel")));
    bool outreach = false;
    for (const auto& c : summary.at("by_channel").as_array())
        if (c.at("channel") == "outreach")
            outreach = c.at("requests").to_number<std::int64_t>() == 4;  // three calls and the shopping
    CHECK(outreach);
}

TEST_CASE("outreach: the volunteer who made the call reports it from their phone") {
    test_city city({"--test-clock"});
    const std::string csv =
        "first_name,last_name,phone,address,neighbourhood,needs\n"
        "Jeanne,Dupont,0299123456,12 rue des Lilas,centre,isolated\n"
        "Marcel,Leroy,02 99 00 00 02,4 rue Basse,centre,isolated\n"
        "Yvette,Morel,+33 2 99 00 00 03,8 place Haute,maurepas,visually_impaired\n"
        "Paul,Hamon,02 99 00 00 04,3 rue Haute,maurepas,isolated\n";
    REQUIRE(city.coordinator().post_json("/api/v1/register-imports", json::object{{"csv", csv}}).status ==
            200);
    const auto now = now_s();
    auto res = city.coordinator().post_json(
        "/api/v1/outreach-rounds",
        json::object{{"name", "Canicule"}, {"starts_on", day(now)}, {"ends_on", day(now + 3 * 86400)}});
    REQUIRE(res.status == 201);
    const std::string round_id(res.json().at("id").as_string());
    std::vector<std::string> ids;
    const auto listed = city.staff_get("/api/v1/requests?channel=outreach&limit=50");  // kept for the loop
    for (const auto& c : listed.at("items").as_array())
        ids.push_back(std::string(c.at("id").as_string()));
    REQUIRE(ids.size() == 4);

    auto vol = city.new_volunteer(
        "appelante", true,
        json::object{{"skills", json::array{"friendly_call"}}, {"max_missions_per_week", 10}});
    auto other = city.new_volunteer("voisin", true, json::object{{"skills", json::array{"friendly_call"}}});
    const std::int64_t start = (now / 3600 + 2) * 3600;
    std::vector<std::string> missions;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        missions.push_back(city.propose(ids[i], vol.id, start + static_cast<std::int64_t>(i) * 3600,
                                        start + static_cast<std::int64_t>(i) * 3600 + 1800));
        REQUIRE(vol.client->post_json("/api/v1/missions/" + missions[i] + "/accept", json::object{}).status ==
                200);
    }
    // Their app shows the calls as outreach calls.
    const auto mine = vol.client->get_json("/api/v1/me/missions");
    REQUIRE(mine.at("items").as_array().size() == 4);
    for (const auto& m : mine.at("items").as_array())
        CHECK(m.at("outreach") == true);
    CHECK(city.staff_get("/api/v1/missions/" + missions[0]).at("outreach") == true);

    // A friendly call that is no outreach call, accepted by the other volunteer.
    auto plain = city.public_request(request_body("once", "friendly_call"));
    const auto plain_m = city.propose(plain.id, other.id, start + 3600, start + 5400);
    REQUIRE(other.client->post_json("/api/v1/missions/" + plain_m + "/accept", json::object{}).status == 200);

    const auto path = [&](std::size_t i) { return "/api/v1/missions/" + missions[i] + "/call-outcome"; };
    // Before the call's time: refused, nothing recorded.
    check_problem(vol.client->post_json(path(0), json::object{{"outcome", "reached_fine"}}), 409);
    REQUIRE(
        city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(start + 5 * 3600)}}).status ==
        200);
    // Hostile: another volunteer's call (404), an unknown outcome, a length out of range, an unknown field,
    // needs help without its kind (422), a mission of no round (409). Nothing is recorded by any of them.
    check_problem(other.client->post_json(path(0), json::object{{"outcome", "reached_fine"}}), 404);
    check_problem(vol.client->post_json(path(0), json::object{{"outcome", "perhaps"}}), 422);
    check_problem(
        vol.client->post_json(path(0), json::object{{"outcome", "reached_fine"}, {"duration_minutes", 0}}),
        422);
    check_problem(
        vol.client->post_json(path(0), json::object{{"outcome", "reached_fine"}, {"resident", "x"}}), 422);
    check_problem(vol.client->post_json(path(1), json::object{{"outcome", "needs_help"}}), 422);
    check_problem(other.client->post_json("/api/v1/missions/" + plain_m + "/call-outcome",
                                          json::object{{"outcome", "reached_fine"}}),
                  409);
    auto progress = city.staff_get("/api/v1/outreach-rounds/" + round_id);
    CHECK(progress.at("reached_fine") == 0);
    CHECK(progress.at("pending") == 4);

    // Reached and fine: the mission is done with the call's length, the call closed.
    res = vol.client->post_json(path(0), json::object{{"outcome", "reached_fine"}, {"duration_minutes", 25}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "done");
    CHECK(res.json().at("report").at("duration_minutes") == 25);
    CHECK(city.staff_get("/api/v1/requests/" + ids[0]).at("status") == "closed");
    // Reported twice: refused (the mission is done).
    check_problem(vol.client->post_json(path(0), json::object{{"outcome", "reached_fine"}}), 409);
    // Needs help: done, and a shopping request is made for the resident.
    const std::size_t outreach_before = city.staff_count("/api/v1/requests?channel=outreach");
    res = vol.client->post_json(
        path(1),
        json::object{{"outcome", "needs_help"},
                     {"note", "Plus de courses depuis lundi"},
                     {"need", json::object{{"category", "shopping"}, {"details", "Eau et fruits"}}}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("report").at("outcome") == "difficult");
    CHECK(city.staff_count("/api/v1/requests?channel=outreach") == outreach_before + 1);
    // Not reached: the mission is missed, the call back on top of the queue (flagged once).
    res = vol.client->post_json(path(2), json::object{{"outcome", "not_reached"}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "missed");
    const auto again = city.staff_get("/api/v1/requests/" + ids[2]);
    CHECK(again.at("status") != "closed");
    CHECK(again.at("redispatch") == true);
    // Declined: the request cancelled, the mission with it.
    res = vol.client->post_json(path(3), json::object{{"outcome", "declined"}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "cancelled");
    CHECK(city.staff_get("/api/v1/requests/" + ids[3]).at("outcome") == "cancelled");

    progress = city.staff_get("/api/v1/outreach-rounds/" + round_id);
    CHECK(progress.at("reached_fine") == 1);
    CHECK(progress.at("needs_help") == 1);
    CHECK(progress.at("not_reached") == 1);
    CHECK(progress.at("declined") == 1);
    CHECK(progress.at("pending") == 0);
}

TEST_CASE("outreach: twelve simultaneous reports of one call record it once") {
    test_city city({"--test-clock"});
    REQUIRE(city.coordinator()
                .post_json("/api/v1/register-imports",
                           json::object{{"csv",
                                         "first_name,last_name,phone,address,neighbourhood,needs\n"
                                         "Jeanne,Dupont,0299123456,12 rue des Lilas,centre,isolated\n"}})
                .status == 200);
    const auto now = now_s();
    auto res = city.coordinator().post_json(
        "/api/v1/outreach-rounds",
        json::object{{"name", "Canicule"}, {"starts_on", day(now)}, {"ends_on", day(now + 86400)}});
    REQUIRE(res.status == 201);
    const std::string round_id(res.json().at("id").as_string());
    const auto calls = city.staff_get("/api/v1/requests?channel=outreach&limit=5").at("items").as_array();
    REQUIRE(calls.size() == 1);
    auto vol = city.new_volunteer("appelante", true, json::object{{"skills", json::array{"friendly_call"}}});
    const std::int64_t start = (now / 3600 + 2) * 3600;
    const auto m = city.propose(std::string(calls[0].at("id").as_string()), vol.id, start, start + 1800);
    REQUIRE(vol.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    REQUIRE(city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(start + 3600)}}).status ==
            200);
    // Six phones of the volunteer (a double tap, a retry on a bad network), two reports each, at once.
    std::vector<std::unique_ptr<http_client>> phones;
    for (int i = 0; i < 6; ++i)
        phones.push_back(city.signed_in(vol.email, vol.password));
    std::vector<int> statuses(12);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < phones.size(); ++i)
        threads.emplace_back([&, i] {
            for (std::size_t k = 0; k < 2; ++k)
                statuses[2 * i + k] = static_cast<int>(
                    phones[i]
                        ->post_json("/api/v1/missions/" + m + "/call-outcome",
                                    json::object{{"outcome", "needs_help"},
                                                 {"need", json::object{{"category", "shopping"}}}})
                        .status);
        });
    for (auto& t : threads)
        t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 409) == 11);
    // One follow-up request, one outcome.
    CHECK(city.staff_count("/api/v1/requests?channel=outreach") == 2);
    CHECK(city.staff_get("/api/v1/outreach-rounds/" + round_id).at("needs_help") == 1);
}
