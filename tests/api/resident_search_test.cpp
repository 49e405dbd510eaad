// Issue 15, "Residents": a coordinator finds a resident who calls again (name, phone however written, email,
// tracking code), attaches the new request to them, and reads their whole story with people named; the
// same person entered twice is flagged as a possible duplicate.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

json::array found(http_client& c, const std::string& q) {
    auto r = c.post_json("/api/v1/residents/search", json::object{{"q", q}});
    INFO(q, " ", r.describe());
    REQUIRE(r.status == 200);
    return r.json().at("items").as_array();
}

bool has_resident(const json::array& items, const std::string& id) {
    return std::any_of(items.begin(), items.end(),
                       [&](const json::value& m) { return m.at("resident").at("id") == json::value(id); });
}

}  // namespace

TEST_CASE("residents: search by name, phone, email and tracking code; the second call joins the resident") {
    test_city city;
    auto& coord = city.coordinator();
    auto first = city.public_request(request_body("once", "shopping"));  // Madeleine Le Bihan
    const std::string resident(coord.get_json("/api/v1/requests/" + first.id).at("resident_id").as_string());
    auto other = minimal_request("Pharmacie");  // Yvonne Le Gall, someone else
    city.public_request(other);

    for (const char* q : {"madeleine", "Le Bihan", "MADEL bih", "Madéleine", "le bihan madeleine"}) {
        const auto items = found(coord, q);
        CHECK(has_resident(items, resident));
        CHECK(items.size() == 1);  // not Yvonne Le Gall
        CHECK(items.at(0).at("matched_on") == json::array{"name"});
    }
    for (const char* q :
         {"02 99 12 34 56", "0299123456", "02.99.12.34.56", "+33 2 99 12 34 56", "0033299123456"}) {
        const auto items = found(coord, q);
        REQUIRE(items.size() == 1);
        CHECK(items.at(0).at("resident").at("id") == json::value(resident));
        CHECK(items.at(0).at("matched_on") == json::array{"phone"});
    }
    CHECK(has_resident(found(coord, "Madeleine@Example.org"), resident));
    CHECK(has_resident(found(coord, first.tracking_code), resident));
    std::string lower = first.tracking_code;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    CHECK(has_resident(found(coord, lower), resident));  // typed in lower case
    CHECK(found(coord, "Dupont").empty());
    CHECK(found(coord, "a").empty());               // too short to mean anything
    CHECK(found(coord, "02 99 00 00 00").empty());  // a number nobody has

    // The second call: the coordinator attaches the new request to the resident found.
    auto second = coord.post_json(
        "/api/v1/requests",
        json::object{{"resident_id", resident},
                     {"category", "friendly_call"},
                     {"urgency", "week"},
                     {"details", "Appel du mardi"},
                     {"window", {{"from", iso(now_s() + 86400)}, {"until", iso(now_s() + 5 * 86400)}}},
                     {"channel", "phone"},
                     {"consent", true}});
    INFO(second.describe());
    REQUIRE(second.status == 201);
    const std::string second_id(second.json().at("id").as_string());
    CHECK(coord.get_json("/api/v1/requests/" + second_id).at("resident_id") == json::value(resident));
    const auto again = found(coord, "Le Bihan");
    REQUIRE(again.size() == 1);
    CHECK(again.at(0).at("requests") == 2);
    CHECK(!again.at(0).at("last_request_at").is_null());

    // Her whole story: both requests, a volunteer named, the coordinator's part named.
    auto v = city.new_volunteer("histoire");
    const auto t = now_s();
    const auto m = city.propose(first.id, v.id, t + 86400, t + 86400 + 3600);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    const auto story = coord.get_json("/api/v1/residents/" + resident + "/history");
    const auto& items = story.at("items").as_array();
    int created = 0;
    bool proposed_named = false, accepted = false;
    for (const auto& e : items) {
        if (e.at("entity") == "request" && e.at("action") == "created")
            ++created;
        if (e.at("entity") == "mission" && e.at("action") == "proposed") {
            proposed_named = e.at("volunteer").at("first_name") == "Vol-histoire" && !e.at("by").is_null();
            CHECK(e.at("category") == "shopping");
        }
        if (e.at("entity") == "mission" && e.at("action") == "accepted")
            accepted = true;
    }
    CHECK(created == 2);
    CHECK(proposed_named);
    CHECK(accepted);
    CHECK(std::is_sorted(items.begin(), items.end(), [](const json::value& a, const json::value& b) {
        return a.at("seq").as_int64() < b.at("seq").as_int64();
    }));
    CHECK(coord.get("/api/v1/residents/res_nobody/history").status == 404);
    // The volunteer found by name in the results of a later search.
    const auto with_volunteer = found(coord, "Madeleine");
    REQUIRE(with_volunteer.size() == 1);
    CHECK(with_volunteer.at(0).at("volunteers").at(0).at("first_name") == "Vol-histoire");

    // The same person entered again from the public form: both are flagged as possible duplicates.
    auto dup = city.public_request(request_body("once", "shopping"));
    const std::string twin(coord.get_json("/api/v1/requests/" + dup.id).at("resident_id").as_string());
    REQUIRE(twin != resident);
    const auto both = found(coord, "Madeleine Le Bihan");
    REQUIRE(both.size() == 2);
    for (const auto& mth : both) {
        const auto& self = mth.at("resident").at("id");
        CHECK(mth.at("possible_duplicates") ==
              json::array{self == json::value(resident) ? json::value(twin) : json::value(resident)});
    }

    // Every search is an audited read of the residents it shows; nothing personal in the log.
    CHECK(city.server().log().find("Bihan") == std::string::npos);
    CHECK(city.server().log().find("02 99 12") == std::string::npos);
}

TEST_CASE("residents: search is for staff; hostile bodies get 422 naming the field") {
    test_city city;
    auto v = city.new_volunteer("curieux");
    CHECK(v.client->post_json("/api/v1/residents/search", json::object{{"q", "Le Bihan"}}).status == 403);
    CHECK(city.anonymous()->post_json("/api/v1/residents/search", json::object{{"q", "Le Bihan"}}).status ==
          401);
    auto& coord = city.coordinator();
    for (const json::value& bad :
         {json::value(json::object{}), json::value(json::object{{"q", 12}}),
          json::value(json::object{{"q", ""}}), json::value(json::object{{"q", std::string(201, 'a')}}),
          json::value(json::object{{"q", "ab"}, {"limit", 0}}),
          json::value(json::object{{"q", "ab"}, {"limit", 51}}),
          json::value(json::object{{"q", "ab"}, {"name", "x"}}),
          json::value(json::object{{"q", "a\u0001b"}})}) {
        const auto r = coord.post_json("/api/v1/residents/search", bad);
        INFO(json::serialize(bad), " ", r.describe());
        CHECK(r.status == 422);
        CHECK(r.header("Content-Type").find("application/problem+json") != std::string::npos);
    }
    // Many at once (4 desks, 8 searches each, simultaneously): every one answered, none mixed up.
    city.public_request(request_body("once", "shopping"));
    std::vector<std::unique_ptr<http_client>> desks;
    for (int i = 0; i < 4; ++i)
        desks.push_back(city.signed_in(coordinator_email, coordinator_password));
    std::vector<std::thread> callers;
    std::atomic<int> right{0};
    for (int i = 0; i < 4; ++i)
        callers.emplace_back([&, i] {
            for (int k = 0; k < 8; ++k) {
                const bool known = (i + k) % 2 == 1;
                auto r = desks[static_cast<std::size_t>(i)]->post_json(
                    "/api/v1/residents/search", json::object{{"q", known ? "Le Bihan" : "Dupont"}});
                if (r.status == 200 && r.json().at("items").as_array().size() == (known ? 1u : 0u))
                    ++right;
            }
        });
    for (auto& t : callers)
        t.join();
    CHECK(right == 32);
}

TEST_CASE("volunteers: search by name, phone however written, or email; staff only; audited") {
    test_city city;
    auto v = city.new_volunteer("cherche");
    auto other = city.new_volunteer("autre");
    auto& coord = city.coordinator();
    // Their own number (the fixture gives every volunteer the same one).
    REQUIRE(coord.send_json("PATCH", "/api/v1/volunteers/" + v.id, json::object{{"phone", "07 61 22 33 44"}})
                .status == 200);
    const auto me = coord.get_json("/api/v1/volunteers/" + v.id);
    const std::string email(me.at("email").as_string());
    auto search = [&](const std::string& q) {
        auto r = coord.post_json("/api/v1/volunteers/search", json::object{{"q", q}});
        INFO(q, " ", r.describe());
        REQUIRE(r.status == 200);
        std::vector<std::string> ids;
        const auto body = r.json();  // kept: a range-for over a member of a temporary reads freed memory
        for (const auto& m : body.at("items").as_array())
            ids.emplace_back(m.at("volunteer").at("id").as_string());
        return ids;
    };
    CHECK(search("cherche") == std::vector<std::string>{v.id});
    CHECK(search("VOL CHER") == std::vector<std::string>{v.id});
    std::string upper = email;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    CHECK(search(upper) == std::vector<std::string>{v.id});
    for (const char* number : {"+33761223344", "07.61.22.33.44", "0761223344", "0033 7 61 22 33 44"})
        CHECK(search(number) == std::vector<std::string>{v.id});
    CHECK(search("personne").empty());
    const auto both = search("vol");
    CHECK(both.size() == 2);  // both volunteers, the latest first
    CHECK(both.at(0) == other.id);
    CHECK(v.client->post_json("/api/v1/volunteers/search", json::object{{"q", "vol"}}).status == 403);
    CHECK(coord.post_json("/api/v1/volunteers/search", json::object{{"q", 3}}).status == 422);
    // The reads are audited: the admin's log names the coordinator and the volunteer found.
    const auto audit = city.admin().get_json("/api/v1/audit?subject_id=" + v.id + "&limit=200");
    bool searched = false;
    for (const auto& e : audit.at("items").as_array())
        searched = searched || e.at("route") == "POST /api/v1/volunteers/search";
    CHECK(searched);
}

TEST_CASE(
    "residents: merging a duplicate moves its requests and history, erases it, counts the person once") {
    test_city city({"--test-clock"});
    auto& coord = city.coordinator();
    auto first = city.public_request(request_body("once", "shopping"));
    auto again =
        city.public_request(request_body("once", "medicines"));  // the same person, from the web form
    const std::string keep(coord.get_json("/api/v1/requests/" + first.id).at("resident_id").as_string());
    const std::string dup(coord.get_json("/api/v1/requests/" + again.id).at("resident_id").as_string());
    REQUIRE(keep != dup);
    auto v = city.new_volunteer("fusion");
    const auto t = now_s();
    const auto m = city.propose(again.id, v.id, t + 3600, t + 7200);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    REQUIRE(city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t + 3 * 3600)}}).status ==
            200);
    REQUIRE(coord
                .post_json("/api/v1/missions/" + m + "/complete",
                           json::object{{"report", {{"duration_minutes", 30}, {"outcome", "good"}}}})
                .status == 200);
    REQUIRE(city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t + 5 * 3600)}}).status ==
            200);
    auto figures = [&] { return city.staff_get("/api/v1/stats/summary").at("figures"); };
    const auto before = figures();
    CHECK(before.at("residents_requesting") == 2);  // counted twice: the fault a merge repairs
    CHECK(before.at("residents_helped") == 1);
    CHECK(before.at("missions_done") == 1);

    // Faults first: nothing changes.
    CHECK(coord.post_json("/api/v1/residents/" + keep + "/merge", json::object{{"duplicate_id", keep}})
              .status == 422);
    CHECK(
        coord.post_json("/api/v1/residents/" + keep + "/merge", json::object{{"duplicate_id", "res_nobody"}})
            .status == 404);
    CHECK(coord.post_json("/api/v1/residents/" + keep + "/merge", json::object{{"duplicate", dup}}).status ==
          422);
    CHECK(v.client->post_json("/api/v1/residents/" + keep + "/merge", json::object{{"duplicate_id", dup}})
              .status == 403);
    CHECK(coord.get_json("/api/v1/requests/" + again.id).at("resident_id") == json::value(dup));

    auto merged =
        coord.post_json("/api/v1/residents/" + keep + "/merge", json::object{{"duplicate_id", dup}});
    INFO(merged.describe());
    REQUIRE(merged.status == 200);
    CHECK(merged.json().at("id") == json::value(keep));
    CHECK(coord.get_json("/api/v1/requests/" + again.id).at("resident_id") == json::value(keep));
    CHECK(coord.get_json("/api/v1/residents/" + dup).at("erased") == true);
    const auto f = figures();
    CHECK(f.at("residents_requesting") == 1);
    CHECK(f.at("residents_helped") == 1);
    CHECK(f.at("requests") == 2);
    CHECK(f.at("missions_done") == 1);
    // The story of the one kept holds both requests, the done mission and the merge itself.
    int requests = 0;
    bool done = false, merge = false;
    const auto story = coord.get_json("/api/v1/residents/" + keep + "/history");
    for (const auto& e : story.at("items").as_array()) {
        requests += e.at("entity") == "request" && e.at("action") == "created";
        done = done || (e.at("entity") == "mission" && e.at("action") == "done");
        merge = merge || (e.at("entity") == "resident" && e.at("action") == "merged");
    }
    CHECK(requests == 2);
    CHECK(done);
    CHECK(merge);
    // A search finds one person now; merging again is refused (the duplicate is erased).
    CHECK(found(coord, "Madeleine Le Bihan").size() == 1);
    CHECK(
        coord.post_json("/api/v1/residents/" + keep + "/merge", json::object{{"duplicate_id", dup}}).status ==
        409);
    // Audited, on both.
    int audited = 0;
    for (const auto& who : {keep, dup}) {
        const auto log = city.admin().get_json("/api/v1/audit?action=merge&subject_id=" + who);
        for (const auto& e : log.at("items").as_array())
            audited += e.at("action") == "merge";
    }
    CHECK(audited == 2);
}
