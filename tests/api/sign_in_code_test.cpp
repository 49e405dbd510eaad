// Signing in without a password (issue 14): a registration without one gets an email confirmation link; a
// volunteer asks for a code by email or by text message and signs in with it or with the link of its
// message; tries, expiry, replacement and the hourly cap hold, also under simultaneous calls; nobody learns
// which addresses have accounts; a password can be set later; codes never reach the log.
#include "support/fixtures.hpp"
#include "support/sms_provider_process.hpp"
#include "support/smtp_sink_process.hpp"

#include "domain/city_time.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <regex>
#include <thread>

namespace json = boost::json;
using namespace relais::api_test;
using relais::testing::smtp_sink_process;

namespace {

/// 05:00 in Rennes today: the tests' hours pass before the coordinators' morning digest (08:00).
std::int64_t morning() {
    const relais::domain::city_time rennes("Europe/Paris");
    return rennes.to_utc(rennes.day_of(now_s()) * 86400 + 5 * 3600);
}

/// The code of a sign-in message.
std::string code_in(const std::string& text) {
    std::smatch m;
    // Six digits alone (not inside the hexadecimal secret of a link).
    static const std::regex code(R"((^|[^0-9a-f])([0-9]{6})([^0-9a-f]|$))");
    if (!std::regex_search(text, m, code))
        return {};
    return m[2];
}

/// The text after `prefix` up to the first character outside [0-9a-zA-Z_-] ("" if absent).
std::string secret_after(const std::string& text, const std::string& prefix) {
    const auto at = text.find(prefix);
    if (at == std::string::npos)
        return {};
    auto end = at + prefix.size();
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' || text[end] == '_'))
        ++end;
    return text.substr(at + prefix.size(), end - at - prefix.size());
}

/// Waits for message number `n` (1-based) and returns its decoded text.
std::string mail(const smtp_sink_process& sink, std::size_t n) {
    REQUIRE(sink.wait_for(n, std::chrono::seconds(10)));
    return relais::testing::decoded_bodies(sink.messages().at(n - 1));
}

http_response check(http_client& c, const json::object& body) {
    return c.post_json("/api/v1/auth/code/check", body);
}

}  // namespace

TEST_CASE("sign-in by code: registration without a password, email confirmation, codes by email, limits") {
    smtp_sink_process sink;
    const std::int64_t t0 = morning();
    test_city city({"--test-clock", "--test-clock-start", iso(t0), "--smtp-url", sink.url(), "--smtp-ca-file",
                    sink.ca_file(), "--mail-from", "entraide@ville.example", "--public-url",
                    "https://entraide.example"});
    INFO(city.server().log());
    auto anon = city.anonymous();
    const auto methods = anon->get_json("/api/v1/auth/methods");
    CHECK(methods.at("email_code") == true);
    CHECK(methods.at("sms_code") == false);

    // Registration without a password: 201, and a confirmation link by email.
    auto body = volunteer_body("sanspass@volunteers.test", "Vol-sanspass");
    body.erase("password");
    const auto reg = anon->post_json("/api/v1/volunteers", body);
    INFO(reg.describe());
    REQUIRE(reg.status == 201);
    const std::string vol_id(reg.json().at("id").as_string());
    const std::string confirmation = mail(sink, 1);
    CHECK(sink.envelopes().at(0) == "entraide@ville.example\nsanspass@volunteers.test\n");
    const std::string token = secret_after(confirmation, "https://entraide.example/confirmer/");
    REQUIRE(token.size() == 64);
    const header_list form{{"Content-Type", "application/x-www-form-urlencoded"}};
    const auto page = anon->get("/confirmer/" + token);
    CHECK(page.status == 200);
    CHECK(page.body.find("method=\"post\"") != std::string::npos);
    CHECK(page.body.find("sanspass") == std::string::npos);  // nothing about the account
    const auto confirmed = anon->request("POST", "/confirmer/" + token, "lang=fr", form);
    CHECK(confirmed.status == 200);
    CHECK(confirmed.body.find("confirmation-state") != std::string::npos);
    CHECK(anon->request("POST", "/confirmer/" + token, "", form).status == 200);  // already: still fine
    CHECK(anon->request("POST", "/confirmer/" + std::string(64, 'a'), "", form).status == 404);
    CHECK(anon->request("POST", "/confirmer/%00%0d%0a", "", form).status == 404);

    // No password works for it (not even an empty one), and the answer is the usual one.
    CHECK(anon->post_json("/api/v1/auth/login", json::object{{"email", "sanspass@volunteers.test"},
                                                             {"password", volunteer_password}})
              .status == 401);

    // A code by email, awaiting validation included (they see their registration's status).
    auto ask = [&](const std::string& email) {
        const auto r = anon->post_json("/api/v1/auth/code", json::object{{"email", email}});
        INFO(r.describe());
        CHECK(r.status == 202);
        return r.body;
    };
    const std::string answer = ask("SansPass@volunteers.test");  // any case
    std::string text = mail(sink, 2);
    std::string code = code_in(text);
    REQUIRE(code.size() == 6);
    // Four wrong tries, then the right code still works (five tries in all).
    auto c1 = city.anonymous();
    const std::string wrong = code == "000000" ? "111111" : "000000";
    for (int i = 0; i < 4; ++i)
        CHECK(check(*c1, {{"email", "sanspass@volunteers.test"}, {"code", wrong}}).status == 401);
    auto ok = check(*c1, {{"email", "sanspass@volunteers.test"}, {"code", code}});
    INFO(ok.describe());
    REQUIRE(ok.status == 200);
    CHECK(ok.json().at("user").at("role") == "volunteer");
    CHECK(ok.json().at("user").at("awaiting_validation") == true);
    c1->set_csrf(std::string(ok.json().at("csrf_token").as_string()));
    CHECK(c1->get_json("/api/v1/me").at("user").at("volunteer_id").as_string() == vol_id);
    CHECK(check(*city.anonymous(), {{"email", "sanspass@volunteers.test"}, {"code", code}}).status ==
          401);  // spent

    // A password can be set later, without a current one; then it signs in.
    auto set =
        c1->post_json("/api/v1/me/password",
                      json::object{{"current_password", ""}, {"new_password", "une phrase de passe neuve"}});
    INFO(set.describe());
    CHECK(set.status == 204);
    CHECK(anon->post_json("/api/v1/auth/login", json::object{{"email", "sanspass@volunteers.test"},
                                                             {"password", "une phrase de passe neuve"}})
              .status == 200);
    // Once it has one, changing it needs it.
    CHECK(c1->post_json("/api/v1/me/password",
                        json::object{{"current_password", ""}, {"new_password", "encore une autre phrase"}})
              .status == 422);

    // Five wrong tries lock the code: the right one no longer works.
    ask("sanspass@volunteers.test");
    code = code_in(mail(sink, 3));
    REQUIRE(code.size() == 6);
    for (int i = 0; i < 5; ++i)
        CHECK(check(*anon, {{"email", "sanspass@volunteers.test"}, {"code", wrong}}).status == 401);
    CHECK(check(*anon, {{"email", "sanspass@volunteers.test"}, {"code", code}}).status == 401);

    // The link of the message signs in once; a new code replaces the previous one.
    ask("sanspass@volunteers.test");
    text = mail(sink, 4);
    const std::string old_code = code_in(text);
    const std::string link = secret_after(text, "https://entraide.example/benevole#connexion=");
    REQUIRE(link.size() == 64);
    ask("sanspass@volunteers.test");
    code = code_in(mail(sink, 5));
    CHECK(check(*anon, {{"link", link}}).status == 401);  // replaced by the newer code
    CHECK(check(*anon, {{"email", "sanspass@volunteers.test"}, {"code", old_code}}).status == 401);
    // (the wrong guess above used a try of the new code; it still works)
    ask("sanspass@volunteers.test");  // the fifth code this hour
    text = mail(sink, 6);
    const std::string link2 = secret_after(text, "https://entraide.example/benevole#connexion=");
    auto c2 = city.anonymous();
    const auto by_link = check(*c2, {{"link", link2}});
    INFO(by_link.describe());
    CHECK(by_link.status == 200);
    CHECK(check(*city.anonymous(), {{"link", link2}}).status == 401);  // single use

    // A sixth code within the hour is not sent (the answer is the same).
    CHECK(ask("sanspass@volunteers.test") == answer);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(sink.messages().size() == 6);

    // An hour later codes go again; one not used within 10 minutes expires.
    auto clock = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t0 + 3700)}});
    REQUIRE(clock.status == 200);
    ask("sanspass@volunteers.test");
    code = code_in(mail(sink, 7));
    clock = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t0 + 3700 + 601)}});
    REQUIRE(clock.status == 200);
    CHECK(check(*anon, {{"email", "sanspass@volunteers.test"}, {"code", code}}).status == 401);

    // Unknown addresses and staff accounts get the same answer, and nothing is sent.
    CHECK(ask("personne@nowhere.test") == answer);
    CHECK(ask(coordinator_email) == answer);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(sink.messages().size() == 7);
    CHECK(check(*anon, {{"email", "personne@nowhere.test"}, {"code", "123456"}}).status == 401);

    // Hostile bodies: a clear 422 naming the field.
    auto bad = anon->post_json("/api/v1/auth/code", json::object{});
    CHECK(bad.status == 422);
    CHECK(bad.body.find("email") != std::string::npos);
    CHECK(anon->post_json("/api/v1/auth/code", json::object{{"email", "a@b.test"}, {"phone", "0612345678"}})
              .status == 422);
    bad = anon->post_json("/api/v1/auth/code", json::object{{"phone", "06 12 34 56 78"}});
    CHECK(bad.status == 422);  // no SMS here
    CHECK(bad.body.find("phone") != std::string::npos);
    CHECK(anon->post_json("/api/v1/auth/code", json::object{{"email", "pas une adresse"}}).status == 422);
    CHECK(anon->post_json("/api/v1/auth/code", json::object{{"email", 42}}).status == 422);
    CHECK(check(*anon, {{"email", "sanspass@volunteers.test"}, {"code", "12345"}}).status == 401);
    CHECK(check(*anon, {{"email", "sanspass@volunteers.test"}, {"code", "abcdef"}}).status == 401);
    CHECK(check(*anon, {{"link", "../../etc/passwd"}}).status == 401);
    CHECK(check(*anon, {{"email", "sanspass@volunteers.test"}}).status == 422);  // no code
    CHECK(check(*anon, {{"link", link2}, {"extra", 1}}).status == 422);

    // Neither codes nor links nor the address reach the log.
    const std::string log = city.server().log();
    CHECK(log.find(code) == std::string::npos);
    CHECK(log.find(link2) == std::string::npos);
    CHECK(log.find(token) == std::string::npos);
    CHECK(log.find("sanspass@") == std::string::npos);
}

TEST_CASE("sign-in by code: at most five codes an hour, however many ask at once") {
    smtp_sink_process sink;
    test_city city({"--test-clock", "--test-clock-start", iso(morning()), "--smtp-url", sink.url(),
                    "--smtp-ca-file", sink.ca_file(), "--mail-from", "entraide@ville.example", "--public-url",
                    "https://entraide.example"});
    auto vol = city.new_volunteer("rafale");
    REQUIRE(sink.wait_for(1, std::chrono::seconds(10)));  // validated
    std::vector<std::thread> threads;
    std::atomic<int> accepted{0};
    for (int i = 0; i < 24; ++i)
        threads.emplace_back([&] {
            auto c = city.anonymous();
            if (c->post_json("/api/v1/auth/code", json::object{{"email", vol.email}}).status == 202)
                ++accepted;
        });
    for (auto& t : threads)
        t.join();
    CHECK(accepted == 24);
    // Five codes were made; codes replaced within the same commit are not sent (only the latest works).
    REQUIRE(sink.wait_for(2, std::chrono::seconds(10)));
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const std::size_t sent = sink.messages().size();
    INFO(city.server().log());
    CHECK(sent >= 2);
    CHECK(sent <= 6);  // validation + at most 5 codes
    // The cap was reached: one more ask sends nothing.
    auto anon = city.anonymous();
    CHECK(anon->post_json("/api/v1/auth/code", json::object{{"email", vol.email}}).status == 202);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(sink.messages().size() == sent);
    const std::string latest = code_in(relais::testing::decoded_bodies(sink.messages().back()));
    REQUIRE(latest.size() == 6);
    CHECK(check(*anon, {{"email", vol.email}, {"code", latest}}).status == 200);
}

TEST_CASE("sign-in by code: by text message to a mobile, never to a landline") {
    sms_provider_process provider;
    const std::int64_t t0 = now_s() / 86400 * 86400 + 9 * 3600;
    std::vector<std::string> args{"--test-clock", "--test-clock-start", iso(t0)};
    for (const auto& a : provider.server_options())
        args.push_back(a);
    test_city city(args);
    provider.deliver_to(city.port());
    INFO(city.server().log());
    CHECK(city.anonymous()->get_json("/api/v1/auth/methods").at("sms_code") == true);
    auto mobile = city.new_volunteer("mobile", true, {{"phone", "06 98 76 54 01"}});
    auto landline = city.new_volunteer("fixe", true, {{"phone", "02 99 00 11 22"}});
    const std::size_t before = provider.messages().size();
    auto anon = city.anonymous();
    CHECK(anon->post_json("/api/v1/auth/code", json::object{{"phone", "+33 6 98 76 54 01"}}).status == 202);
    REQUIRE(provider.wait_for(before + 1, std::chrono::seconds(10)));
    const auto m = provider.messages().back();
    CHECK(m.at("to") == "+33698765401");
    const std::string code = code_in(std::string(m.at("body").as_string()));
    REQUIRE(code.size() == 6);
    // Codes by email are off here (no SMTP): said plainly.
    CHECK(anon->post_json("/api/v1/auth/code", json::object{{"email", mobile.email}}).status == 422);
    auto ok = check(*anon, {{"phone", "0698765401"}, {"code", code}});
    INFO(ok.describe());
    CHECK(ok.status == 200);
    CHECK(ok.json().at("user").at("volunteer_id").as_string() == mobile.id);

    CHECK(anon->post_json("/api/v1/auth/code", json::object{{"phone", "02 99 00 11 22"}}).status == 202);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(provider.messages().size() == before + 1);  // a landline gets no text
    CHECK(city.server().log().find(code) == std::string::npos);
    CHECK(city.server().log().find("98 76") == std::string::npos);
    (void)landline;
}

TEST_CASE(
    "email confirmation: shown to the console and the volunteer, asked again at most 3 times an hour, "
    "and due again when a coordinator changes the address") {
    smtp_sink_process sink;
    test_city city({"--test-clock", "--test-clock-start", iso(morning()), "--smtp-url", sink.url(),
                    "--smtp-ca-file", sink.ca_file(), "--mail-from", "entraide@ville.example", "--public-url",
                    "https://entraide.example"});
    INFO(city.server().log());
    // Registered with a password: no link at registration; validated ("you are validated" is mail 1).
    auto vol = city.new_volunteer("confirme");
    REQUIRE(vol.client);
    REQUIRE(sink.wait_for(1, std::chrono::seconds(10)));
    auto& desk = city.coordinator();
    CHECK(desk.get_json("/api/v1/volunteers/" + vol.id).at("email_confirmed") == false);
    CHECK(vol.client->get_json("/api/v1/me/volunteer").at("email_confirmed") == false);
    // The lists leave it out (one volunteer's view only).
    const auto listed = desk.get_json("/api/v1/volunteers?limit=200");
    for (const auto& item : listed.at("items").as_array())
        CHECK_FALSE(item.as_object().contains("email_confirmed"));

    // Asked again: one link now, then many at once: two more pass (3 an hour), the others wait.
    const auto first = vol.client->post_json("/api/v1/me/email-confirmation", json::object{});
    INFO(first.describe());
    REQUIRE(first.status == 202);
    const std::string link1 = secret_after(mail(sink, 2), "https://entraide.example/confirmer/");
    REQUIRE(link1.size() == 64);
    CHECK(sink.envelopes().at(1) == "entraide@ville.example\n" + vol.email + "\n");
    // The same session on 8 connections (a client is one connection, not shared between threads).
    http_client own(city.port());
    const auto in =
        own.post_json("/api/v1/auth/login", json::object{{"email", vol.email}, {"password", vol.password}});
    REQUIRE(in.status == 200);
    const std::string csrf(in.json().at("csrf_token").as_string());
    std::atomic<int> sent{0}, refused{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            http_client c(city.port());
            for (const auto& [name, value] : own.cookies())
                c.set_cookie(name, value);
            c.set_csrf(csrf);
            const auto r = c.post_json("/api/v1/me/email-confirmation", json::object{});
            if (r.status == 202)
                ++sent;
            else if (r.status == 429 && std::stoi(r.header("Retry-After")) > 0 &&
                     r.body.find("last hour") != std::string::npos)
                ++refused;
            else
                ++other;
        });
    for (auto& t : threads)
        t.join();
    CHECK(sent == 2);
    CHECK(refused == 6);
    CHECK(other == 0);
    REQUIRE(sink.wait_for(4, std::chrono::seconds(10)));

    // The first link still confirms (each lives 30 days); then there is nothing to ask for.
    const header_list form{{"Content-Type", "application/x-www-form-urlencoded"}};
    auto anon = city.anonymous();
    CHECK(anon->request("POST", "/confirmer/" + link1, "lang=fr", form).status == 200);
    CHECK(vol.client->get_json("/api/v1/me/volunteer").at("email_confirmed") == true);
    CHECK(desk.get_json("/api/v1/volunteers/" + vol.id).at("email_confirmed") == true);
    const auto again = vol.client->post_json("/api/v1/me/email-confirmation", json::object{});
    check_problem(again, 409);
    CHECK(problem_detail(again).find("already confirmed") != std::string::npos);

    // A coordinator changes the address: it is no longer confirmed, a link goes to the new one only, and
    // the old address's links confirm nothing.
    const std::string old_link = secret_after(relais::testing::decoded_bodies(sink.messages().at(3)),
                                              "https://entraide.example/confirmer/");
    const auto changed = desk.send_json("PATCH", "/api/v1/volunteers/" + vol.id,
                                        json::object{{"email", "nouvelle.adresse@volunteers.test"}});
    INFO(changed.describe());
    REQUIRE(changed.status == 200);
    CHECK(changed.json().at("email_confirmed") == false);
    const std::string link2 = secret_after(mail(sink, 5), "https://entraide.example/confirmer/");
    CHECK(sink.envelopes().at(4) == "entraide@ville.example\nnouvelle.adresse@volunteers.test\n");
    CHECK(anon->request("POST", "/confirmer/" + old_link, "", form).status == 404);
    CHECK(desk.get_json("/api/v1/volunteers/" + vol.id).at("email_confirmed") == false);
    CHECK(anon->request("POST", "/confirmer/" + link2, "", form).status == 200);
    CHECK(desk.get_json("/api/v1/volunteers/" + vol.id).at("email_confirmed") == true);
    // The same address given again changes nothing and sends nothing.
    CHECK(desk.send_json("PATCH", "/api/v1/volunteers/" + vol.id,
                         json::object{{"email", "nouvelle.adresse@volunteers.test"}})
              .json()
              .at("email_confirmed") == true);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    CHECK(sink.messages().size() == 5);
    // Someone else's session cannot ask for it; nobody signed in neither.
    check_problem(desk.post_json("/api/v1/me/email-confirmation", json::object{}), 403);
    check_problem(city.anonymous()->post_json("/api/v1/me/email-confirmation", json::object{}), 401);
}

TEST_CASE("email confirmation: without email on the server, asking again says so") {
    test_city city;
    auto vol = city.new_volunteer("sanscourriel");
    REQUIRE(vol.client);
    const auto r = vol.client->post_json("/api/v1/me/email-confirmation", json::object{});
    check_problem(r, 409);
    CHECK(problem_detail(r).find("Email is not available") != std::string::npos);
}
