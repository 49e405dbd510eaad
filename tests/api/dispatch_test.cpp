// Black-box tests of the dispatch API (issue 3): volunteers, requests and tracking, missions, supports,
// partners and collective missions, programme settings, the event log. The real `relais` binary with
// accounts made by `relais user add`, spoken to over HTTP.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

std::set<std::string> keys_of(const json::value& v) {
    std::set<std::string> out;
    for (const auto& kv : v.as_object())
        out.emplace(kv.key());
    return out;
}

/// The 422's fields contain every one of `expected`.
void check_fields(const http_response& res, const std::vector<std::string>& expected) {
    INFO(res.describe());
    check_problem(res, 422);
    auto fields = error_fields(res);
    for (const auto& f : expected) {
        const std::string where = "field " + f;
        INFO(where);
        CHECK(std::find(fields.begin(), fields.end(), f) != fields.end());
    }
}

/// A raw JSON body (bytes as given).
http_response post_raw(http_client& c, const std::string& target, const std::string& bytes,
                       const std::string& content_type = "application/json") {
    return c.request("POST", target, bytes, {{"Content-Type", content_type}});
}

}  // namespace

TEST_CASE("volunteer registration: 201, field-by-field 422, 415, 400, duplicates, literal strings") {
    test_city city;
    auto anon = city.anonymous();

    auto res = anon->post_json("/api/v1/volunteers", volunteer_body("lea@example.org"));
    INFO(res.describe());
    REQUIRE(res.status == 201);
    auto created = res.json();
    CHECK(keys_of(created) == std::set<std::string>{"id", "status", "message"});
    CHECK(created.at("status") == "registered");
    const std::string id(created.at("id").as_string());
    CHECK(id.starts_with("vol_"));
    CHECK(id.size() == 24);  // "vol_" + 9 characters of time + 11 random

    const auto volunteers_before = city.staff_count("/api/v1/volunteers");
    const auto users_before = city.admin().get_json("/api/v1/users?limit=200").at("items").as_array().size();
    REQUIRE(volunteers_before == 1);

    // The same email (any case) while the registration is live: the same answer as a new one (the form
    // must not tell who is registered), and nothing written (checked below).
    auto again = anon->post_json("/api/v1/volunteers", volunteer_body("LEA@example.org"));
    CHECK(again.status == 201);
    CHECK(keys_of(again.json()) == keys_of(created));

    // Every faulty field is listed at once.
    auto bad = volunteer_body("second@example.org");
    bad["first_name"] = 12;
    bad.erase("last_name");
    bad["email"] = "not-an-email";
    bad["phone"] = "call me maybe";
    bad["password"] = "short";
    bad["location"] = {{"lat", 91.5}, {"lon", -200}};
    bad["availability"] = json::array{json::object{{"day", "funday"}, {"start", "25:00"}, {"end", "08:00"}},
                                      json::object{{"day", "mon"}, {"start", "10:00"}, {"end", "09:00"}}};
    bad["languages"] = json::array{"french"};
    bad["max_missions_per_week"] = 0;
    bad["consent"] = false;
    bad["nickname"] = "lele";
    check_fields(anon->post_json("/api/v1/volunteers", bad),
                 {"first_name", "last_name", "email", "phone", "password", "location.lat", "location.lon",
                  "availability[0].day", "availability[0].start", "availability[1].end", "languages[0]",
                  "max_missions_per_week", "consent", "nickname"});

    // Wrong types.
    auto types = volunteer_body("types@example.org");
    types["skills"] = "shopping";
    types["max_missions_per_week"] = "3";
    types["consent"] = "yes";
    types["location"] = json::array{48.1, -1.6};
    check_fields(anon->post_json("/api/v1/volunteers", types),
                 {"skills", "max_missions_per_week", "consent", "location"});

    // Unknown codes.
    auto codes = volunteer_body("codes@example.org");
    codes["neighbourhood"] = "atlantis";
    codes["skills"] = json::array{"shopping", "teleportation"};
    check_fields(anon->post_json("/api/v1/volunteers", codes), {"neighbourhood", "skills[1]"});

    // Overlong strings.
    auto longs = volunteer_body("long@example.org");
    longs["first_name"] = std::string(81, 'a');
    longs["last_name"] = std::string(500, 'b');
    check_fields(anon->post_json("/api/v1/volunteers", longs), {"first_name", "last_name"});

    // Non-UTF-8 bytes inside a JSON string: 422 naming the field (not a 400 or a 500).
    auto raw_body = json::serialize(volunteer_body("utf8@example.org", "PLACEHOLDER"));
    raw_body.replace(raw_body.find("PLACEHOLDER"), 11, "Le\xff\xfe\xc3");
    check_fields(post_raw(*anon, "/api/v1/volunteers", raw_body), {"first_name"});
    // An overlong encoding and a UTF-16 surrogate are not UTF-8 either.
    raw_body = json::serialize(volunteer_body("utf8b@example.org", "PLACEHOLDER"));
    raw_body.replace(raw_body.find("PLACEHOLDER"), 11, "\xc0\xaf\xed\xa0\x80");
    check_fields(post_raw(*anon, "/api/v1/volunteers", raw_body), {"first_name"});

    // Blank or control characters, absurd numbers, null for a required field.
    auto odd = volunteer_body("odd@example.org");
    odd["first_name"] = "   ";
    odd["last_name"] = std::string("Ber\x07nard");
    odd["max_missions_per_week"] = 1e300;
    odd["phone"] = nullptr;
    odd["location"] = {{"lat", "48.1"}, {"lon", true}};
    check_fields(
        anon->post_json("/api/v1/volunteers", odd),
        {"first_name", "last_name", "max_missions_per_week", "phone", "location.lat", "location.lon"});
    // Nesting far deeper than any body: refused as malformed, not a crash.
    check_problem(post_raw(*anon, "/api/v1/volunteers", std::string(5000, '[') + std::string(5000, ']')),
                  400);

    // Not JSON at all: 415; broken JSON: 400; not an object: 422.
    check_problem(
        post_raw(*anon, "/api/v1/volunteers", "first_name=Lea", "application/x-www-form-urlencoded"), 415);
    check_problem(post_raw(*anon, "/api/v1/volunteers", "{\"first_name\": \"Lea\",", "application/json"),
                  400);
    check_problem(post_raw(*anon, "/api/v1/volunteers", "[1, 2]"), 422);

    // Nothing half-written by any refusal.
    CHECK(city.staff_count("/api/v1/volunteers") == volunteers_before);
    CHECK(city.admin().get_json("/api/v1/users?limit=200").at("items").as_array().size() == users_before);

    // Strings that look like SQL or HTML are stored and returned literally.
    auto sneaky = volunteer_body("sneaky@example.org", "Robert'); DROP TABLE volunteer;--");
    sneaky["last_name"] = "<script>alert('x')</script> & \"co\"";
    res = anon->post_json("/api/v1/volunteers", sneaky);
    REQUIRE(res.status == 201);
    auto sneaky_id = std::string(res.json().at("id").as_string());
    auto stored = city.staff_get("/api/v1/volunteers/" + sneaky_id);
    CHECK(stored.at("first_name") == "Robert'); DROP TABLE volunteer;--");
    CHECK(stored.at("last_name") == "<script>alert('x')</script> & \"co\"");
    CHECK(city.staff_count("/api/v1/volunteers") == volunteers_before + 1);

    // The staff view of a volunteer.
    auto v = city.staff_get("/api/v1/volunteers/" + id);
    for (const char* k :
         {"id", "first_name", "last_name", "email", "phone", "neighbourhood", "location", "skills",
          "availability", "languages", "max_missions_per_week", "status", "withdrawal_reason",
          "withdrawal_note", "created_at", "validated_at", "withdrawn_at"})
        CHECK_MESSAGE(v.as_object().contains(k), k);
    CHECK(v.at("email") == "lea@example.org");
    CHECK(v.at("phone") == "+33612345678");  // normalised
    CHECK(v.at("availability").at(1) == json::parse(R"({"day":"thu","start":"14:00","end":"18:30"})"));
    CHECK(v.at("validated_at").is_null());
}

TEST_CASE("registration closed by the admin: 409 with a clear message; reopened: accepted") {
    test_city city;
    auto anon = city.anonymous();
    // Only an admin changes the programme.
    check_problem(anon->send_json("PATCH", "/api/v1/programme", json::object{{"registration_open", false}}),
                  401);
    check_problem(city.coordinator().send_json("PATCH", "/api/v1/programme",
                                               json::object{{"registration_open", false}}),
                  403);
    check_fields(
        city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"registration_open", "no"}}),
        {"registration_open"});

    auto res =
        city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"registration_open", false}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("registration_open") == false);
    // When it last changed, the same in the answer and in a later read.
    REQUIRE(res.json().at("updated_at").is_string());
    CHECK(anon->get_json("/api/v1/programme").at("updated_at") == res.json().at("updated_at"));
    CHECK(anon->get_json("/api/v1/programme").at("registration_open") == false);
    // The public view hides the dispatch settings.
    CHECK_FALSE(anon->get_json("/api/v1/programme").as_object().contains("proposal_ttl_minutes"));

    auto refused = anon->post_json("/api/v1/volunteers", volunteer_body("late@example.org"));
    check_problem(refused, 409);
    CHECK(contains(problem_detail(refused), "registration is closed"));
    CHECK(city.staff_count("/api/v1/volunteers") == 0);

    REQUIRE(city.admin()
                .send_json("PATCH", "/api/v1/programme", json::object{{"registration_open", true}})
                .status == 200);
    CHECK(anon->post_json("/api/v1/volunteers", volunteer_body("late@example.org")).status == 201);
}

TEST_CASE("volunteer lifecycle and own-record rules through the API") {
    test_city city;
    auto anon = city.anonymous();
    auto a = city.new_volunteer("alice", false);
    auto b = city.new_volunteer("bruno");

    // Anonymous and wrong-role callers.
    check_problem(anon->get("/api/v1/volunteers"), 401);
    check_problem(anon->get("/api/v1/volunteers/" + a.id), 401);
    check_problem(anon->post_json("/api/v1/volunteers/" + a.id + "/activate", json::object{}), 401);
    check_problem(b.client->get("/api/v1/volunteers"), 403);
    check_problem(b.client->post_json("/api/v1/volunteers/" + a.id + "/activate", json::object{}), 403);
    // Unknown ids.
    check_problem(city.coordinator().get("/api/v1/volunteers/vol_0000000000000000"), 404);
    check_problem(
        city.coordinator().post_json("/api/v1/volunteers/vol_0000000000000000/activate", json::object{}),
        404);

    // A registered volunteer can already sign in (to see their profile); they get no mission until activated.
    auto early =
        anon->post_json("/api/v1/auth/login", json::object{{"email", a.email}, {"password", a.password}});
    CHECK(early.status == 200);
    check_problem(city.coordinator().post_json(
                      "/api/v1/missions", json::object{{"request_id", city.public_request(request_body()).id},
                                                       {"volunteer_id", a.id},
                                                       {"starts_at", iso(now_s() + day)},
                                                       {"ends_at", iso(now_s() + day + hour)}}),
                  409);

    auto res = city.coordinator().post_json("/api/v1/volunteers/" + a.id + "/activate", json::object{});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json() == json::value{{"id", a.id}, {"status", "active"}});
    auto again = city.coordinator().post_json("/api/v1/volunteers/" + a.id + "/activate", json::object{});
    check_problem(again, 409);
    CHECK(contains(problem_detail(again), "The volunteer is active"));
    auto alice = city.signed_in(a.email, a.password);

    // Own record only: another volunteer's id is 404.
    CHECK(alice->get("/api/v1/volunteers/" + a.id).status == 200);
    check_problem(alice->get("/api/v1/volunteers/" + b.id), 404);
    check_problem(alice->post_json("/api/v1/volunteers/" + b.id + "/pause", json::object{}), 404);
    check_problem(
        alice->post_json("/api/v1/volunteers/" + b.id + "/withdraw", json::object{{"reason", "other"}}), 404);

    // Pause and resume themselves.
    res = alice->post_json("/api/v1/volunteers/" + a.id + "/pause", json::object{});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "paused");
    auto twice = alice->post_json("/api/v1/volunteers/" + a.id + "/pause", json::object{});
    check_problem(twice, 409);
    CHECK(contains(problem_detail(twice), "The volunteer is paused"));
    CHECK(alice->post_json("/api/v1/volunteers/" + a.id + "/resume", json::object{}).json().at("status") ==
          "active");
    auto resume_active = alice->post_json("/api/v1/volunteers/" + a.id + "/resume", json::object{});
    check_problem(resume_active, 409);
    CHECK(contains(problem_detail(resume_active), "The volunteer is active"));

    // Their own profile: they change their practical details, not their identity.
    auto me = alice->get_json("/api/v1/me/volunteer");
    CHECK(me.at("id") == json::value(a.id));
    res = alice->send_json("PATCH", "/api/v1/me/volunteer",
                           json::object{{"max_missions_per_week", 5}, {"phone", "+33 7 11 22 33 44"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("max_missions_per_week") == 5);
    CHECK(res.json().at("phone") == "+33711223344");
    check_fields(alice->send_json("PATCH", "/api/v1/me/volunteer", json::object{{"first_name", "Eve"}}),
                 {"first_name"});
    check_problem(city.coordinator().get("/api/v1/me/volunteer"), 403);

    // The coordinator's PATCH, validated field by field.
    check_fields(
        city.coordinator().send_json(
            "PATCH", "/api/v1/volunteers/" + a.id,
            json::object{{"max_missions_per_week", 99}, {"phone", "x"}, {"skills", json::array{"nope"}}}),
        {"max_missions_per_week", "phone"});
    check_fields(city.coordinator().send_json("PATCH", "/api/v1/volunteers/" + a.id,
                                              json::object{{"skills", json::array{"nope"}}}),
                 {"skills[0]"});
    res = city.coordinator().send_json("PATCH", "/api/v1/volunteers/" + a.id,
                                       json::object{{"last_name", "Martin"}, {"location", nullptr}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("last_name") == "Martin");
    CHECK(res.json().at("location").is_null());

    // Filters.
    auto active = city.staff_get("/api/v1/volunteers?status=active");
    CHECK(active.at("items").as_array().size() == 2);
    CHECK(city.staff_get("/api/v1/volunteers?status=registered").at("items").as_array().empty());
    CHECK(city.staff_get("/api/v1/volunteers?skill=reading").at("items").as_array().size() == 2);
    CHECK(city.staff_get("/api/v1/volunteers?skill=digital").at("items").as_array().empty());
    check_problem(city.coordinator().get("/api/v1/volunteers?status=sleeping"), 400);
    auto page1 = city.staff_get("/api/v1/volunteers?limit=1");
    REQUIRE(page1.at("items").as_array().size() == 1);
    REQUIRE(page1.at("next_cursor").is_string());
    auto page2 = city.staff_get("/api/v1/volunteers?limit=1&cursor=" +
                                std::string(page1.at("next_cursor").as_string()));
    REQUIRE(page2.at("items").as_array().size() == 1);
    CHECK(page2.at("items").at(0).at("id") != page1.at("items").at(0).at("id"));
    CHECK(page2.at("next_cursor").is_null());

    // Withdrawal: the reason is from the list, the note optional; the account stops working.
    check_fields(
        alice->post_json("/api/v1/volunteers/" + a.id + "/withdraw", json::object{{"reason", "bored"}}),
        {"reason"});
    check_fields(alice->post_json("/api/v1/volunteers/" + a.id + "/withdraw", json::object{}), {"reason"});
    res = alice->post_json("/api/v1/volunteers/" + a.id + "/withdraw",
                           json::object{{"reason", "back_to_work"}, {"note", "Je reprends un emploi"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "withdrawn");
    auto withdrawn = city.staff_get("/api/v1/volunteers/" + a.id);
    CHECK(withdrawn.at("withdrawal_reason") == "back_to_work");
    CHECK(withdrawn.at("withdrawal_note") == "Je reprends un emploi");
    CHECK(withdrawn.at("withdrawn_at").is_string());
    check_problem(alice->get("/api/v1/me"), 401);
    CHECK(anon->post_json("/api/v1/auth/login", json::object{{"email", a.email}, {"password", a.password}})
              .status == 401);
    auto gone = city.coordinator().post_json("/api/v1/volunteers/" + a.id + "/withdraw",
                                             json::object{{"reason", "other"}});
    check_problem(gone, 409);
    CHECK(contains(problem_detail(gone), "The volunteer is withdrawn"));
    check_problem(city.coordinator().post_json("/api/v1/volunteers/" + a.id + "/resume", json::object{}),
                  409);
}

TEST_CASE("requests: public form and phone intake, field-by-field 422, literal strings, idempotency") {
    test_city city;
    auto anon = city.anonymous();

    auto res = anon->post_json("/api/v1/requests", request_body());
    INFO(res.describe());
    REQUIRE(res.status == 201);
    auto created = res.json();
    // The public answer: no internal resident id.
    CHECK(keys_of(created) == std::set<std::string>{"id", "tracking_code", "status"});
    CHECK(created.at("status") == "new");
    const std::string web_id(created.at("id").as_string());
    CHECK(web_id.starts_with("req_"));
    const std::string code(created.at("tracking_code").as_string());
    CHECK(code.size() == 19);

    // Phone intake by a coordinator (channel phone), for an existing resident too.
    auto body = request_body("weekly", "friendly_call");
    body["channel"] = "phone";
    res = city.coordinator().post_json("/api/v1/requests", body);
    INFO(res.describe());
    REQUIRE(res.status == 201);
    const std::string phone_id(res.json().at("id").as_string());
    const std::string resident_id(res.json().at("resident_id").as_string());
    json::object known{{"resident_id", resident_id},
                       {"category", "medicines"},
                       {"urgency", "today"},
                       {"window", {{"from", iso(now_s())}, {"until", iso(now_s() + day)}}},
                       {"consent", true}};
    res = city.coordinator().post_json("/api/v1/requests", known);
    REQUIRE(res.status == 201);
    CHECK(res.json().at("resident_id") == json::value(resident_id));
    auto phone_req = city.staff_get("/api/v1/requests/" + phone_id);
    CHECK(phone_req.at("channel") == "phone");
    CHECK(phone_req.at("recurrence") == "weekly");
    CHECK(city.staff_get("/api/v1/requests/" + web_id).at("channel") == "web");
    // The public may not choose the channel or name a resident.
    auto pub = request_body();
    pub["channel"] = "phone";
    check_fields(anon->post_json("/api/v1/requests", pub), {"channel"});
    pub = request_body();
    pub["resident_id"] = resident_id;
    check_fields(anon->post_json("/api/v1/requests", pub), {"resident_id"});

    // The staff view.
    auto r = city.staff_get("/api/v1/requests/" + web_id);
    for (const char* k : {"id", "resident", "category", "details", "urgency", "window", "recurrence",
                          "channel", "status", "outcome", "redispatch", "redispatch_count", "created_at",
                          "closed_at", "support", "missions", "history"})
        CHECK_MESSAGE(r.as_object().contains(k), k);
    CHECK(r.at("resident").at("phone") == "+33299123456");
    CHECK(r.at("resident").at("needs").at("isolated") == true);
    CHECK(r.at("support").is_null());
    CHECK(r.at("history").at(0).at("action") == "created");
    CHECK(r.at("history").at(0).at("data").is_object());  // as in GET /api/v1/events

    const auto count_before = city.staff_count("/api/v1/requests");
    const auto residents_before = city.staff_count("/api/v1/residents");
    REQUIRE(count_before == 3);

    // Every faulty field listed.
    auto bad = request_body();
    bad["resident"].as_object()["phone"] = "12";
    bad["resident"].as_object()["email"] = "nope@";
    bad["resident"].as_object()["location"] = {{"lat", -95}, {"lon", 181}};
    bad["resident"].as_object().erase("address");
    bad["resident"].as_object()["shoe_size"] = 42;
    bad["urgency"] = "asap";
    bad["recurrence"] = "daily";
    bad["details"] = std::string(2001, 'x');
    bad["consent"] = false;
    bad["window"] = {{"from", iso(now_s() + 2 * day)}, {"until", iso(now_s() + day)}};
    bad["extra"] = true;
    check_fields(anon->post_json("/api/v1/requests", bad),
                 {"resident.phone", "resident.email", "resident.location.lat", "resident.location.lon",
                  "resident.address", "resident.shoe_size", "urgency", "recurrence", "details", "consent",
                  "window.until", "extra"});
    // A window in the past; dates without an offset; wrong types.
    auto past = request_body();
    past["window"] = {{"from", iso(now_s() - 3 * day)}, {"until", iso(now_s() - day)}};
    check_fields(anon->post_json("/api/v1/requests", past), {"window.until"});
    auto no_offset = request_body();
    no_offset["window"] = {{"from", "2026-12-01T10:00:00"}, {"until", 12}};
    check_fields(anon->post_json("/api/v1/requests", no_offset), {"window.from", "window.until"});
    auto types = request_body();
    types["resident"] = "Madeleine";
    types["category"] = json::array{"shopping"};
    types["consent"] = 1;
    check_fields(anon->post_json("/api/v1/requests", types), {"resident", "category", "consent"});
    check_fields(anon->post_json("/api/v1/requests", json::object{}),
                 {"resident", "category", "urgency", "window", "consent"});
    // Unknown codes (checked against the database).
    auto codes = request_body();
    codes["category"] = "teleportation";
    codes["resident"].as_object()["neighbourhood"] = "atlantis";
    check_fields(anon->post_json("/api/v1/requests", codes), {"category", "resident.neighbourhood"});
    // Non-UTF-8 inside a nested string.
    auto raw = json::serialize(request_body());
    raw.replace(raw.find("Madeleine"), 9, "Mad\xe9leine");
    check_fields(post_raw(*anon, "/api/v1/requests", raw), {"resident.first_name"});
    check_problem(post_raw(*anon, "/api/v1/requests", "<request/>", "application/xml"), 415);
    check_problem(post_raw(*anon, "/api/v1/requests", "{\"category\": shopping}"), 400);
    check_problem(post_raw(*anon, "/api/v1/requests", ""), 400);

    // Nothing half-written.
    CHECK(city.staff_count("/api/v1/requests") == count_before);
    CHECK(city.staff_count("/api/v1/residents") == residents_before);

    // SQL- and HTML-looking text is kept literally.
    auto sneaky = request_body();
    sneaky["details"] = "'; DELETE FROM request; -- <img src=x onerror=alert(1)>\nligne 2";
    sneaky["resident"].as_object()["address"] = "1 rue \"<b>\" & Co' OR '1'='1";
    auto s = city.public_request(sneaky);
    auto stored = city.staff_get("/api/v1/requests/" + s.id);
    CHECK(stored.at("details") == "'; DELETE FROM request; -- <img src=x onerror=alert(1)>\nligne 2");
    CHECK(stored.at("resident").at("address") == "1 rue \"<b>\" & Co' OR '1'='1");
    CHECK(city.staff_count("/api/v1/requests") == count_before + 1);

    // Idempotency-Key: the same form posted twice creates one request, answered identically.
    const header_list key{{"Idempotency-Key", "form-7f3c2a9e-0001"}};
    auto first = anon->post_json("/api/v1/requests", request_body(), key);
    auto second = anon->post_json("/api/v1/requests", request_body(), key);
    REQUIRE(first.status == 201);
    REQUIRE(second.status == 201);
    CHECK(first.json().at("id") == second.json().at("id"));
    CHECK(first.json().at("tracking_code") == second.json().at("tracking_code"));
    CHECK(city.staff_count("/api/v1/requests") == count_before + 2);
    // Without a key, two posts are two requests.
    city.public_request(request_body());
    city.public_request(request_body());
    CHECK(city.staff_count("/api/v1/requests") == count_before + 4);

    // Roles and unknown ids.
    check_problem(anon->get("/api/v1/requests"), 401);
    check_problem(anon->get("/api/v1/requests/" + web_id), 401);
    check_problem(anon->get("/api/v1/residents"), 401);
    check_problem(city.coordinator().get("/api/v1/requests/req_0000000000000000"), 404);
    check_problem(city.coordinator().post_json("/api/v1/requests/req_0000000000000000/close",
                                               json::object{{"outcome", "fulfilled"}}),
                  404);
    auto vol = city.new_volunteer("nosy");
    check_problem(vol.client->get("/api/v1/requests"), 403);
    check_problem(vol.client->get("/api/v1/requests/" + web_id), 403);
    check_problem(vol.client->get("/api/v1/residents/" + resident_id), 403);
    check_problem(city.coordinator().get("/api/v1/requests?status=open"), 400);

    // Close: outcome from the list; once.
    check_fields(city.coordinator().post_json("/api/v1/requests/" + web_id + "/close",
                                              json::object{{"outcome", "done"}}),
                 {"outcome"});
    res =
        city.coordinator().post_json("/api/v1/requests/" + web_id + "/close",
                                     json::object{{"outcome", "unfulfillable"}, {"reason", "Hors secteur"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "closed");
    CHECK(res.json().at("outcome") == "unfulfillable");
    auto twice = city.coordinator().post_json("/api/v1/requests/" + web_id + "/close",
                                              json::object{{"outcome", "fulfilled"}});
    check_problem(twice, 409);
    CHECK(contains(problem_detail(twice), "The request is closed"));
    CHECK(city.staff_get("/api/v1/requests?status=closed").at("items").as_array().size() == 1);
}

TEST_CASE("Idempotency-Key: long random keys only, scoped to the caller, answers not stored in clear") {
    // The key is chosen by the client. A short one ("1") could be reused by someone else and be answered with
    // the first caller's tracking code: refused.
    test_city city;
    auto anon = city.anonymous();
    for (const char* weak : {"1", "form", "123456789012345", "has space inside the key value"}) {
        auto res = anon->post_json("/api/v1/requests", request_body(), {{"Idempotency-Key", weak}});
        check_fields(res, {"Idempotency-Key"});
    }
    CHECK(city.staff_count("/api/v1/requests") == 0);

    const std::string key = "9f86d081884c7d659a2feaa0c55ad015";
    auto first = anon->post_json("/api/v1/requests", request_body(), {{"Idempotency-Key", key}});
    REQUIRE(first.status == 201);
    const std::string code(first.json().at("tracking_code").as_string());
    // A signed-in caller using the same key gets its own creation, not the public one.
    auto staff = city.coordinator().post_json("/api/v1/requests", request_body(), {{"Idempotency-Key", key}});
    REQUIRE(staff.status == 201);
    CHECK(staff.json().at("id") != first.json().at("id"));
    // The volunteer form has its own keys.
    auto vol =
        anon->post_json("/api/v1/volunteers", volunteer_body("idem@example.org"), {{"Idempotency-Key", key}});
    REQUIRE(vol.status == 201);
    auto vol_again =
        anon->post_json("/api/v1/volunteers", volunteer_body("idem@example.org"), {{"Idempotency-Key", key}});
    CHECK(vol_again.status == 201);
    CHECK(vol_again.json().at("id") == vol.json().at("id"));
    CHECK(city.staff_count("/api/v1/volunteers") == 1);

    // Neither the key nor the tracking code is in the database file.
    city.server().stop();
    std::string bytes;
    for (const auto& file : {city.db_path(), city.db_path() + "-wal"}) {
        std::ifstream in(file, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        bytes += ss.str();
    }
    REQUIRE(bytes.size() > 10000);
    CHECK(contains(bytes, "rue de Brest"));  // the search does see stored text
    CHECK_FALSE(contains(bytes, key));
    CHECK_FALSE(contains(bytes, code));
    std::string canonical;
    for (char c : code)
        if (c != '-')
            canonical += c;
    CHECK_FALSE(contains(bytes, canonical));
}

TEST_CASE("tracking: status, outcome and next visit only; cancel once; unknown codes 404") {
    test_city city;
    auto anon = city.anonymous();
    auto req = city.public_request(request_body());

    auto res = anon->get("/api/v1/track/" + req.tracking_code);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    auto view = res.json();
    CHECK(keys_of(view) == std::set<std::string>{"status", "outcome", "next_visit"});
    CHECK(view.at("status") == "new");
    CHECK(view.at("outcome").is_null());
    CHECK(view.at("next_visit").is_null());
    CHECK_FALSE(contains(res.body, "Madeleine"));
    CHECK_FALSE(contains(res.body, req.id));

    // Typed as a resident would read it on the phone.
    std::string typed;
    for (char c : req.tracking_code)
        typed += c == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string encoded;
    for (char c : typed)
        encoded += c == ' ' ? std::string("%20") : std::string(1, c);
    CHECK(anon->get("/api/v1/track/" + encoded).status == 200);

    // A visit accepted shows as the next visit.
    auto vol = city.new_volunteer("trk");
    const auto start = now_s() + 2 * day;
    auto m = city.propose(req.id, vol.id, start, start + hour);
    CHECK(anon->get_json("/api/v1/track/" + req.tracking_code).at("next_visit").is_null());
    REQUIRE(vol.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    view = anon->get_json("/api/v1/track/" + req.tracking_code);
    CHECK(view.at("status") == "matched");
    CHECK(unix_of(view.at("next_visit")) == start);

    // Unknown or malformed codes: 404, with no hint.
    check_problem(anon->get("/api/v1/track/0000-0000-0000-0000"), 404);
    check_problem(anon->get("/api/v1/track/not-a-code"), 404);
    check_problem(anon->get("/api/v1/track/%27%20OR%201%3D1"), 404);
    check_problem(anon->post_json("/api/v1/track/0000-0000-0000-0000/cancel", json::object{}), 404);

    res = anon->post_json("/api/v1/track/" + req.tracking_code + "/cancel", json::object{});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "closed");
    CHECK(res.json().at("outcome") == "cancelled");
    auto twice = anon->post_json("/api/v1/track/" + req.tracking_code + "/cancel", json::object{});
    check_problem(twice, 409);
    CHECK(contains(problem_detail(twice), "closed"));
    // The volunteer's visit is cancelled with it.
    auto mission = city.staff_get("/api/v1/missions/" + m);
    CHECK(mission.at("status") == "cancelled");
    CHECK(mission.at("reason") == "resident_cancelled");
}

TEST_CASE("missions: propose, answer, visibility of the resident's contact, 404 for other volunteers") {
    test_city city;
    auto anon = city.anonymous();
    auto v1 = city.new_volunteer("val");
    auto v2 = city.new_volunteer("vic");
    auto shopping = city.public_request(request_body("once", "shopping"));     // home visit
    auto call = city.public_request(request_body("weekly", "friendly_call"));  // no home visit
    const auto t = now_s();

    // 201 and its shape.
    auto res =
        city.coordinator().post_json("/api/v1/missions", json::object{{"request_id", shopping.id},
                                                                      {"volunteer_id", v1.id},
                                                                      {"starts_at", iso(t + day)},
                                                                      {"ends_at", iso(t + day + hour)},
                                                                      {"outside_availability_ok", true}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    auto m = res.json();
    const std::string m1(m.at("id").as_string());
    CHECK(m1.starts_with("mis_"));
    CHECK(m.at("status") == "proposed");
    CHECK(m.at("request_id") == json::value(shopping.id));
    CHECK(m.at("volunteer_id") == json::value(v1.id));
    CHECK(m.at("support_id").is_null());
    CHECK(unix_of(m.at("starts_at")) == t + day);
    CHECK(m.at("category") == "shopping");
    CHECK(m.at("neighbourhood") == "maurepas");
    CHECK(m.at("expires_at").is_string());
    CHECK(m.at("report").is_null());

    // The volunteer sees the proposal without the resident's contact.
    auto mine = v1.client->get_json("/api/v1/me/missions");
    REQUIRE(mine.at("items").as_array().size() == 1);
    CHECK(mine.at("items").at(0).at("id") == json::value(m1));
    CHECK(mine.at("items").at(0).at("resident").is_null());
    auto seen = v1.client->get_json("/api/v1/missions/" + m1);
    CHECK(seen.at("resident").is_null());
    CHECK_FALSE(contains(json::serialize(seen), "Madeleine"));
    CHECK_FALSE(contains(json::serialize(seen), "+33299123456"));
    CHECK_FALSE(contains(json::serialize(seen), "rue de Brest"));
    // Another volunteer: 404 on everything about it.
    check_problem(v2.client->get("/api/v1/missions/" + m1), 404);
    check_problem(v2.client->post_json("/api/v1/missions/" + m1 + "/accept", json::object{}), 404);
    check_problem(
        v2.client->post_json("/api/v1/missions/" + m1 + "/decline", json::object{{"reason", "other"}}), 404);
    CHECK(v2.client->get_json("/api/v1/me/missions").at("items").as_array().empty());
    // Staff-only routes.
    check_problem(v1.client->get("/api/v1/missions"), 403);
    check_problem(
        v1.client->post_json("/api/v1/missions/" + m1 + "/cancel", json::object{{"reason", "other"}}), 403);
    check_problem(anon->get("/api/v1/missions/" + m1), 401);
    check_problem(anon->get("/api/v1/me/missions"), 401);
    check_problem(city.coordinator().get("/api/v1/me/missions"), 403);

    // Accepted: first name and phone, and the address because shopping is a home visit; never the last name.
    res = v1.client->post_json("/api/v1/missions/" + m1 + "/accept", json::object{});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    auto accepted = res.json();
    CHECK(accepted.at("status") == "accepted");
    REQUIRE(accepted.at("resident").is_object());
    CHECK(accepted.at("resident").at("first_name") == "Madeleine");
    CHECK(accepted.at("resident").at("phone") == "+33299123456");
    CHECK(accepted.at("resident").at("address") == "3 rue de Brest, 35000 Rennes");
    CHECK_FALSE(contains(res.body, "Le Bihan"));
    CHECK_FALSE(contains(res.body, "madeleine@example.org"));
    CHECK(v1.client->get_json("/api/v1/missions/" + m1).at("resident").at("phone") == "+33299123456");
    CHECK(v1.client->get_json("/api/v1/me/missions").at("items").at(0).at("resident").is_object());
    // An illegal move names the current status.
    auto twice = v1.client->post_json("/api/v1/missions/" + m1 + "/accept", json::object{});
    check_problem(twice, 409);
    CHECK(contains(problem_detail(twice), "The mission is accepted"));
    auto decline_late =
        v1.client->post_json("/api/v1/missions/" + m1 + "/decline", json::object{{"reason", "other"}});
    check_problem(decline_late, 409);
    CHECK(contains(problem_detail(decline_late), "The mission is accepted"));
    // The staff view shows the support created.
    auto staff_view = city.staff_get("/api/v1/missions/" + m1);
    CHECK(staff_view.at("support_id").is_string());
    CHECK(city.staff_get("/api/v1/requests/" + shopping.id).at("status") == "matched");

    // A friendly call is not a home visit: no address.
    auto m2 = city.propose(call.id, v2.id, t + 2 * day, t + 2 * day + hour);
    res = v2.client->post_json("/api/v1/missions/" + m2 + "/accept", json::object{});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("resident").at("first_name") == "Madeleine");
    CHECK(res.json().at("resident").at("address").is_null());

    // Validation of proposals.
    check_fields(city.coordinator().post_json("/api/v1/missions", json::object{}),
                 {"request_id", "volunteer_id", "starts_at", "ends_at"});
    check_fields(city.coordinator().post_json("/api/v1/missions", json::object{{"request_id", shopping.id},
                                                                               {"volunteer_id", v1.id},
                                                                               {"starts_at", "tomorrow"},
                                                                               {"ends_at", 17},
                                                                               {"priority", "high"}}),
                 {"starts_at", "ends_at", "priority"});
    check_fields(
        city.coordinator().post_json("/api/v1/missions", json::object{{"request_id", call.id},
                                                                      {"volunteer_id", v2.id},
                                                                      {"starts_at", iso(t + 5 * day)},
                                                                      {"ends_at", iso(t + 4 * day)}}),
        {"ends_at"});
    check_fields(
        city.coordinator().post_json("/api/v1/missions", json::object{{"request_id", call.id},
                                                                      {"volunteer_id", v2.id},
                                                                      {"starts_at", iso(t - 8 * day)},
                                                                      {"ends_at", iso(t - 8 * day + hour)}}),
        {"starts_at"});
    check_problem(
        city.coordinator().post_json("/api/v1/missions", json::object{{"request_id", "req_0000000000000000"},
                                                                      {"volunteer_id", v1.id},
                                                                      {"starts_at", iso(t + 3 * day)},
                                                                      {"ends_at", iso(t + 3 * day + hour)}}),
        404);
    check_problem(city.coordinator().post_json("/api/v1/missions",
                                               json::object{{"request_id", call.id},
                                                            {"volunteer_id", "vol_0000000000000000"},
                                                            {"starts_at", iso(t + 3 * day)},
                                                            {"ends_at", iso(t + 3 * day + hour)}}),
                  404);
    // Overlap with the volunteer's accepted mission: 409.
    auto third = city.public_request(request_body());
    auto overlap =
        city.coordinator().post_json("/api/v1/missions", json::object{{"request_id", third.id},
                                                                      {"volunteer_id", v1.id},
                                                                      {"starts_at", iso(t + day + 1800)},
                                                                      {"ends_at", iso(t + day + 7200)}});
    check_problem(overlap, 409);
    CHECK(contains(problem_detail(overlap), "overlapping"));
    check_problem(city.coordinator().get("/api/v1/missions/mis_0000000000000000"), 404);
    check_problem(
        city.coordinator().post_json("/api/v1/missions/mis_0000000000000000/accept", json::object{}), 404);

    // Answers' bodies.
    auto m3 = city.propose(third.id, v2.id, t + 4 * day, t + 4 * day + hour);
    check_fields(
        v2.client->post_json("/api/v1/missions/" + m3 + "/decline", json::object{{"reason", "lazy"}}),
        {"reason"});
    check_fields(v2.client->post_json("/api/v1/missions/" + m3 + "/accept", json::object{{"really", true}}),
                 {"really"});
    res = v2.client->post_json("/api/v1/missions/" + m3 + "/decline",
                               json::object{{"reason", "too_far"}, {"note", "Trop loin a pied"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "declined");
    // The request is back on top of the queue, flagged.
    auto queue = city.staff_get("/api/v1/requests?status=new");
    REQUIRE_FALSE(queue.at("items").as_array().empty());
    CHECK(queue.at("items").at(0).at("id") == json::value(third.id));
    CHECK(queue.at("items").at(0).at("redispatch") == true);
    CHECK(city.staff_get("/api/v1/requests?redispatch=true").at("items").as_array().size() == 1);
    // The one who declined is not asked again.
    auto again =
        city.coordinator().post_json("/api/v1/missions", json::object{{"request_id", third.id},
                                                                      {"volunteer_id", v2.id},
                                                                      {"starts_at", iso(t + 6 * day)},
                                                                      {"ends_at", iso(t + 6 * day + hour)}});
    check_problem(again, 409);
    CHECK(contains(problem_detail(again), "declined"));

    // Completion: only after the start; report validated field by field.
    auto early =
        v1.client->post_json("/api/v1/missions/" + m1 + "/complete",
                             json::object{{"report", {{"duration_minutes", 30}, {"outcome", "good"}}}});
    check_problem(early, 409);
    CHECK(contains(problem_detail(early), "not started"));
    check_fields(v1.client->post_json("/api/v1/missions/" + m1 + "/complete", json::object{}), {"report"});
    check_fields(
        v1.client->post_json(
            "/api/v1/missions/" + m1 + "/complete",
            json::object{
                {"report",
                 {{"duration_minutes", 0}, {"outcome", "meh"}, {"welfare_concern", true}, {"mood", "ok"}}}}),
        {"report.duration_minutes", "report.outcome", "report.note", "report.mood"});
    check_fields(v1.client->post_json("/api/v1/missions/" + m1 + "/drop", json::object{{"reason", "meh"}}),
                 {"reason"});
    check_fields(city.coordinator().post_json("/api/v1/missions/" + m1 + "/cancel", json::object{}),
                 {"reason"});
    CHECK(city.staff_get("/api/v1/missions/" + m1).at("status") == "accepted");

    // Filters of the mission list.
    CHECK(city.staff_get("/api/v1/missions?status=accepted").at("items").as_array().size() == 2);
    CHECK(city.staff_get("/api/v1/missions?volunteer_id=" + v2.id).at("items").as_array().size() == 2);
    CHECK(city.staff_get("/api/v1/missions?request_id=" + third.id).at("items").as_array().size() == 1);
    CHECK(city.staff_get("/api/v1/volunteers/" + v1.id + "/missions").at("items").as_array().size() == 1);
    check_problem(city.coordinator().get("/api/v1/missions?status=maybe"), 400);
    check_problem(city.coordinator().get("/api/v1/volunteers/vol_0000000000000000/missions"), 404);
}

TEST_CASE("missions: drop, cancel, missed, completion with a welfare concern and its acknowledgement") {
    test_city city;
    auto v = city.new_volunteer("dora");
    auto w = city.new_volunteer("wes");
    const auto t = now_s();

    // A dropout of a one-off mission: support ended, request back to new and flagged, re-proposed elsewhere.
    auto req = city.public_request(request_body("once", "medicines"));
    auto m = city.propose(req.id, v.id, t + day, t + day + hour);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    auto support_id = std::string(city.staff_get("/api/v1/missions/" + m).at("support_id").as_string());
    auto res = v.client->post_json("/api/v1/missions/" + m + "/drop",
                                   json::object{{"reason", "health"}, {"note", "Grippe"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "dropped");
    CHECK(res.json().at("resident").is_null());  // a dropped mission no longer shows the contact
    auto r = city.staff_get("/api/v1/requests/" + req.id);
    CHECK(r.at("status") == "new");
    CHECK(r.at("redispatch") == true);
    CHECK(r.at("redispatch_count") == 1);
    CHECK(r.at("support").is_null());
    CHECK(city.staff_get("/api/v1/supports/" + support_id).at("status") == "ended");
    check_problem(v.client->post_json("/api/v1/missions/" + m + "/drop", json::object{{"reason", "health"}}),
                  409);
    auto m2 = city.propose(req.id, w.id, t + day, t + day + hour);
    CHECK(city.staff_get("/api/v1/requests/" + req.id).at("redispatch") == false);

    // Cancelled by the coordinator (staff only); missed.
    res = city.coordinator().post_json("/api/v1/missions/" + m2 + "/cancel",
                                       json::object{{"reason", "coordinator"}, {"note", "Doublon"}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "cancelled");
    CHECK(res.json().at("reason") == "coordinator");
    auto missed_req = city.public_request(request_body("once", "walk"));
    auto m3 = city.propose(missed_req.id, w.id, t - 2 * hour, t - hour);
    REQUIRE(w.client->post_json("/api/v1/missions/" + m3 + "/accept", json::object{}).status == 200);
    check_fields(
        city.coordinator().post_json("/api/v1/missions/" + m3 + "/missed", json::object{{"reason", 5}}),
        {"reason"});
    res = city.coordinator().post_json("/api/v1/missions/" + m3 + "/missed",
                                       json::object{{"reason", "Personne a la porte"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "missed");
    CHECK(city.staff_get("/api/v1/requests/" + missed_req.id).at("redispatch") == true);
    // The coordinator's free text is kept on the mission, not in the event log.
    auto events = city.staff_get("/api/v1/events?entity=mission&entity_id=" + m3);
    CHECK_FALSE(contains(json::serialize(events), "Personne a la porte"));

    // Completed (the slot has started: proposed up to 7 days late) with a welfare concern.
    auto care = city.public_request(request_body("once", "shopping"));
    auto m4 = city.propose(care.id, v.id, t - 3 * day, t - 3 * day + hour);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m4 + "/accept", json::object{}).status == 200);
    res = v.client->post_json("/api/v1/missions/" + m4 + "/complete",
                              json::object{{"report",
                                            {{"duration_minutes", 75},
                                             {"outcome", "difficult"},
                                             {"welfare_concern", true},
                                             {"note", "Frigo vide, semble desorientee"}}}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "done");
    CHECK(res.json().at("report").at("duration_minutes") == 75);
    CHECK(res.json().at("report").at("welfare_concern") == true);
    auto closed = city.staff_get("/api/v1/requests/" + care.id);
    CHECK(closed.at("status") == "closed");
    CHECK(closed.at("outcome") == "fulfilled");
    auto open = city.staff_get("/api/v1/missions?welfare=true");
    REQUIRE(open.at("items").as_array().size() == 1);
    CHECK(open.at("items").at(0).at("id") == json::value(m4));
    // The contract's boolean: false is no filter, anything else than true/false is refused.
    CHECK(city.staff_get("/api/v1/missions?welfare=false").at("items").as_array().size() > 1);
    check_problem(city.coordinator().get("/api/v1/missions?welfare=open"), 400);
    check_problem(v.client->post_json("/api/v1/missions/" + m4 + "/acknowledge-welfare", json::object{}),
                  403);
    // Handled, with a note of what was done (checked like any text: too long is refused, nothing written).
    check_problem(city.coordinator().post_json("/api/v1/missions/" + m4 + "/acknowledge-welfare",
                                               json::object{{"note", std::string(2001, 'x')}}),
                  422);
    CHECK(city.staff_get("/api/v1/missions/" + m4).at("welfare_acknowledged_at").is_null());
    res = city.coordinator().post_json("/api/v1/missions/" + m4 + "/acknowledge-welfare",
                                       json::object{{"note", "Appelee : sa fille passe ce soir"}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("welfare_acknowledged_at").is_string());
    CHECK(res.json().at("welfare_acknowledgement_note") == "Appelee : sa fille passe ce soir");
    CHECK(city.staff_get("/api/v1/missions?welfare=true").at("items").as_array().empty());
    check_problem(
        city.coordinator().post_json("/api/v1/missions/" + m4 + "/acknowledge-welfare", json::object{}), 409);
    auto done_twice =
        v.client->post_json("/api/v1/missions/" + m4 + "/complete",
                            json::object{{"report", {{"duration_minutes", 5}, {"outcome", "good"}}}});
    check_problem(done_twice, 409);
    CHECK(contains(problem_detail(done_twice), "The mission is done"));
}

TEST_CASE("supports: stand-in, end, handover to a partner who then sees only that support") {
    test_city city;
    auto v = city.new_volunteer("sam");
    auto s = city.new_volunteer("sue");
    const auto t = now_s();
    auto req = city.public_request(request_body("weekly", "friendly_call"));
    auto m = city.propose(req.id, v.id, t + day, t + day + hour);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    auto support = city.staff_get("/api/v1/requests/" + req.id).at("support");
    REQUIRE(support.is_object());
    const std::string sid(support.at("id").as_string());
    CHECK(support.at("volunteer_id") == json::value(v.id));
    CHECK(support.at("status") == "active");

    check_fields(city.coordinator().send_json("PATCH", "/api/v1/supports/" + sid, json::object{}),
                 {"standin_volunteer_id"});
    check_problem(city.coordinator().send_json("PATCH", "/api/v1/supports/" + sid,
                                               json::object{{"standin_volunteer_id", v.id}}),
                  409);
    check_problem(
        city.coordinator().send_json("PATCH", "/api/v1/supports/" + sid,
                                     json::object{{"standin_volunteer_id", "vol_0000000000000000"}}),
        404);
    auto res = city.coordinator().send_json("PATCH", "/api/v1/supports/" + sid,
                                            json::object{{"standin_volunteer_id", s.id}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("standin_volunteer_id") == json::value(s.id));
    CHECK(city.staff_get("/api/v1/supports?volunteer_id=" + s.id).at("items").as_array().size() == 1);
    CHECK(city.staff_get("/api/v1/supports?status=active").at("items").as_array().size() == 1);
    check_problem(v.client->get("/api/v1/supports"), 403);
    check_problem(city.anonymous()->get("/api/v1/supports"), 401);
    check_problem(city.coordinator().get("/api/v1/supports/sup_0000000000000000"), 404);

    // Handover at the end of the programme.
    res = city.coordinator().post_json("/api/v1/partners",
                                       json::object{{"name", "Les Petits Freres"},
                                                    {"kind", "association"},
                                                    {"contact_email", "contact@pf.example.org"}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    const std::string partner(res.json().at("id").as_string());
    check_fields(city.coordinator().post_json(
                     "/api/v1/supports/" + sid + "/handover",
                     json::object{{"partner_id", "prt_0000000000000000"}, {"resident_consent", true}}),
                 {"partner_id"});
    // Only with the resident's agreement that their contact goes to the partner.
    check_fields(city.coordinator().post_json("/api/v1/supports/" + sid + "/handover",
                                              json::object{{"partner_id", partner}}),
                 {"resident_consent"});
    check_fields(
        city.coordinator().post_json("/api/v1/supports/" + sid + "/handover",
                                     json::object{{"partner_id", partner}, {"resident_consent", false}}),
        {"resident_consent"});
    CHECK(city.staff_get("/api/v1/supports/" + sid).at("status") == "active");
    res = city.coordinator().post_json(
        "/api/v1/supports/" + sid + "/handover",
        json::object{
            {"partner_id", partner}, {"note", "Suivi par l'association"}, {"resident_consent", true}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "handed_over");
    CHECK(res.json().at("partner_id") == json::value(partner));
    check_problem(city.coordinator().post_json("/api/v1/supports/" + sid + "/end", json::object{}), 409);

    // The partner's account sees this support, not others.
    res = city.admin().post_json("/api/v1/users", json::object{{"email", "pf@partners.test"},
                                                               {"role", "partner"},
                                                               {"password", "partner password 2026"},
                                                               {"partner_id", partner}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    auto p = city.signed_in("pf@partners.test", "partner password 2026");
    auto theirs = p->get_json("/api/v1/supports");
    REQUIRE(theirs.at("items").as_array().size() == 1);
    CHECK(theirs.at("items").at(0).at("id") == json::value(sid));
    // The partner gets the contact it needs to go on helping (the resident agreed); an audited read.
    auto one = p->get("/api/v1/supports/" + sid);
    REQUIRE(one.status == 200);
    const auto one_json = one.json();
    REQUIRE(one_json.at("resident").is_object());
    CHECK(one_json.at("resident").at("phone").is_string());
    CHECK(one_json.at("resident").at("last_name").is_string());
    CHECK(one_json.at("handover_consent_at").is_string());
    CHECK(one.header("cache-control") == "no-store");
    auto req2 = city.public_request(request_body("weekly", "walk"));
    auto m2 = city.propose(req2.id, s.id, t + 2 * day, t + 2 * day + hour);
    REQUIRE(s.client->post_json("/api/v1/missions/" + m2 + "/accept", json::object{}).status == 200);
    const std::string other(city.staff_get("/api/v1/requests/" + req2.id).at("support").at("id").as_string());
    check_problem(p->get("/api/v1/supports/" + other), 404);
    CHECK(p->get_json("/api/v1/supports?partner_id=").at("items").as_array().size() == 1);
    check_problem(
        p->send_json("PATCH", "/api/v1/supports/" + other, json::object{{"standin_volunteer_id", nullptr}}),
        403);
    // Ending a support.
    res = city.coordinator().post_json("/api/v1/supports/" + other + "/end", json::object{{"reason", "Fin"}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "ended");
}

TEST_CASE("partners and collective missions: capacity, sign-ups, partner scope") {
    test_city city;
    auto res = city.coordinator().post_json(
        "/api/v1/partners", json::object{{"name", "Centre de depistage"}, {"kind", "health"}});
    REQUIRE(res.status == 201);
    const std::string partner(res.json().at("id").as_string());
    check_fields(
        city.coordinator().post_json("/api/v1/partners",
                                     json::object{{"name", ""}, {"kind", "club"}, {"contact_email", "x"}}),
        {"name", "kind", "contact_email"});
    CHECK(city.staff_get("/api/v1/partners").at("items").as_array().size() == 1);
    CHECK(city.staff_get("/api/v1/partners/" + partner).at("name") == "Centre de depistage");
    check_problem(city.coordinator().get("/api/v1/partners/prt_0000000000000000"), 404);

    const auto t = now_s();
    json::object shift{{"partner_id", partner},
                       {"title", "Information sante"},
                       {"description", "Accueil du public"},
                       {"place", "Place de la Mairie"},
                       {"neighbourhood", "centre"},
                       {"starts_at", iso(t + 2 * day)},
                       {"ends_at", iso(t + 2 * day + 3 * hour)},
                       {"capacity", 2}};
    auto bad = shift;
    bad["capacity"] = 0;
    bad["ends_at"] = iso(t + day);
    bad["title"] = 5;
    check_fields(city.coordinator().post_json("/api/v1/collective-missions", bad),
                 {"capacity", "ends_at", "title"});
    res = city.coordinator().post_json("/api/v1/collective-missions", shift);
    INFO(res.describe());
    REQUIRE(res.status == 201);
    const std::string col(res.json().at("id").as_string());
    CHECK(res.json().at("remaining") == 2);
    CHECK(res.json().at("status") == "open");

    auto a = city.new_volunteer("ana");
    auto b = city.new_volunteer("ben");
    auto c = city.new_volunteer("cyr");
    auto listed = a.client->get_json("/api/v1/collective-missions");
    REQUIRE(listed.at("items").as_array().size() == 1);
    res = a.client->post_json("/api/v1/collective-missions/" + col + "/signup", json::object{});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("signed_up") == 1);
    CHECK(res.json().at("remaining") == 1);
    check_problem(a.client->post_json("/api/v1/collective-missions/" + col + "/signup", json::object{}), 409);
    CHECK(b.client->post_json("/api/v1/collective-missions/" + col + "/signup", json::object{}).status ==
          200);
    auto full = c.client->post_json("/api/v1/collective-missions/" + col + "/signup", json::object{});
    check_problem(full, 409);
    CHECK(contains(problem_detail(full), "full"));
    CHECK(city.staff_get("/api/v1/collective-missions/" + col).at("signed_up") == 2);
    // A place freed can be taken.
    res = a.client->post_json("/api/v1/collective-missions/" + col + "/cancel-signup", json::object{});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("remaining") == 1);
    CHECK(c.client->post_json("/api/v1/collective-missions/" + col + "/signup", json::object{}).status ==
          200);
    check_problem(
        city.coordinator().post_json("/api/v1/collective-missions/" + col + "/signup", json::object{}), 403);
    check_problem(
        a.client->post_json("/api/v1/collective-missions/col_0000000000000000/signup", json::object{}), 404);

    // A partner account posts for its own association only and sees only its own shifts.
    res = city.admin().post_json("/api/v1/users", json::object{{"email", "cdd@partners.test"},
                                                               {"role", "partner"},
                                                               {"password", "partner password 2026"},
                                                               {"partner_id", partner}});
    REQUIRE(res.status == 201);
    auto other = city.coordinator().post_json(
        "/api/v1/partners", json::object{{"name", "Banque alimentaire"}, {"kind", "food_bank"}});
    const std::string other_partner(other.json().at("id").as_string());
    auto other_shift = shift;
    other_shift["partner_id"] = other_partner;
    const std::string other_col(
        city.coordinator().post_json("/api/v1/collective-missions", other_shift).json().at("id").as_string());
    auto p = city.signed_in("cdd@partners.test", "partner password 2026");
    auto own = p->get_json("/api/v1/collective-missions");
    REQUIRE(own.at("items").as_array().size() == 1);
    CHECK(own.at("items").at(0).at("id") == json::value(col));
    check_problem(p->get("/api/v1/collective-missions/" + other_col), 404);
    check_problem(p->post_json("/api/v1/collective-missions/" + other_col + "/cancel", json::object{}), 404);
    check_problem(p->get("/api/v1/partners/" + other_partner), 404);
    auto mine = shift;
    mine.erase("partner_id");
    res = p->post_json("/api/v1/collective-missions", mine);
    INFO(res.describe());
    REQUIRE(res.status == 201);
    CHECK(res.json().at("partner_id") == json::value(partner));
    check_fields(p->post_json("/api/v1/collective-missions", other_shift), {"partner_id"});

    // Cancelled: no more sign-ups.
    res =
        city.coordinator().post_json("/api/v1/collective-missions/" + other_col + "/cancel", json::object{});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "cancelled");
    check_problem(a.client->post_json("/api/v1/collective-missions/" + other_col + "/signup", json::object{}),
                  409);
    check_problem(
        city.coordinator().post_json("/api/v1/collective-missions/" + other_col + "/cancel", json::object{}),
        409);
}

TEST_CASE("concurrent proposals over HTTP: one volunteer, overlapping slots, exactly one 201, the rest 409") {
    test_city city;
    auto vol = city.new_volunteer("solo");
    constexpr int n = 24;
    std::vector<std::string> requests;
    for (int i = 0; i < n; ++i)
        requests.push_back(city.public_request(request_body()).id);
    const auto base = now_s() + 3 * day;

    // Each thread has its own connection, all on one coordinator session (its cookie and CSRF token).
    auto probe = city.anonymous();
    auto probe_login = probe->post_json(
        "/api/v1/auth/login", json::object{{"email", coordinator_email}, {"password", coordinator_password}});
    REQUIRE(probe_login.status == 200);
    const std::string token(probe_login.json().at("csrf_token").as_string());
    std::vector<std::unique_ptr<http_client>> clients;
    for (int i = 0; i < n; ++i) {
        auto c = city.anonymous();
        for (const auto& [k, v] : probe->cookies())
            c->set_cookie(k, v);
        c->set_csrf(token);
        REQUIRE(c->get("/api/v1/me").status == 200);  // connected and signed in before the race
        clients.push_back(std::move(c));
    }

    std::atomic<int> go{0};
    std::vector<unsigned> statuses(n, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            while (go.load() == 0)
                std::this_thread::yield();
            const auto starts = base + i * 60;  // every slot overlaps every other
            try {
                statuses[i] =
                    clients[i]
                        ->post_json("/api/v1/missions", json::object{{"request_id", requests[i]},
                                                                     {"volunteer_id", vol.id},
                                                                     {"starts_at", iso(starts)},
                                                                     {"ends_at", iso(starts + 2 * hour)},
                                                                     {"outside_availability_ok", true}})
                        .status;
            } catch (const std::exception&) {
                statuses[i] = 0;
            }
        });
    }
    go = 1;
    for (auto& t : threads)
        t.join();
    int created = 0, conflicts = 0;
    for (auto s : statuses) {
        created += s == 201;
        conflicts += s == 409;
    }
    CHECK(created == 1);
    CHECK(conflicts == n - 1);
    auto live = city.staff_get("/api/v1/missions?volunteer_id=" + vol.id);
    CHECK(live.at("items").as_array().size() == 1);
    CHECK(city.staff_get("/api/v1/events?entity=mission").at("items").as_array().size() == 1);
}

TEST_CASE("events and programme reference data") {
    test_city city;
    auto anon = city.anonymous();
    auto cats = anon->get_json("/api/v1/categories").at("items").as_array();
    std::set<std::string> codes;
    for (const auto& c : cats)
        codes.emplace(c.at("code").as_string());
    for (const char* code : {"shopping", "medicines", "books", "admin", "friendly_call", "walk",
                             "appointment", "digital", "reading", "language", "schooling"})
        CHECK_MESSAGE(codes.contains(code), code);
    CHECK(anon->get_json("/api/v1/neighbourhoods").at("items").as_array().size() >= 10);

    // A new category (admin), then usable in a request.
    check_problem(city.coordinator().post_json("/api/v1/categories", json::object{{"code", "gardening"},
                                                                                  {"label_fr", "Jardinage"},
                                                                                  {"label_en", "Gardening"}}),
                  403);
    auto res = city.admin().post_json("/api/v1/categories", json::object{{"code", "gardening"},
                                                                         {"label_fr", "Jardinage"},
                                                                         {"label_en", "Gardening"},
                                                                         {"home_visit", true}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    check_problem(
        city.admin().post_json("/api/v1/categories",
                               json::object{{"code", "gardening"}, {"label_fr", "J"}, {"label_en", "G"}}),
        409);
    check_fields(city.admin().post_json("/api/v1/categories", json::object{{"code", "Bad Code"}}),
                 {"code", "label_fr", "label_en"});
    auto req = city.public_request(request_body("once", "gardening"));
    // Deactivated: no longer accepted in new requests.
    REQUIRE(city.admin()
                .send_json("PATCH", "/api/v1/categories/gardening", json::object{{"active", false}})
                .status == 200);
    check_fields(anon->post_json("/api/v1/requests", request_body("once", "gardening")), {"category"});
    check_problem(city.admin().send_json("PATCH", "/api/v1/categories/nope", json::object{{"active", false}}),
                  404);

    // The event log: staff only, filterable, paginated.
    check_problem(anon->get("/api/v1/events"), 401);
    auto vol = city.new_volunteer("eve");
    check_problem(vol.client->get("/api/v1/events"), 403);
    auto ev = city.staff_get("/api/v1/events?entity=request&entity_id=" + req.id);
    REQUIRE(ev.at("items").as_array().size() == 1);
    auto e = ev.at("items").at(0);
    for (const char* k : {"seq", "at", "actor", "entity", "entity_id", "action", "from_status", "to_status",
                          "reason", "data"})
        CHECK_MESSAGE(e.as_object().contains(k), k);
    CHECK(e.at("action") == "created");
    CHECK(e.at("actor") == "public");
    CHECK(e.at("to_status") == "new");
    CHECK(e.at("data").at("category") == "gardening");
    CHECK(e.at("data").at("channel") == "web");
    auto activated = city.staff_get("/api/v1/events?action=activated");
    REQUIRE(activated.at("items").as_array().size() == 1);
    CHECK(activated.at("items").at(0).at("entity_id") == json::value(vol.id));
    auto p1 = city.staff_get("/api/v1/events?limit=2");
    REQUIRE(p1.at("next_cursor").is_string());
    auto p2 =
        city.staff_get("/api/v1/events?limit=2&cursor=" + std::string(p1.at("next_cursor").as_string()));
    CHECK(p2.at("items").at(0).at("seq").to_number<std::int64_t>() >
          p1.at("items").at(1).at("seq").to_number<std::int64_t>());
    // No personal data anywhere in it.
    const auto all = json::serialize(city.staff_get("/api/v1/events?limit=200"));
    for (const char* personal : {"Madeleine", "Le Bihan", "+33299123456", "madeleine@example.org",
                                 "rue de Brest", "eve@volunteers.test", "+33612345678", "Bernard"})
        CHECK_MESSAGE(!contains(all, personal), personal);
}
