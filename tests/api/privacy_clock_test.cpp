// Time-dependent privacy rules, black-box, with the programme clock moved by the administrator
// (POST /api/v1/test/clock on a server started with --test-clock): a volunteer's view of a resident's
// contact ends 7 days after the mission; retention erases a resident once their last request has been
// closed for longer than the programme's retention_days.
#include "api/support/fixtures.hpp"
#include "support/smtp_sink_process.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <thread>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

constexpr std::int64_t day = 86400;

/// Moves the server's programme clock to `t` (REQUIREs 200).
void move_clock(test_city& city, std::int64_t t) {
    auto res = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t)}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
}

json::value resident_seen(http_client& c, const std::string& mission_id) {
    auto res = c.get("/api/v1/missions/" + mission_id);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    return res.json().at("resident");
}

}  // namespace

TEST_CASE("the contact disappears from the volunteer's view 7 days after the mission ended") {
    test_city city({"--test-clock"});
    auto a = city.new_volunteer("clock-a");
    auto body = request_body("once", "shopping");
    const std::string phone = "+33299665544";
    body["resident"].as_object()["phone"] = phone;
    const auto req = city.public_request(body);
    const auto now = now_s();
    const auto ends = now + 2 * 3600;
    const auto m = city.propose(req.id, a.id, now + 3600, ends);
    REQUIRE(a.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    CHECK(resident_seen(*a.client, m).at("phone") == json::value(phone));

    move_clock(city, ends + 7 * day - 120);
    CHECK(resident_seen(*a.client, m).at("phone") == json::value(phone));
    auto mine = a.client->get("/api/v1/me/missions");
    CHECK(mine.body.find(phone) != std::string::npos);

    move_clock(city, ends + 7 * day + 60);
    CHECK(resident_seen(*a.client, m).is_null());
    CHECK(a.client->get("/api/v1/me/missions").body.find(phone) == std::string::npos);
    // Staff still see the resident, of course.
    CHECK(city.staff_get("/api/v1/requests/" + req.id).at("resident").at("phone") == json::value(phone));
}

TEST_CASE(
    "retention erases a resident once the programme clock passes retention_days after the last closing") {
    test_city city({"--test-clock"});
    auto body = request_body("once", "shopping");
    body["resident"].as_object()["phone"] = "+33299665545";
    const auto req = city.public_request(body);
    const auto resident =
        std::string(city.staff_get("/api/v1/requests/" + req.id).at("resident_id").as_string());
    REQUIRE(city.coordinator()
                .post_json("/api/v1/requests/" + req.id + "/close", json::object{{"outcome", "fulfilled"}})
                .status == 200);
    REQUIRE(
        city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"retention_days", 30}}).status ==
        200);
    const auto now = now_s();

    move_clock(city, now + 29 * day);
    auto early = city.admin().post_json("/api/v1/retention/run", json::object{});
    REQUIRE(early.status == 200);
    CHECK(early.json().at("residents_erased") == 0);
    CHECK(city.staff_get("/api/v1/residents/" + resident).at("erased") == false);

    move_clock(city, now + 31 * day);
    auto run = city.admin().post_json("/api/v1/retention/run", json::object{});
    REQUIRE(run.status == 200);
    CHECK(run.json().at("residents_erased") == 1);
    auto r = city.staff_get("/api/v1/residents/" + resident);
    CHECK(r.at("erased") == true);
    CHECK(r.at("phone") == "");
    CHECK(city.staff_get("/api/v1/requests/" + req.id).at("status") == "closed");  // the request stays
}

TEST_CASE("messages and their delivery logs are deleted after --outbox-retention-days, not before") {
    relais::testing::smtp_sink_process sink;
    test_city city({"--test-clock", "--outbox-retention-days", "3", "--smtp-url", sink.url(),
                    "--smtp-ca-file", sink.ca_file(), "--mail-from", "entraide@ville.example", "--public-url",
                    "https://entraide.example"});
    auto vol = city.new_volunteer("retenu");  // validated: "you are validated" by email
    REQUIRE(sink.wait_for(1, std::chrono::seconds(10)));
    const std::string list = "/api/v1/volunteers/" + vol.id + "/messages";
    // Marked sent (the sink has it; the mark follows within the sender's round).
    json::array items;
    for (int i = 0; i < 50; ++i) {
        items = city.staff_get(list).at("items").as_array();
        if (!items.empty() && items.at(0).at("status") == "sent")
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(items.size() == 1);
    CHECK(items.at(0).at("status") == "sent");
    const auto now = now_s();

    move_clock(city, now + 2 * day);
    auto early = city.admin().post_json("/api/v1/retention/run", json::object{});
    REQUIRE(early.status == 200);
    CHECK(early.json().at("messages_purged") == 0);
    CHECK(city.staff_get(list).at("items").as_array().size() == 1);

    move_clock(city, now + 3 * day + 3600);
    auto run = city.admin().post_json("/api/v1/retention/run", json::object{});
    REQUIRE(run.status == 200);
    CHECK(run.json().at("messages_purged") == 1);
    CHECK(city.staff_get(list).at("items").as_array().empty());
}
