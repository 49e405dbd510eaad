// The volunteers' charter and training records (issue 16): a registration accepts the charter in force
// (versioned per programme), a volunteer accepts a new version from their app, and a kind of help that
// requires a training has only trained volunteers as candidates.

#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

bool names_field(const http_response& res, const std::string& field) {
    const auto fields = error_fields(res);
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

/// The ids of the request's ranked candidates.
std::vector<std::string> candidate_ids(test_city& city, const std::string& request_id) {
    std::vector<std::string> out;
    auto body = city.staff_get("/api/v1/requests/" + request_id + "/candidates");
    for (const auto& item : body.at("items").as_array())
        out.emplace_back(item.at("volunteer").at("id").as_string());
    return out;
}

bool has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string today() {
    return iso(now_s()).substr(0, 10);
}

}  // namespace

TEST_CASE("training: a kind of help that requires a training has only trained volunteers as candidates") {
    test_city city;
    auto trained = city.new_volunteer("trained");
    auto untrained = city.new_volunteer("untrained");
    auto first = city.public_request(request_body());  // shopping
    {
        auto ids = candidate_ids(city, first.id);
        CHECK(has(ids, trained.id));
        CHECK(has(ids, untrained.id));
    }

    // Only an admin sets the requirement; a bad name is refused, naming the field.
    check_problem(city.coordinator().send_json("PATCH", "/api/v1/categories/shopping",
                                               json::object{{"training", "Formation argent et courses"}}),
                  403);
    auto bad =
        city.admin().send_json("PATCH", "/api/v1/categories/shopping", json::object{{"training", "x"}});
    check_problem(bad, 422);
    CHECK(names_field(bad, "training"));
    auto set = city.admin().send_json("PATCH", "/api/v1/categories/shopping",
                                      json::object{{"training", "Formation argent et courses"}});
    INFO(set.describe());
    REQUIRE(set.status == 200);
    CHECK(set.json().at("training") == "Formation argent et courses");
    CHECK(city.anonymous()->get_json("/api/v1/categories").at("items").as_array().size() > 0);

    // Nobody is trained: nobody is a candidate, and a proposal by hand is refused with the reason.
    {
        auto ids = candidate_ids(city, first.id);
        CHECK_FALSE(has(ids, trained.id));
        CHECK_FALSE(has(ids, untrained.id));
    }
    const auto starts = now_s() + 3 * 86400;
    auto refused =
        city.coordinator().post_json("/api/v1/missions", json::object{{"request_id", first.id},
                                                                      {"volunteer_id", untrained.id},
                                                                      {"starts_at", iso(starts)},
                                                                      {"ends_at", iso(starts + 3600)},
                                                                      {"outside_availability_ok", true}});
    check_problem(refused, 409);
    CHECK(refused.json().at("type").as_string().ends_with("/problems/training-required"));
    CHECK(problem_detail(refused).find("Formation argent et courses") != std::string::npos);

    // Hostile records: each refused, naming its fault, nothing written.
    const std::string target = "/api/v1/volunteers/" + trained.id + "/trainings/shopping";
    for (const auto& [body, field] : std::vector<std::pair<json::object, std::string>>{
             {json::object{{"trained_on", "2099-01-01"}}, "trained_on"},
             {json::object{{"trained_on", "31/12/2026"}}, "trained_on"},
             {json::object{{"trained_on", today()}, {"note", std::string(301, 'n')}}, "note"},
             {json::object{{"trained_on", today()}, {"certified", true}}, "certified"},
             {json::object{}, "trained_on"}}) {
        auto res = city.coordinator().send_json("PUT", target, body);
        INFO(res.describe());
        check_problem(res, 422);
        CHECK(names_field(res, field));
    }
    check_problem(
        city.coordinator().send_json("PUT", "/api/v1/volunteers/" + trained.id + "/trainings/knitting",
                                     json::object{{"trained_on", today()}}),
        404);
    check_problem(
        city.coordinator().send_json("PUT", "/api/v1/volunteers/vol_nobody00000000000/trainings/shopping",
                                     json::object{{"trained_on", today()}}),
        404);
    check_problem(trained.client->send_json("PUT", target, json::object{{"trained_on", today()}}), 403);
    CHECK(city.staff_get("/api/v1/volunteers/" + trained.id).at("trainings").as_array().empty());

    // Many coordinators record the same training at once: every call answers, one record.
    {
        std::vector<std::unique_ptr<http_client>> desks;
        for (int i = 0; i < 6; ++i)
            desks.push_back(city.signed_in(coordinator_email, coordinator_password));
        std::atomic<int> ok{0};
        std::vector<std::thread> threads;
        for (auto& d : desks)
            threads.emplace_back([&, c = d.get()] {
                for (int k = 0; k < 3; ++k)
                    if (c->send_json("PUT", target, json::object{{"trained_on", today()}, {"note", "CCAS"}})
                            .status == 200)
                        ++ok;
            });
        for (auto& t : threads)
            t.join();
        CHECK(ok == 18);
    }
    auto profile = city.staff_get("/api/v1/volunteers/" + trained.id);
    REQUIRE(profile.at("trainings").as_array().size() == 1);
    CHECK(profile.at("trainings").at(0).at("category") == "shopping");
    CHECK(profile.at("trainings").at(0).at("trained_on") == json::value(today()));
    CHECK(profile.at("trainings").at(0).at("note") == "CCAS");
    // The volunteer sees their own record.
    CHECK(trained.client->get_json("/api/v1/me/volunteer").at("trainings").as_array().size() == 1);

    // The trained volunteer is a candidate again; the other is not.
    {
        auto ids = candidate_ids(city, first.id);
        CHECK(has(ids, trained.id));
        CHECK_FALSE(has(ids, untrained.id));
    }
    auto mission =
        city.coordinator().post_json("/api/v1/missions", json::object{{"request_id", first.id},
                                                                      {"volunteer_id", trained.id},
                                                                      {"starts_at", iso(starts)},
                                                                      {"ends_at", iso(starts + 3600)},
                                                                      {"outside_availability_ok", true}});
    INFO(mission.describe());
    CHECK(mission.status == 201);

    // Removing the record takes them out again (a second removal: nothing to remove).
    auto second = city.public_request(request_body());
    CHECK(city.coordinator().send_json("DELETE", target, json::object{}).status == 204);
    check_problem(city.coordinator().send_json("DELETE", target, json::object{}), 404);
    CHECK_FALSE(has(candidate_ids(city, second.id), trained.id));

    // Without the requirement, everyone who offers the help is a candidate again.
    auto cleared =
        city.admin().send_json("PATCH", "/api/v1/categories/shopping", json::object{{"training", nullptr}});
    REQUIRE(cleared.status == 200);
    CHECK(cleared.json().at("training").is_null());
    auto ids = candidate_ids(city, second.id);
    CHECK(has(ids, trained.id));
    CHECK(has(ids, untrained.id));
}

TEST_CASE("charter: registering accepts the version in force; a volunteer accepts a new one from the app") {
    test_city city;
    auto anon = city.anonymous();
    CHECK(anon->get_json("/api/v1/programme").at("charter").is_null());
    // No charter: registration as before.
    auto before = city.new_volunteer("before");
    CHECK(city.staff_get("/api/v1/volunteers/" + before.id).at("charter").is_null());

    const auto programme_id =
        std::string(city.staff_get("/api/v1/programme").at("current_programme_id").as_string());
    const std::string publish = "/api/v1/programmes/" + programme_id + "/charter";
    const std::string text =
        "Je respecte la confidentialité de ce que je vois chez les habitants.\nJe ne manipule pas d'argent "
        "sans ticket de caisse.\nJe préviens la coordination de toute inquiétude.";
    check_problem(
        city.coordinator().post_json(publish, json::object{{"version", "2027-1"}, {"text_fr", text}}), 403);
    auto short_text =
        city.admin().post_json(publish, json::object{{"version", "2027-1"}, {"text_fr", "Court"}});
    check_problem(short_text, 422);
    CHECK(names_field(short_text, "text_fr"));
    check_problem(city.admin().post_json("/api/v1/programmes/prg_nobody0000000000000/charter",
                                         json::object{{"version", "2027-1"}, {"text_fr", text}}),
                  404);
    auto published = city.admin().post_json(publish, json::object{{"version", "2027-1"}, {"text_fr", text}});
    INFO(published.describe());
    REQUIRE(published.status == 201);
    CHECK(published.json().at("version") == "2027-1");
    check_problem(city.admin().post_json(publish, json::object{{"version", "2027-1"}, {"text_fr", text}}),
                  409);
    auto shown = anon->get_json("/api/v1/programme").at("charter");
    CHECK(shown.at("version") == "2027-1");
    CHECK(shown.at("text_fr") == json::value(text));

    // Registering without it, or with a version that is no longer in force: 422, nothing written.
    const auto count = city.staff_count("/api/v1/volunteers");
    auto body = volunteer_body("charter-missing@relais.test");
    auto missing = anon->post_json("/api/v1/volunteers", body);
    check_problem(missing, 422);
    CHECK(names_field(missing, "charter_version"));
    body["charter_version"] = "2026-9";
    auto stale = anon->post_json("/api/v1/volunteers", body);
    check_problem(stale, 422);
    CHECK(names_field(stale, "charter_version"));
    CHECK(problem_detail(stale).find("charter-missing") == std::string::npos);
    CHECK(city.staff_count("/api/v1/volunteers") == count);

    auto after = city.new_volunteer("after", true, json::object{{"charter_version", "2027-1"}});
    auto profile = city.staff_get("/api/v1/volunteers/" + after.id);
    CHECK(profile.at("charter").at("version") == "2027-1");
    CHECK(profile.at("charter").at("programme_id") == json::value(programme_id));

    // A new version: the earlier volunteer accepts it from the app (only the version in force).
    REQUIRE(city.admin()
                .post_json(publish, json::object{{"version", "2027-2"},
                                                 {"text_fr", text + "\nJe signale toute absence."},
                                                 {"text_en", "I keep what I see confidential."}})
                .status == 201);
    auto old = before.client->post_json("/api/v1/me/charter", json::object{{"version", "2027-1"}});
    check_problem(old, 422);
    CHECK(names_field(old, "version"));
    auto accepted = before.client->post_json("/api/v1/me/charter", json::object{{"version", "2027-2"}});
    INFO(accepted.describe());
    REQUIRE(accepted.status == 200);
    CHECK(accepted.json().at("charter").at("version") == "2027-2");
    CHECK(before.client->post_json("/api/v1/me/charter", json::object{{"version", "2027-2"}}).status == 200);
    check_problem(city.coordinator().post_json("/api/v1/me/charter", json::object{{"version", "2027-2"}}),
                  403);
    check_problem(anon->post_json("/api/v1/me/charter", json::object{{"version", "2027-2"}}), 401);
    // The other still shows the version they accepted: their app asks them to read the new one.
    CHECK(city.staff_get("/api/v1/volunteers/" + after.id).at("charter").at("version") == "2027-1");
}
