// Black-box tests of the resident pages that work without JavaScript (/demande, /suivi): a browser posting
// the plain forms gets HTML pages for every answer, refusals included (rate limit, a form posted from another
// site), while JSON clients keep getting problem+json.
#include "api/support/fixtures.hpp"
#include "api/support/http_client.hpp"
#include "api/support/server_process.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace relais::api_test;

namespace {

bool contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

const header_list form_headers(std::uint16_t port, std::string accept = "text/html,application/xhtml+xml") {
    return {{"Content-Type", "application/x-www-form-urlencoded"},
            {"Origin", "http://127.0.0.1:" + std::to_string(port)},
            {"Accept", std::move(accept)}};
}

/// A complete /demande form except for what the test changes.
std::string demande_form(std::string_view phone) {
    return "lang=fr&idempotency_key=0123456789abcdef0123&category=shopping&details=Courses+du+jeudi"
           "&resident.first_name=Paulette&resident.last_name=Formulaire&urgency=48h&start=asap&recurrence="
           "once"
           "&resident.phone=" +
           std::string(phone) +
           "&resident.address=5+place+du+Test&resident.neighbourhood=centre&resident.preferred_contact=phone"
           "&consent=yes";
}

}  // namespace

TEST_CASE(
    "no-JS /demande: a validation error gives the form again with the values kept and the message "
    "next to the field") {
    server_process server({"--public-post-limit", "0"});
    http_client c(server.port());
    auto res = c.request("POST", "/demande", demande_form("pas+un+numero"), form_headers(server.port()));
    REQUIRE(res.status == 422);
    CHECK(res.header("Content-Type").starts_with("text/html"));
    // The summary links to the field; the message sits just before the field, which points at it.
    CHECK(contains(res.body, "<a href=\"#f-resident.phone\">"));
    CHECK(contains(res.body, "<p class=\"field-error\" id=\"err-resident.phone\">"));
    CHECK(contains(res.body,
                   "aria-invalid=\"true\" aria-describedby=\"hint-resident.phone err-resident.phone\""));
    CHECK(contains(res.body, "value=\"Paulette\""));
    CHECK(contains(res.body, "value=\"pas un numero\""));
    CHECK(contains(res.body, "Courses du jeudi</textarea>"));
    // Fixed, the same form is accepted.
    auto ok = c.request("POST", "/demande", demande_form("02+99+00+11+22"), form_headers(server.port()));
    CHECK(ok.status == 200);
    CHECK(contains(ok.body, "id=\"tracking-code\""));
}

TEST_CASE(
    "no-JS /demande and /suivi: a rate-limited resident gets a page in their language, with the form "
    "kept, the coordination phone and a way back; JSON clients get problem+json") {
    server_process server({"--public-post-limit", "1", "--public-post-window", "600"});
    http_client c(server.port());
    CHECK(c.request("POST", "/demande", demande_form("pas+un+numero"), form_headers(server.port())).status ==
          422);
    auto refused = c.request("POST", "/demande", demande_form("02+99+00+11+22"), form_headers(server.port()));
    REQUIRE(refused.status == 429);
    CHECK(refused.header("Content-Type").starts_with("text/html"));
    CHECK(std::stoi(refused.header("Retry-After")) > 0);
    CHECK(refused.header("Cache-Control") == "no-store");
    CHECK(contains(refused.body, "<html lang=\"fr\">"));
    CHECK(contains(refused.body, "id=\"refusal\""));
    CHECK(contains(refused.body, "Réessayez dans 10 minutes"));
    CHECK(contains(refused.body, "href=\"tel:"));
    CHECK(contains(refused.body, "<a href=\"/demande?lang=fr\" id=\"refusal-back\">"));
    CHECK(contains(refused.body, "value=\"Paulette\""));  // nothing typed is lost
    CHECK(
        contains(refused.body, "value=\"0123456789abcdef0123\""));  // same key: a later retry is one request
    CHECK_FALSE(contains(refused.body, "problem"));

    // English, tracking form.
    CHECK(c.request("POST", "/suivi", "lang=en&code=AAAA", form_headers(server.port())).status == 404);
    auto en = c.request("POST", "/suivi", "lang=en&code=AAAA", form_headers(server.port()));
    REQUIRE(en.status == 429);
    CHECK(contains(en.body, "<html lang=\"en\">"));
    CHECK(contains(en.body, "Back to tracking my request"));
    CHECK(contains(en.body, "value=\"AAAA\""));

    // A client that asks for JSON keeps the problem.
    auto json =
        c.request("POST", "/suivi", "lang=en&code=AAAA", form_headers(server.port(), "application/json"));
    check_problem(json, 429);
}

TEST_CASE("no-JS /suivi/annuler posted from another site: refused with a page, not problem+json") {
    server_process server({"--public-post-limit", "0"});
    http_client c(server.port());
    auto res = c.request("POST", "/suivi/annuler", "lang=fr&code=AAAA-BBBB-CCCC-DDDD",
                         {{"Content-Type", "application/x-www-form-urlencoded"},
                          {"Origin", "http://evil.example"},
                          {"Accept", "text/html"}});
    CHECK(res.status == 403);
    CHECK(res.header("Content-Type").starts_with("text/html"));
    CHECK(contains(res.body, "depuis une autre page ou un autre site"));
    CHECK(contains(res.body, "<a href=\"/suivi?lang=fr\" id=\"refusal-back\">"));
    CHECK_FALSE(contains(res.body, "AAAA-BBBB"));  // another site's values are not shown back
    // The same origin passes the check (then: unknown code, the tracking form again).
    auto same = c.request("POST", "/suivi/annuler", "lang=fr&code=AAAA-BBBB-CCCC-DDDD&confirm=yes",
                          form_headers(server.port()));
    CHECK(same.status == 404);
    CHECK(contains(same.body, "id=\"f-code\""));
    // The API itself still answers problem+json.
    auto api = c.request("POST", "/api/v1/requests", "{}",
                         {{"Content-Type", "application/json"}, {"Origin", "http://evil.example"}});
    check_problem(api, 403);
}

TEST_CASE("pages and the API send Referrer-Policy: same-origin") {
    server_process server({"--public-post-limit", "0"});
    http_client c(server.port());
    CHECK(c.get("/demande").header("Referrer-Policy") == "same-origin");
    CHECK(c.get("/api/v1/reference").header("Referrer-Policy") == "same-origin");
    CHECK_FALSE(contains(c.get("/demande").body, "name=\"referrer\""));
}

TEST_CASE("home page: the programme's name and the coordination's phone number, in French and English") {
    test_city city;
    REQUIRE(city.admin()
                .send_json("PATCH", "/api/v1/programme",
                           boost::json::object{{"name", "Entraide Quimper"},
                                               {"coordination_phone", "02 98 00 11 22"}})
                .status == 200);
    auto anon = city.anonymous();
    auto fr = anon->get("/");
    REQUIRE(fr.status == 200);
    CHECK(fr.header("Content-Type").starts_with("text/html"));
    CHECK(contains(fr.body, "<h1>Entraide Quimper</h1>"));
    CHECK(contains(fr.body, "href=\"tel:02 98 00 11 22\""));
    CHECK(contains(fr.body, "Vous préférez appeler"));
    CHECK(contains(fr.body, "href=\"/demande\""));
    CHECK_FALSE(contains(fr.body, "Volontaires Solidaires"));
    auto en = anon->get("/?lang=en");
    REQUIRE(en.status == 200);
    CHECK(contains(en.body, "<html lang=\"en\">"));
    CHECK(contains(en.body, "Would you rather call?"));
    CHECK(contains(en.body, "href=\"/demande?lang=en\""));
}

TEST_CASE("a city without a coordination phone yet: no call line with an empty number on its pages") {
    test_city city;  // made from the command line: a new database has no phone until the admin sets one
    REQUIRE(city.anonymous()->get_json("/api/v1/programme").at("coordination_phone") == "");
    auto anon = city.anonymous();
    for (const char* path : {"/", "/demande", "/suivi"}) {
        INFO(path);
        const auto page = anon->get(path);
        REQUIRE(page.status == 200);
        CHECK_FALSE(contains(page.body, "tel:"));
        CHECK_FALSE(contains(page.body, "Appelez"));
        CHECK_FALSE(contains(page.body, "Vous préférez appeler"));
    }
    REQUIRE(city.admin()
                .send_json("PATCH", "/api/v1/programme",
                           boost::json::object{{"coordination_phone", "02 98 00 11 22"}})
                .status == 200);
    for (const char* path : {"/", "/demande", "/suivi"}) {
        INFO(path);
        CHECK(contains(anon->get(path).body, "02 98 00 11 22"));  // the footer's line at least
    }
}

TEST_CASE(
    "no-JS confirmation and tracking: the next steps follow the channel chosen, the visit says its weekday") {
    test_city city;
    auto anon = city.anonymous();
    auto by_email = demande_form("02+99+00+11+22");
    by_email.replace(by_email.find("preferred_contact=phone"), std::string("preferred_contact=phone").size(),
                     "preferred_contact=email&resident.email=paulette%40example.org");
    auto confirmed = anon->request("POST", "/demande", by_email, form_headers(city.port()));
    REQUIRE(confirmed.status == 200);
    CHECK(contains(confirmed.body, "Nous vous écrivons par e-mail"));
    CHECK_FALSE(contains(confirmed.body, "Nous vous appelons"));
    // The way to follow it is a form carrying the code, not a link with the code in its address.
    CHECK(contains(confirmed.body, "<form method=\"post\" action=\"/suivi\" class=\"track-now\">"));

    // A visit planned: the tracking page gives its day of the week with the date.
    auto v = city.new_volunteer("weekday");
    auto created = city.public_request(request_body("once", "shopping"));
    const auto starts = now_s() + 2 * 86400;
    const auto m = city.propose(created.id, v.id, starts, starts + 3600);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m + "/accept", boost::json::object{}).status == 200);
    auto tracked =
        anon->request("POST", "/suivi", "lang=fr&code=" + created.tracking_code, form_headers(city.port()));
    REQUIRE(tracked.status == 200);
    const auto at = tracked.body.find("id=\"track-next-visit\">");
    REQUIRE(at != std::string::npos);
    const auto shown = tracked.body.substr(at, 60);
    bool weekday = false;
    for (const char* d : {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"})
        weekday = weekday || contains(shown, d);
    CHECK_MESSAGE(weekday, shown);
}
