// Web push through a local push service (tests/support/push_service.py), which checks the VAPID signature
// (RFC 8292) and decrypts each message (RFC 8291) as Mozilla's or Google's would: a volunteer's device
// subscribes, a proposal arrives there as a notification with its one-tap link; a push service that says
// the device is gone (410) makes the server forget it; hostile subscriptions are refused by name; nothing of
// a subscription reaches the log.
#include "support/fixtures.hpp"
#include "support/push_service_process.hpp"

#include <doctest/doctest.h>

namespace json = boost::json;
using namespace relais::api_test;

TEST_CASE("web push: a subscribed device gets the proposal with its link; a gone device is forgotten") {
    push_service_process pushes;
    const std::int64_t t0 = now_s() / 86400 * 86400 + 9 * 3600;  // daytime in Rennes: no quiet hours
    test_city city({"--test-clock", "--test-clock-start", iso(t0), "--public-url", "https://entraide.example",
                    "--push-local-http", "--push-subject", "mailto:coordination@ville.example"});
    INFO(city.server().log());
    auto vol = city.new_volunteer("notifiee");
    const auto key = vol.client->get_json("/api/v1/push/key").at("public_key").as_string();
    CHECK(key.size() == 87);  // 65 bytes, base64url
    // The same key on every start (kept in the database): restarting does not orphan devices.

    auto sub = pushes.subscription("tel1", std::string(key));
    auto saved = vol.client->post_json("/api/v1/me/push-subscriptions", sub);
    INFO(saved.describe());
    REQUIRE(saved.status == 201);
    const std::string device(saved.json().at("id").as_string());

    // Hostile subscriptions: refused by name, nothing stored.
    auto bad = sub.as_object();
    bad["endpoint"] = "http://evil.example/push";
    auto r = vol.client->post_json("/api/v1/me/push-subscriptions", bad);
    CHECK(r.status == 422);
    CHECK(r.body.find("endpoint") != std::string::npos);
    CHECK(r.body.find("evil.example") == std::string::npos);  // the value is not echoed
    bad = sub.as_object();
    bad["keys"].as_object()["p256dh"] = "AAAA";
    r = vol.client->post_json("/api/v1/me/push-subscriptions", bad);
    CHECK(r.status == 422);
    CHECK(r.body.find("keys") != std::string::npos);
    bad = sub.as_object();
    bad["extra"] = true;
    CHECK(vol.client->post_json("/api/v1/me/push-subscriptions", bad).status == 422);
    CHECK(vol.client->post_json("/api/v1/me/push-subscriptions", json::object{}).status == 422);
    CHECK(city.coordinator().post_json("/api/v1/me/push-subscriptions", sub).status == 403);

    // A proposal: pushed to the device, signed and encrypted, with the one-tap link.
    auto req = city.public_request(minimal_request("Courses poussées"));
    const std::int64_t start = (t0 / 3600 + 26) * 3600;
    city.propose(req.id, vol.id, start, start + 3600);
    REQUIRE(pushes.wait_for(1, std::chrono::seconds(10)));
    const auto m = pushes.messages().at(0);
    CHECK(m.at("name") == "tel1");
    CHECK(m.at("sub") == "mailto:coordination@ville.example");
    CHECK(m.at("urgency") == "high");
    const auto payload = json::parse(m.at("payload").as_string());
    CHECK(std::string(payload.at("title").as_string()).find("mission") != std::string::npos);
    CHECK(std::string(payload.at("url").as_string()).starts_with("https://entraide.example/reponse/"));
    CHECK(std::string(payload.at("body").as_string()).find("Courses poussées") == std::string::npos);
    // Marked sent once the push service answered (the sender records its deliveries in groups).
    auto pushed = [](const json::value& list) {
        for (const auto& x : list.at("items").as_array())
            if (x.at("kind") == "proposal" && x.at("channel") == "push" && x.at("status") == "sent")
                return true;
        return false;
    };
    CHECK(pushed(city.staff_get_until("/api/v1/volunteers/" + vol.id + "/messages", pushed)));

    // The device is gone at the push service (410): the next message fails there and the device is forgotten.
    pushes.set_status("tel1", 410);
    auto req2 = city.public_request(minimal_request("Pharmacie"));
    city.propose(req2.id, vol.id, start + 86400, start + 86400 + 3600);
    auto failed = [](const json::value& list) {
        for (const auto& x : list.at("items").as_array())
            if (x.at("channel") == "push" && x.at("status") == "failed")
                return true;
        return false;
    };
    CHECK(failed(city.staff_get_until("/api/v1/volunteers/" + vol.id + "/messages", failed)));
    CHECK(vol.client
              ->request("DELETE", "/api/v1/me/push-subscriptions/" + device, "{}",
                        {{"Content-Type", "application/json"}})
              .status == 404);  // already forgotten

    // A device removed by its owner; nobody else can remove it.
    auto other = city.new_volunteer("autre");
    const auto saved2 =
        vol.client->post_json("/api/v1/me/push-subscriptions", pushes.subscription("tel2", std::string(key)));
    REQUIRE(saved2.status == 201);
    const std::string device2(saved2.json().at("id").as_string());
    const header_list json_type{{"Content-Type", "application/json"}};
    CHECK(
        other.client->request("DELETE", "/api/v1/me/push-subscriptions/" + device2, "{}", json_type).status ==
        404);
    CHECK(vol.client->request("DELETE", "/api/v1/me/push-subscriptions/" + device2, R"({"id":1})", json_type)
              .status == 422);  // no body
    CHECK(vol.client->request("DELETE", "/api/v1/me/push-subscriptions/" + device2, "{}", json_type).status ==
          204);

    const std::string log = city.server().log();
    CHECK(log.find("127.0.0.1:" + std::to_string(pushes.port())) == std::string::npos);
    CHECK(log.find(std::string(sub.at("keys").at("auth").as_string())) == std::string::npos);
    CHECK(log.find("web push: on") != std::string::npos);

    // The same key after a restart (kept in the database): the devices already subscribed keep working.
    city.server().kill();
    server_options again;
    again.dir = city.server().dir();
    again.args = {"--public-url", "https://entraide.example", "--push-local-http", "--push-subject",
                  "mailto:coordination@ville.example"};
    server_process restarted(again);
    http_client app(restarted.port());
    const auto login =
        app.post_json("/api/v1/auth/login", json::object{{"email", vol.email}, {"password", vol.password}});
    REQUIRE(login.status == 200);
    app.set_csrf(std::string(login.json().at("csrf_token").as_string()));
    CHECK(app.get_json("/api/v1/push/key").at("public_key").as_string() == key);
}
