// No password, session token, CSRF token, tracking code, nor any resident's or volunteer's personal data
// (name, phone, email, address, free text) in the server's log (issue 4). A realistic session runs against a
// server logging at the most verbose level; then every secret and personal value is looked for in the log.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <set>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

/// Remembers what must never be logged.
struct secrets {
    std::set<std::string> values;

    void add(const std::string& v) {
        if (!v.empty())
            values.insert(v);
    }
    void add_session(const http_client& c) {
        for (const auto& [name, value] : c.cookies())
            add(value);
    }
};

}  // namespace

TEST_CASE(
    "the server log holds no password, token, tracking code or personal data after a realistic session") {
    test_city city({"--log-level", "trace"});
    secrets s;
    // Phones are stored normalised (E.164): both forms are looked for.
    for (const char* p : {"+33671829304", "+33299637485", "+33299142536"})
        s.add(p);
    s.add(admin_password);
    s.add(coordinator_password);
    s.add_session(city.admin());
    s.add_session(city.coordinator());

    // Volunteers register with passwords and personal data, are activated and sign in.
    const json::object alice{{"first_name", "Aurelianne"},
                             {"last_name", "Pennarunic"},
                             {"phone", "06 71 82 93 04"},
                             {"max_missions_per_week", 14}};
    auto a = city.new_volunteer("logcheck-a", true, alice);
    for (const char* k : {"first_name", "last_name", "phone"})
        s.add(std::string(alice.at(k).as_string()));
    s.add(a.email);
    s.add(a.password);
    s.add_session(*a.client);
    auto b = city.new_volunteer("logcheck-b");
    s.add(b.email);
    s.add(b.password);
    s.add_session(*b.client);
    // The login answer's CSRF token is a secret too.
    {
        auto c = city.anonymous();
        auto login =
            c->post_json("/api/v1/auth/login", json::object{{"email", a.email}, {"password", a.password}});
        REQUIRE(login.status == 200);
        s.add(std::string(login.json().at("csrf_token").as_string()));
        s.add_session(*c);
    }
    // A failed login: the wrong password must not be logged either.
    const std::string wrong = "Aurelianne typed this wrong";
    s.add(wrong);
    CHECK(city.anonymous()
              ->post_json("/api/v1/auth/login", json::object{{"email", a.email}, {"password", wrong}})
              .status == 401);

    // Residents ask for help: web form and phone (coordinator), with names, phones, emails, addresses, notes.
    auto web = request_body("once", "shopping");
    auto& wr = web["resident"].as_object();
    wr["first_name"] = "Gwenola";
    wr["last_name"] = "Kerjeannic";
    wr["phone"] = "02 99 63 74 85";
    wr["email"] = "gwenola.kerjeannic@example.org";
    wr["address"] = "27 rue de Saint-Malo, 35000 Rennes";
    web["details"] = "Gwenola ne peut plus porter ses courses depuis son operation";
    for (const char* k : {"first_name", "last_name", "phone", "email", "address"})
        s.add(std::string(wr.at(k).as_string()));
    s.add(std::string(web.at("details").as_string()));
    const auto web_req = city.public_request(web);
    s.add(web_req.tracking_code);

    auto phone = request_body("once", "friendly_call");
    auto& pr = phone["resident"].as_object();
    pr["first_name"] = "Ildut";
    pr["last_name"] = "Morvanezic";
    pr["phone"] = "02 99 14 25 36";
    pr["email"] = "ildut.morvanezic@example.org";
    pr["address"] = "4 square de Tregain, 35200 Rennes";
    phone["details"] = "Ildut est tres seul depuis le deces de sa femme";
    phone["channel"] = "phone";
    for (const char* k : {"first_name", "last_name", "phone", "email", "address"})
        s.add(std::string(pr.at(k).as_string()));
    s.add(std::string(phone.at("details").as_string()));
    auto created = city.coordinator().post_json("/api/v1/requests", phone);
    INFO(created.describe());
    REQUIRE(created.status == 201);
    const auto phone_req = std::string(created.json().at("id").as_string());
    s.add(std::string(created.json().at("tracking_code").as_string()));

    // The resident tracks their request; coordinators read, correct and dispatch; volunteers answer and
    // report.
    CHECK(city.anonymous()->get("/api/v1/track/" + web_req.tracking_code).status == 200);
    const auto resident =
        std::string(city.staff_get("/api/v1/requests/" + web_req.id).at("resident_id").as_string());
    city.staff_get("/api/v1/residents/" + resident);
    city.staff_get("/api/v1/residents");
    const std::string new_address = "29 rue de Saint-Malo, 35000 Rennes";
    s.add(new_address);
    CHECK(city.coordinator()
              .send_json("PATCH", "/api/v1/residents/" + resident, json::object{{"address", new_address}})
              .status == 200);
    const auto now = now_s();
    const auto m1 = city.propose(web_req.id, a.id, now - 2 * 86400, now - 2 * 86400 + 3600);
    const auto m2 = city.propose(phone_req, a.id, now + 86400, now + 86400 + 1800);
    REQUIRE(a.client->post_json("/api/v1/missions/" + m1 + "/accept", json::object{}).status == 200);
    REQUIRE(a.client->post_json("/api/v1/missions/" + m2 + "/accept", json::object{}).status == 200);
    CHECK(a.client->get("/api/v1/missions/" + m1).status == 200);
    CHECK(a.client->get("/api/v1/me/missions").status == 200);
    CHECK(b.client->get("/api/v1/missions/" + m1).status == 404);
    const std::string report = "Gwenola avait l'air fatiguee, sa voisine passe le soir";
    s.add(report);
    CHECK(a.client
              ->post_json("/api/v1/missions/" + m1 + "/complete", json::object{{"report",
                                                                                {{"duration_minutes", 50},
                                                                                 {"outcome", "difficult"},
                                                                                 {"welfare_concern", true},
                                                                                 {"note", report}}}})
              .status == 200);
    CHECK(city.coordinator().get("/api/v1/residents/" + resident + "/export").status == 200);
    // Validation errors must not echo what was sent either.
    auto bad = city.coordinator().send_json("PATCH", "/api/v1/residents/" + resident,
                                            json::object{{"phone", "Gwenola-not-a-phone"}});
    CHECK(bad.status == 422);
    s.add("Gwenola-not-a-phone");
    CHECK_FALSE(contains(bad.body, "Gwenola-not-a-phone"));

    // A password change, then the resident's erasure on request.
    const std::string next_password = "Aurelianne's next passphrase";
    s.add(next_password);
    CHECK(a.client
              ->post_json("/api/v1/me/password",
                          json::object{{"current_password", a.password}, {"new_password", next_password}})
              .status == 204);
    CHECK(city.coordinator().post_json("/api/v1/residents/" + resident + "/erase", json::object{}).status ==
          200);
    CHECK(city.admin().get("/api/v1/audit").status == 200);
    CHECK(a.client->post_json("/api/v1/auth/logout", json::object{}).status == 204);

    // The log is written by a thread of its own: wait for the last request's line, the others came before.
    REQUIRE(city.server().wait_for_log("POST /api/v1/auth/logout 204", 5s));
    const std::string log = city.server().log();
    REQUIRE(contains(log, "POST /api/v1/residents/{id}/erase 200"));  // the session is in the log
    CHECK_FALSE(contains(log, "$argon2"));
    for (const auto& v : s.values)
        CHECK_MESSAGE(!contains(log, v), "the server log holds a secret or personal value: " << v);
}
