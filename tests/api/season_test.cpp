// A whole small season driven through the API alone (issue 3, "Done when"): volunteers register and are
// validated; requests come in by web and by phone; missions are proposed, accepted, declined, dropped and
// re-proposed, completed with reports (one raising a welfare concern, then acknowledged); a weekly support
// goes on with the same volunteer week after week; a stand-in is named; volunteers pause, resume and
// withdraw; a partner's collective mission fills up; and the event log tells that story.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <thread>

namespace json = boost::json;
using namespace relais::api_test;

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

/// "entity:action" of each entry of a request's history (or of an event list).
std::vector<std::string> story(const json::value& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries.as_array())
        out.push_back(str(e.at("entity")) + ":" + str(e.at("action")));
    return out;
}

std::string user_id_of(http_client& c) {
    return str(c.get_json("/api/v1/me").at("user").at("id"));
}

}  // namespace

TEST_CASE("a whole season through the API, and the event log tells it") {
    test_city city;
    auto& coord = city.coordinator();
    auto anon = city.anonymous();

    // --- The programme and the volunteers
    // --------------------------------------------------------------------
    auto programme = anon->get_json("/api/v1/programme");
    CHECK(programme.at("registration_open") == true);
    REQUIRE(programme.at("categories").as_array().size() >= 11);

    auto alice = city.new_volunteer("alice");
    auto bruno = city.new_volunteer("bruno");
    auto chloe = city.new_volunteer("chloe");
    auto damien = city.new_volunteer("damien");
    auto elise = city.new_volunteer("elise");
    auto late = city.new_volunteer("late", false);  // registered, never validated this season
    CHECK(city.staff_count("/api/v1/volunteers?status=active") == 5);
    CHECK(city.staff_count("/api/v1/volunteers?status=registered") == 1);
    const auto alice_user = user_id_of(*alice.client);
    const auto damien_user = user_id_of(*damien.client);

    // Registration closes three weeks in; a latecomer is turned away.
    ok(city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"registration_open", false}}));
    auto refused = anon->post_json("/api/v1/volunteers", volunteer_body("too-late@volunteers.test"));
    CHECK(refused.status == 409);

    // --- Requests: by web and by phone
    // -----------------------------------------------------------------------
    auto r1 = city.public_request(request_body("once", "shopping"));  // web
    auto phone_body = request_body("weekly", "friendly_call");
    phone_body["channel"] = "phone";
    phone_body["resident"].as_object()["first_name"] = "Germaine";
    phone_body["resident"].as_object().erase("email");
    const auto r2 = str(ok(coord.post_json("/api/v1/requests", phone_body), 201).at("id"));  // phone intake
    auto r3 = city.public_request(request_body("once", "medicines"));  // web, cancelled by the resident
    CHECK(city.staff_get("/api/v1/requests/" + r2).at("channel") == "phone");
    CHECK(city.staff_get("/api/v1/requests/" + r1.id).at("channel") == "web");
    CHECK(city.staff_count("/api/v1/requests?status=new") == 3);

    // --- R1: declined, re-proposed, accepted, dropped, re-proposed, done with a welfare concern
    // ---------------
    const auto t = now_s();
    auto m_a = city.propose(r1.id, alice.id, t + day, t + day + hour);
    ok(alice.client->post_json("/api/v1/missions/" + m_a + "/decline",
                               json::object{{"reason", "not_available"}, {"note", "En vacances"}}));
    auto queue = city.staff_get("/api/v1/requests?status=new");
    CHECK(queue.at("items").at(0).at("id") == json::value(r1.id));  // back on top, flagged
    CHECK(queue.at("items").at(0).at("redispatch") == true);

    auto m_b = city.propose(r1.id, bruno.id, t + day, t + day + hour);
    ok(bruno.client->post_json("/api/v1/missions/" + m_b + "/accept", json::object{}));
    CHECK(city.staff_get("/api/v1/requests/" + r1.id).at("status") == "matched");
    ok(bruno.client->post_json("/api/v1/missions/" + m_b + "/drop", json::object{{"reason", "emergency"}}));
    auto r1_view = city.staff_get("/api/v1/requests/" + r1.id);
    CHECK(r1_view.at("status") == "new");
    CHECK(r1_view.at("redispatch") == true);
    CHECK(r1_view.at("redispatch_count") == 2);

    // Chloé goes the same afternoon (the slot has already started, so she can report at once).
    auto m_c = city.propose(r1.id, chloe.id, t - 2 * hour, t - hour);
    ok(chloe.client->post_json("/api/v1/missions/" + m_c + "/accept", json::object{}));
    auto done =
        ok(chloe.client->post_json("/api/v1/missions/" + m_c + "/complete",
                                   json::object{{"report",
                                                 {{"duration_minutes", 50},
                                                  {"outcome", "difficult"},
                                                  {"welfare_concern", true},
                                                  {"note", "Tres fatiguee, refrigerateur presque vide"}}}}));
    CHECK(done.at("status") == "done");
    auto welfare = city.staff_get("/api/v1/missions?welfare=true");
    REQUIRE(welfare.at("items").as_array().size() == 1);
    CHECK(welfare.at("items").at(0).at("id") == json::value(m_c));
    ok(coord.post_json("/api/v1/missions/" + m_c + "/acknowledge-welfare", json::object{}));
    CHECK(city.staff_get("/api/v1/missions?welfare=true").at("items").as_array().empty());
    r1_view = city.staff_get("/api/v1/requests/" + r1.id);
    CHECK(r1_view.at("status") == "closed");
    CHECK(r1_view.at("outcome") == "fulfilled");
    auto tracked = anon->get_json("/api/v1/track/" + r1.tracking_code);
    CHECK(tracked.at("status") == "closed");
    CHECK(tracked.at("outcome") == "fulfilled");

    // --- R2: a weekly friendly call with Damien, week after week
    // ---------------------------------------------- Week 1 was a week ago (recorded late, within the 7 days
    // allowed); week 2 starts in a few seconds.
    constexpr std::int64_t margin = 6;
    const auto t0 = now_s();
    auto w1 = city.propose(r2, damien.id, t0 - 7 * day + margin, t0 - 7 * day + margin + hour);
    ok(damien.client->post_json("/api/v1/missions/" + w1 + "/accept", json::object{}));
    const auto support = str(city.staff_get("/api/v1/requests/" + r2).at("support").at("id"));
    ok(damien.client->post_json("/api/v1/missions/" + w1 + "/complete",
                                json::object{{"report", {{"duration_minutes", 30}, {"outcome", "good"}}}}));
    // The server proposed next week's call to Damien, in the same support.
    auto proposed = city.staff_get("/api/v1/missions?request_id=" + r2 + "&status=proposed");
    REQUIRE(proposed.at("items").as_array().size() == 1);
    auto w2 = proposed.at("items").at(0);
    CHECK(w2.at("volunteer_id") == json::value(damien.id));
    CHECK(w2.at("support_id") == json::value(support));
    CHECK(unix_of(w2.at("starts_at")) == t0 + margin);
    const auto w2_id = str(w2.at("id"));
    // Damien sees it in his list and accepts; then the call takes place and he reports.
    bool listed = false;
    const auto damien_missions = damien.client->get_json("/api/v1/me/missions");
    for (const auto& m : damien_missions.at("items").as_array())
        listed = listed || m.at("id") == json::value(w2_id);
    CHECK(listed);
    ok(damien.client->post_json("/api/v1/missions/" + w2_id + "/accept", json::object{}));
    while (now_s() <= t0 + margin)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ok(damien.client->post_json("/api/v1/missions/" + w2_id + "/complete",
                                json::object{{"report", {{"duration_minutes", 40}, {"outcome", "good"}}}}));
    proposed = city.staff_get("/api/v1/missions?request_id=" + r2 + "&status=proposed");
    REQUIRE(proposed.at("items").as_array().size() == 1);
    const auto w3_id = str(proposed.at("items").at(0).at("id"));
    CHECK(proposed.at("items").at(0).at("volunteer_id") == json::value(damien.id));
    CHECK(proposed.at("items").at(0).at("support_id") == json::value(support));
    CHECK(unix_of(proposed.at("items").at(0).at("starts_at")) == t0 + margin + 7 * day);
    CHECK(city.staff_count("/api/v1/missions?request_id=" + r2 + "&status=done") == 2);
    CHECK(city.staff_count("/api/v1/supports?request_id=" + r2) == 1);
    CHECK(city.staff_get("/api/v1/requests/" + r2).at("status") == "matched");

    // Elise is named stand-in.
    ok(coord.send_json("PATCH", "/api/v1/supports/" + support,
                       json::object{{"standin_volunteer_id", elise.id}}));

    // --- Volunteers pause, resume, withdraw
    // ------------------------------------------------------------------
    ok(alice.client->post_json("/api/v1/volunteers/" + alice.id + "/pause", json::object{}));
    CHECK(coord
              .post_json("/api/v1/missions", json::object{{"request_id", r3.id},
                                                          {"volunteer_id", alice.id},
                                                          {"starts_at", iso(t + 2 * day)},
                                                          {"ends_at", iso(t + 2 * day + hour)}})
              .status == 409);  // paused: no proposals
    ok(alice.client->post_json("/api/v1/volunteers/" + alice.id + "/resume", json::object{}));
    // Damien moves away: his week-3 proposal is released and the support passes to Elise.
    ok(damien.client->post_json("/api/v1/volunteers/" + damien.id + "/withdraw",
                                json::object{{"reason", "moved"}, {"note", "Demenage a Nantes"}}));
    CHECK(city.staff_get("/api/v1/missions/" + w3_id).at("status") == "cancelled");
    auto sup = city.staff_get("/api/v1/supports/" + support);
    CHECK(sup.at("status") == "active");
    CHECK(sup.at("volunteer_id") == json::value(elise.id));
    CHECK(sup.at("standin_volunteer_id").is_null());
    CHECK(city.staff_get("/api/v1/requests/" + r2).at("redispatch") == true);
    // Elise takes the next call.
    auto w3b = city.propose(r2, elise.id, t0 + margin + 7 * day, t0 + margin + 7 * day + hour);
    auto accepted = ok(elise.client->post_json("/api/v1/missions/" + w3b + "/accept", json::object{}));
    CHECK(accepted.at("resident").at("first_name") == "Germaine");
    CHECK(accepted.at("resident").at("address").is_null());  // a phone call: no address

    // --- R3: the resident cancels with the tracking code
    // -----------------------------------------------------
    auto cancelled = ok(anon->post_json("/api/v1/track/" + r3.tracking_code + "/cancel", json::object{}));
    CHECK(cancelled.at("outcome") == "cancelled");

    // --- A partner's collective mission fills to capacity
    // ----------------------------------------------------
    const auto partner =
        str(ok(coord.post_json("/api/v1/partners",
                               json::object{{"name", "Banque alimentaire"}, {"kind", "food_bank"}}),
               201)
                .at("id"));
    ok(city.admin().post_json("/api/v1/users", json::object{{"email", "ba@partners.test"},
                                                            {"role", "partner"},
                                                            {"password", "partner password 2026"},
                                                            {"partner_id", partner}}),
       201);
    auto food_bank = city.signed_in("ba@partners.test", "partner password 2026");
    const auto col = str(ok(food_bank->post_json("/api/v1/collective-missions",
                                                 json::object{{"title", "Distribution du samedi"},
                                                              {"place", "Salle de la Cite"},
                                                              {"starts_at", iso(t + 5 * day)},
                                                              {"ends_at", iso(t + 5 * day + 4 * hour)},
                                                              {"capacity", 2}}),
                            201)
                             .at("id"));
    ok(alice.client->post_json("/api/v1/collective-missions/" + col + "/signup", json::object{}));
    auto last = ok(bruno.client->post_json("/api/v1/collective-missions/" + col + "/signup", json::object{}));
    CHECK(last.at("remaining") == 0);
    CHECK(chloe.client->post_json("/api/v1/collective-missions/" + col + "/signup", json::object{}).status ==
          409);
    CHECK(food_bank->get_json("/api/v1/collective-missions/" + col).at("signed_up") == 2);

    // --- The event log tells the story
    // ----------------------------------------------------------------------- R1, in order: every state
    // change of the request, its missions and supports.
    auto history = city.staff_get("/api/v1/requests/" + r1.id).at("history");
    CHECK(story(history) == std::vector<std::string>{
                                "request:created",
                                "mission:proposed",  // to Alice
                                "mission:declined",
                                "request:redispatch_flagged",
                                "mission:proposed",  // to Bruno
                                "mission:accepted",
                                "support:created",
                                "request:matched",
                                "mission:dropped",
                                "request:redispatch_flagged",
                                "support:ended",
                                "request:reopened",
                                "mission:proposed",  // to Chloé
                                "mission:accepted",
                                "support:created",
                                "request:matched",
                                "mission:done",
                                "mission:welfare_concern",
                                "support:ended",
                                "request:closed",
                                "mission:welfare_acknowledged",
                            });
    // Each entry has its facts, as in GET /api/v1/events; a mission's facts name its request.
    for (const auto& e : history.as_array()) {
        REQUIRE(e.at("data").is_object());
        if (e.at("entity") == "mission")
            CHECK(e.at("data").at("request_id") == json::value(r1.id));
    }
    // Reasons and actors: Alice declined herself, the drop's reason, the closing outcome.
    auto declines = city.staff_get("/api/v1/events?entity=mission&entity_id=" + m_a + "&action=declined");
    REQUIRE(declines.at("items").as_array().size() == 1);
    CHECK(declines.at("items").at(0).at("actor") == json::value(alice_user));
    CHECK(declines.at("items").at(0).at("from_status") == "proposed");
    CHECK(declines.at("items").at(0).at("to_status") == "declined");
    CHECK(declines.at("items").at(0).at("reason") == "not_available");
    auto drops = city.staff_get("/api/v1/events?entity=mission&entity_id=" + m_b);
    CHECK(drops.at("items").as_array().back().at("reason") == "emergency");
    CHECK(story(city.staff_get("/api/v1/events?entity=request&entity_id=" + r1.id).at("items")).back() ==
          "request:closed");

    // R2's missions: proposed by the coordinator for week 1, by the system for the following weeks.
    auto w2_events = city.staff_get("/api/v1/events?entity=mission&entity_id=" + w2_id);
    CHECK(story(w2_events.at("items")) ==
          std::vector<std::string>{"mission:proposed", "mission:accepted", "mission:done"});
    CHECK(w2_events.at("items").at(0).at("actor") == "system");
    auto w3_events = city.staff_get("/api/v1/events?entity=mission&entity_id=" + w3_id);
    CHECK(w3_events.at("items").as_array().back().at("reason") == "volunteer_withdrawn");
    auto support_events = city.staff_get("/api/v1/events?entity=support&entity_id=" + support);
    CHECK(story(support_events.at("items")) ==
          std::vector<std::string>{"support:created", "support:standin_set", "support:standin_promoted"});

    // The volunteers' lives.
    CHECK(story(city.staff_get("/api/v1/events?entity=volunteer&entity_id=" + alice.id).at("items")) ==
          std::vector<std::string>{"volunteer:registered", "volunteer:activated", "volunteer:paused",
                                   "volunteer:resumed"});
    auto damien_events = city.staff_get("/api/v1/events?entity=volunteer&entity_id=" + damien.id).at("items");
    CHECK(story(damien_events) ==
          std::vector<std::string>{"volunteer:registered", "volunteer:activated", "volunteer:withdrawn"});
    CHECK(damien_events.as_array().back().at("reason") == "moved");
    CHECK(damien_events.as_array().back().at("actor") == json::value(damien_user));  // he withdrew himself
    CHECK(story(city.staff_get("/api/v1/events?entity=volunteer&entity_id=" + late.id).at("items")) ==
          std::vector<std::string>{"volunteer:registered"});

    // Season totals from the log alone.
    CHECK(city.staff_count("/api/v1/events?action=done") == 3);
    CHECK(city.staff_count("/api/v1/events?action=declined") == 1);
    CHECK(city.staff_count("/api/v1/events?action=dropped") == 1);
    CHECK(city.staff_count("/api/v1/events?action=withdrawn") == 1);
    CHECK(city.staff_count("/api/v1/events?entity=collective&action=signed_up") == 2);

    // And no personal data in any of it.
    std::string all;
    std::string cursor;
    for (int guard = 0; guard < 100; ++guard) {
        auto page = city.staff_get("/api/v1/events?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor));
        all += json::serialize(page.at("items"));
        if (page.at("next_cursor").is_null())
            break;
        cursor = str(page.at("next_cursor"));
    }
    for (const char* personal :
         {"Madeleine", "Germaine", "Le Bihan", "+33299123456", "rue de Brest", "Bernard", "@volunteers.test",
          "+33612345678", "En vacances", "Tres fatiguee", "Demenage a Nantes", "Banque alimentaire"})
        CHECK_MESSAGE(all.find(personal) == std::string::npos, personal);
}
