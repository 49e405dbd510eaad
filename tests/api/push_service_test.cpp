// The local Web Push service the API tests send to (tests/support/push_service.py, started by
// support/push_service_process): it takes what notify::push_client sends (a VAPID-signed, aes128gcm-encrypted
// message) and gives back the plain payload, and can play an expired subscription. The service's own push
// channel is not wired yet; once it is, its API tests start the process the same way.
#include "support/push_service_process.hpp"

#include "notify/push_client.hpp"

#include <doctest/doctest.h>

#include <chrono>

namespace json = boost::json;
using namespace relais::api_test;
using namespace relais::notify;

TEST_CASE(
    "push service (test double): a message from the push client arrives decrypted; 410 and 503 on demand") {
    push_service_process push;
    const auto keys = vapid_keys::generate();
    push_settings s;
    s.vapid_private_key = keys.private_key();
    s.subject = "mailto:entraide@ville.example";
    s.allow_local_http = true;
    push_client client(s);

    const auto sub = push.subscription("lea", keys.public_key());
    const push_subscription lea{std::string(sub.at("endpoint").as_string()),
                                std::string(sub.at("keys").at("p256dh").as_string()),
                                std::string(sub.at("keys").at("auth").as_string())};
    CHECK(lea.endpoint == push.origin() + "/push/lea");
    push_message m;
    m.payload = R"({"title":"Nouvelle mission","url":"/benevole"})";
    auto out = client.send(lea, m);
    INFO(out.reason);
    REQUIRE(out.result == push_outcome::kind::sent);
    REQUIRE(push.wait_for(1, std::chrono::seconds(5)));
    const auto got = push.messages();
    CHECK(got.at(0).at("payload").as_string() == m.payload);
    CHECK(got.at(0).at("aud").as_string() == push.origin());
    CHECK(got.at(0).at("k").as_string() == keys.public_key());

    push.fail_next(1, 503);
    CHECK(client.send(lea, m).result == push_outcome::kind::temporary);
    push.set_status("lea", 410);
    CHECK(client.send(lea, m).result == push_outcome::kind::gone);
    push.set_status("lea", 0);
    CHECK(client.send(lea, m).result == push_outcome::kind::sent);
    CHECK(push.messages().size() == 2);
}
