// Email through a real SMTP server (aiosmtpd with STARTTLS): a proposal reaches the volunteer with its
// link; a server down for a while gets the message once it is back, exactly once; nothing of it is logged.
#include "support/fixtures.hpp"
#include "support/smtp_sink_process.hpp"

#include "domain/city_time.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <thread>

namespace json = boost::json;
using namespace relais::api_test;
using relais::testing::smtp_sink_process;

namespace {

/// 07:00 in Rennes today: the programme clock of these tests starts before the coordinators' morning
/// digest (08:00), so that only the messages under test arrive.
std::int64_t early_morning(int minutes_after_seven = 0) {
    const relais::domain::city_time rennes("Europe/Paris");
    return rennes.to_utc(rennes.day_of(now_s()) * 86400 + 7 * 3600 + minutes_after_seven * 60);
}

/// A city with the test clock at `t0`, email to `sink`, links to https://entraide.example.
std::vector<std::string> mail_city(const smtp_sink_process& sink, std::int64_t t0) {
    return {"--test-clock",
            "--test-clock-start",
            iso(t0),
            "--smtp-url",
            sink.url(),
            "--smtp-ca-file",
            sink.ca_file(),
            "--mail-from",
            "entraide@ville.example",
            "--public-url",
            "https://entraide.example"};
}

void move_clock(test_city& city, std::int64_t t) {
    auto res = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t)}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
}

/// A partner's new account (`agent_email`) refers a resident (`details`); a new volunteer (`name`, whose
/// validation email the sink gets) is proposed the visit, the next day, and accepts it: the mission's id.
std::string referred_visit_accepted(test_city& city, const smtp_sink_process& sink,
                                    const std::string& partner, const std::string& agent_email,
                                    const std::string& name, const std::string& details, std::int64_t t0) {
    REQUIRE(city.admin()
                .post_json("/api/v1/users", json::object{{"email", agent_email},
                                                         {"role", "partner"},
                                                         {"password", "partner password 2026"},
                                                         {"partner_id", partner}})
                .status == 201);
    auto agent = city.signed_in(agent_email, "partner password 2026");
    const std::size_t before = sink.messages().size();
    auto vol = city.new_volunteer(name);
    REQUIRE(sink.wait_for(before + 1, std::chrono::seconds(10)));  // validated
    auto referred = agent->post_json("/api/v1/requests", minimal_request(details));
    INFO(referred.describe());
    REQUIRE(referred.status == 201);
    const std::int64_t start = (t0 / 3600 + 30) * 3600;
    const auto mission =
        city.propose(std::string(referred.json().at("id").as_string()), vol.id, start, start + 3600);
    REQUIRE(sink.wait_for(before + 2, std::chrono::seconds(10)));  // the proposal
    REQUIRE(vol.client->post_json("/api/v1/missions/" + mission + "/accept", json::object{}).status == 200);
    return mission;
}

/// The decoded text of the first email the sink got for `address` whose text holds `needle` ("" any),
/// waiting up to 10 s for it; "" if none came.
std::string email_to(const smtp_sink_process& sink, const std::string& address,
                     const std::string& needle = "") {
    for (int i = 0; i < 100; ++i) {
        const auto envs = sink.envelopes();
        for (std::size_t k = 0; k < envs.size(); ++k) {
            if (envs[k].find(address) == std::string::npos)
                continue;
            const auto body = relais::testing::decoded_bodies(sink.messages().at(k));
            if (body.find(needle) != std::string::npos)
                return body;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
}

}  // namespace

TEST_CASE(
    "email: validation and proposal reach the volunteer; an SMTP outage delays, never loses or doubles") {
    smtp_sink_process sink;
    const std::int64_t t0 = early_morning();
    test_city city({"--test-clock", "--test-clock-start", iso(t0), "--smtp-url", sink.url(), "--smtp-ca-file",
                    sink.ca_file(), "--mail-from", "entraide@ville.example", "--public-url",
                    "https://entraide.example/"});
    auto vol = city.new_volunteer("courriel");
    auto req = city.public_request(minimal_request("Courses du jeudi"));
    const std::int64_t start = (now_s() / 3600 + 26) * 3600;
    city.propose(req.id, vol.id, start, start + 3600);

    INFO(city.server().log());
    REQUIRE(sink.wait_for(2, std::chrono::seconds(10)));
    auto envs = sink.envelopes();
    CHECK(envs.at(0) == "entraide@ville.example\n" + vol.email + "\n");
    CHECK(envs.at(1) == "entraide@ville.example\n" + vol.email + "\n");
    const std::string proposal = relais::testing::decoded_bodies(sink.messages().at(1));
    CHECK(proposal.find("https://entraide.example/benevole") != std::string::npos);
    CHECK(proposal.find("Vol-courriel") != std::string::npos);
    CHECK(proposal.find("Courses du jeudi") == std::string::npos);  // the request's details stay home

    // The proposal's one-tap link: the page shows the proposal; a POST of the same address answers it once.
    const auto at = proposal.find("https://entraide.example/reponse/");
    REQUIRE(at != std::string::npos);
    const std::string token = proposal.substr(at + 33, 43);
    // The HTML part, built by the sender from the text and the links the planner kept: the link is a link.
    const std::string answer_url = "https://entraide.example/reponse/" + token;
    CHECK(proposal.find("<a href=\"" + answer_url + "\">" + answer_url + "</a>") != std::string::npos);
    CHECK(proposal.find("<a href=\"https://entraide.example/benevole\">") != std::string::npos);
    auto anon = city.anonymous();
    const auto page = anon->get("/reponse/" + token);
    CHECK(page.status == 200);
    CHECK(page.body.find("answer-category") != std::string::npos);
    CHECK(page.body.find("Courses du jeudi") == std::string::npos);
    const header_list form{{"Content-Type", "application/x-www-form-urlencoded"}};
    CHECK(anon->request("POST", "/reponse/" + token, "answer=maybe", form).status == 422);
    const auto accepted = anon->request("POST", "/reponse/" + token, "answer=accept", form);
    INFO(accepted.body);
    CHECK(accepted.status == 200);
    CHECK(accepted.body.find("answer-done") != std::string::npos);
    const auto mine = vol.client->get_json("/api/v1/me/missions");
    CHECK(mine.at("items").as_array().at(0).at("status") == "accepted");
    CHECK(anon->request("POST", "/reponse/" + token, "answer=decline", form).status == 410);
    CHECK(anon->get("/reponse/" + token).status == 410);
    CHECK(anon->get("/reponse/" + std::string(43, 'x')).status == 404);
    CHECK(anon->get("/reponse/%00%0d%0a").status == 404);
    CHECK(city.server().log().find(token) ==
          std::string::npos);  // the access log names the route, not the link

    // The SMTP server goes away; a second proposal waits in the outbox.
    sink.stop();
    auto req2 = city.public_request(minimal_request("Pharmacie"));
    city.propose(req2.id, vol.id, start + 86400, start + 86400 + 3600);
    std::this_thread::sleep_for(std::chrono::seconds(3));  // the sender tried, failed, backs off a minute
    sink.start();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(sink.messages().size() == 2);  // still waiting: the retry is a minute later
    move_clock(city, t0 + 120);          // the programme clock runs from 07:00
    REQUIRE(sink.wait_for(3, std::chrono::seconds(10)));
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(sink.messages().size() == 3);  // once

    // The coordination sees what was sent to the volunteer and what became of it (no address, no text).
    const auto messages = city.staff_get("/api/v1/volunteers/" + vol.id + "/messages");
    CHECK(messages.at("email_enabled") == true);
    CHECK(messages.at("links_ok") == true);      // --public-url given
    CHECK(messages.at("push_enabled") == true);  // on with it
    const auto list = messages.at("items").as_array();
    std::map<std::string, std::vector<json::object>> by_kind;
    for (const auto& m : list)
        by_kind[std::string(m.at("kind").as_string())].push_back(m.as_object());
    REQUIRE(by_kind["proposal"].size() == 2);
    CHECK(by_kind["proposal"].at(0).at("status") == "sent");
    CHECK(by_kind["proposal"].at(0).at("attempts") == 2);  // newest first: the outage, then the retry
    CHECK(by_kind["proposal"].at(1).at("attempts") == 1);
    CHECK(by_kind["volunteer_validated"].size() == 1);
    // The accepted mission's report request waits for its time.
    REQUIRE(by_kind["report_due"].size() == 1);
    CHECK(by_kind["report_due"].at(0).at("status") == "queued");
    CHECK(json::serialize(list).find(vol.email) == std::string::npos);
    CHECK(city.coordinator().get("/api/v1/volunteers/vol_nobody/messages").status == 404);
    CHECK(vol.client->get("/api/v1/volunteers/" + vol.id + "/messages").status == 403);

    const auto metrics = city.admin().get("/metrics");
    REQUIRE(metrics.status == 200);
    CHECK(metrics.body.find("relais_outbox_messages{channel=\"email\",status=\"sent\"} 3") !=
          std::string::npos);
    // The log says what happened without saying to whom or what.
    const std::string log = city.server().log();
    CHECK(log.find("not delivered") != std::string::npos);
    CHECK(log.find(vol.email) == std::string::npos);
    CHECK(log.find("Vol-courriel") == std::string::npos);
}

TEST_CASE("email: off without --smtp-url, and the log says so; --smtp-url needs --mail-from") {
    test_city city;
    CHECK(city.server().log().find("email: off") != std::string::npos);
    auto vol = city.new_volunteer("sans-courriel");
    const auto messages = city.staff_get("/api/v1/volunteers/" + vol.id + "/messages");
    CHECK(messages.at("email_enabled") == false);
    CHECK(messages.at("links_ok") == false);  // no --public-url: the console warns when a channel is on
    CHECK(messages.at("push_enabled") == false);
    CHECK(messages.at("items").as_array().empty());
    server_options o;
    o.args = {"--smtp-url", "smtp://127.0.0.1:25"};
    o.wait_ready = false;
    server_process bad(o);
    CHECK(bad.wait_for_log("--mail-from", std::chrono::seconds(5)));
}

TEST_CASE("email: SIGKILL while messages go out: after a restart every one arrives, at most one twice") {
    smtp_sink_process::options plain;
    plain.tls = false;     // the test is about the outbox, not TLS
    plain.delay_ms = 150;  // a slow server: the kill finds messages queued and one in flight
    smtp_sink_process sink(plain);
    const std::vector<std::string> email{"--smtp-url",        sink.url(),
                                         "--mail-from",       "entraide@ville.example",
                                         "--public-url",      "https://entraide.example",
                                         "--test-clock",      "--test-clock-start",
                                         iso(early_morning())};
    test_city city(email);
    std::vector<std::string> ids;
    for (int i = 0; i < 30; ++i)
        ids.push_back(city.new_volunteer("panne" + std::to_string(i), false).id);
    for (const auto& id : ids) {
        auto a = city.coordinator().post_json("/api/v1/volunteers/" + id + "/activate", json::object{});
        REQUIRE(a.status == 200);  // acknowledged: its message is committed with it
    }
    // Killed in the middle of the batch: some sent and marked, one perhaps in hand, the rest queued.
    REQUIRE(sink.wait_for(6, std::chrono::seconds(20)));
    city.server().kill();
    const auto before = sink.messages().size();
    MESSAGE("messages delivered before the kill: " << before << " of 30");
    CHECK(before < 30);  // 30 messages take 4.5 s at this server's pace

    server_options again;
    again.dir = city.server().dir();
    again.args = email;
    server_process restarted(again);
    auto distinct = [&] {
        std::set<std::string> seen;
        for (const auto& m : sink.messages()) {
            const auto at = m.find("Message-ID: <");
            if (at != std::string::npos)
                seen.insert(m.substr(at + 13, m.find('>', at) - at - 13));
        }
        return seen.size();
    };
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (distinct() < 30 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(distinct() == 30);  // nothing lost
    // Again, with the same id: at most the one the server had accepted when the kill came, before its mark
    // reached the database (each is marked as soon as it is accepted; SMTP itself cannot do better, RFC
    // 1047).
    MESSAGE("messages received twice: " << sink.messages().size() - 30);
    CHECK(sink.messages().size() - 30 <= 1);
}

TEST_CASE("email: the coordinators' morning digest goes at 08:00 city time, once a day, with what waits") {
    smtp_sink_process sink;
    // 07:30 in Rennes today, whatever the season (the zone's own rules give the offset).
    const std::int64_t t0 = early_morning(30);
    test_city city({"--test-clock", "--test-clock-start", iso(t0), "--smtp-url", sink.url(), "--smtp-ca-file",
                    sink.ca_file(), "--mail-from", "entraide@ville.example"});
    INFO(city.server().log());
    city.new_volunteer("matin", false);  // a registration to validate
    auto body = minimal_request("Courses");
    body["window"] = json::object{{"from", iso(t0 + 3600)}, {"until", iso(t0 + 3 * 86400)}};
    city.public_request(body);  // a new request
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(sink.messages().empty());  // not before 08:00

    move_clock(city, t0 + 31 * 60);  // 08:01
    REQUIRE(sink.wait_for(1, std::chrono::seconds(15)));
    const std::string digest = relais::testing::decoded_bodies(sink.messages().at(0));
    CHECK(digest.find("demandes nouvelles, sans bénévole proposé : 1") != std::string::npos);
    CHECK(digest.find("demandes sans bénévole disponible trouvé : 0") != std::string::npos);
    CHECK(digest.find("inscriptions de bénévoles à valider : 1") != std::string::npos);
    CHECK(digest.find("/coordination") != std::string::npos);
    CHECK(digest.find("Yvonne") == std::string::npos);  // counts, never names

    move_clock(city, t0 + 3 * 3600);  // later the same morning: nothing more
    std::this_thread::sleep_for(std::chrono::seconds(4));
    CHECK(sink.messages().size() == 1);
}

TEST_CASE("email: optional messages carry a one-click opt-out (List-Unsubscribe, RFC 8058) that stops them") {
    smtp_sink_process sink;
    const std::int64_t t0 = early_morning(30);  // 07:30
    test_city city(mail_city(sink, t0));
    INFO(city.server().log());
    auto vol = city.new_volunteer("rappels");
    REQUIRE(sink.wait_for(1, std::chrono::seconds(10)));  // validated: essential, no opt-out
    CHECK(sink.messages().at(0).find("List-Unsubscribe") == std::string::npos);

    // The morning digest is optional: its header and its text carry the link.
    auto waiting = minimal_request("Courses");
    waiting["window"] = json::object{{"from", iso(t0 + 3600)}, {"until", iso(t0 + 3 * 86400)}};
    city.public_request(waiting);    // something waits: a digest goes
    move_clock(city, t0 + 31 * 60);  // 08:01
    REQUIRE(sink.wait_for(2, std::chrono::seconds(15)));
    const std::string digest = sink.messages().at(1);
    CHECK(digest.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") != std::string::npos);
    const auto at = digest.find("List-Unsubscribe: <https://entraide.example/desabonner/");
    REQUIRE(at != std::string::npos);
    const std::string token = digest.substr(at + 55, 64);
    CHECK(relais::testing::decoded_bodies(digest).find("/desabonner/" + token) != std::string::npos);
    auto anon = city.anonymous();
    CHECK(anon->get("/desabonner/" + token).status == 200);  // a GET stops nothing
    // The mail client's one-click POST: no Origin, the RFC's body.
    const header_list form{{"Content-Type", "application/x-www-form-urlencoded"}};
    const auto done = anon->request("POST", "/desabonner/" + token, "List-Unsubscribe=One-Click", form);
    CHECK(done.status == 200);
    CHECK(done.body.find("unsubscribe-state") != std::string::npos);
    CHECK(anon->request("POST", "/desabonner/" + std::string(64, 'a'), "", form).status == 404);
    CHECK(anon->request("POST", "/desabonner/..%2f..%2f", "", form).status == 404);
    // The next morning: no digest for that coordinator.
    move_clock(city, t0 + 86400 + 31 * 60);
    std::this_thread::sleep_for(std::chrono::seconds(4));
    CHECK(sink.messages().size() == 2);

    // A volunteer's reminder two hours before: optional, with its own link, which turns their optional
    // messages off (their preferences say so).
    auto req = city.public_request(minimal_request("Courses du soir"));
    const std::int64_t now2 = t0 + 86400 + 31 * 60;
    const std::int64_t start = (now2 / 3600 + 3) * 3600;
    const auto mission = city.propose(req.id, vol.id, start, start + 3600);
    auto acc = vol.client->post_json("/api/v1/missions/" + mission + "/accept", json::object{});
    REQUIRE(acc.status == 200);
    REQUIRE(sink.wait_for(3, std::chrono::seconds(10)));  // the proposal
    move_clock(city, start - 2 * 3600 + 60);
    REQUIRE(sink.wait_for(4, std::chrono::seconds(15)));  // the reminder
    const std::string reminder = sink.messages().at(3);
    const auto at2 = reminder.find("List-Unsubscribe: <https://entraide.example/desabonner/");
    REQUIRE(at2 != std::string::npos);
    const std::string token2 = reminder.substr(at2 + 55, 64);
    CHECK(vol.client->get_json("/api/v1/me/preferences").at("optional_messages") == true);
    CHECK(anon->request("POST", "/desabonner/" + token2, "lang=fr", form).status == 200);
    CHECK(vol.client->get_json("/api/v1/me/preferences").at("optional_messages") == false);
    CHECK(city.server().log().find(token2) == std::string::npos);
}

TEST_CASE("email: a partner association hears what became of the residents it referred") {
    smtp_sink_process sink;
    const std::int64_t t0 = early_morning();
    test_city city(mail_city(sink, t0));
    INFO(city.server().log());
    auto res = city.coordinator().post_json(
        "/api/v1/partners",
        json::object{
            {"name", "CCAS Nord"}, {"kind", "public_service"}, {"contact_email", "accueil@ccas.test"}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    const std::string partner(res.json().at("id").as_string());
    const auto mission = referred_visit_accepted(city, sink, partner, "agent@ccas.test", "partenaire",
                                                 "Courses pour Mme Le Gall", t0);
    // The partner's contact address is told who comes and when (the resident by first name only).
    const std::string told = email_to(sink, "accueil@ccas.test");
    REQUIRE(!told.empty());
    CHECK(told.find("Vol-partenaire") != std::string::npos);
    CHECK(told.find("CCAS Nord") != std::string::npos);
    CHECK(told.find("Yvonne") != std::string::npos);
    CHECK(told.find("Le Gall") == std::string::npos);          // first name only
    CHECK(told.find("12 rue de Brest") == std::string::npos);  // no address
    CHECK(told.find("{") == std::string::npos);                // every placeholder filled

    // The visit is called off: the partner hears that too.
    REQUIRE(city.coordinator()
                .post_json("/api/v1/missions/" + mission + "/cancel", json::object{{"reason", "coordinator"}})
                .status == 200);
    const std::string cancelled = email_to(sink, "accueil@ccas.test", "n’aura pas lieu");
    REQUIRE(!cancelled.empty());
    CHECK(cancelled.find("Yvonne") != std::string::npos);
    CHECK(cancelled.find("{") == std::string::npos);
}

TEST_CASE(
    "email: an admin rewrites a message's text for the city; placeholders are checked; DELETE restores it") {
    smtp_sink_process sink;
    const std::int64_t t0 = early_morning();
    test_city city(mail_city(sink, t0));
    INFO(city.server().log());
    const auto list = city.admin().get_json("/api/v1/message-templates");
    bool listed = false;
    for (const auto& item : list.at("items").as_array())
        if (item.at("lang") == "fr" && item.at("key") == "msg.proposal.body") {
            listed = true;
            CHECK(item.at("custom") == false);
            CHECK(json::serialize(item.at("placeholders")).find("\"answer\"") != std::string::npos);
        }
    CHECK(listed);
    const std::string path = "/api/v1/message-templates/fr/msg.proposal.body";
    auto bad = city.admin().request("PUT", path, R"({"text":"Bonjour {prenom}, {answer}"})",
                                    {{"Content-Type", "application/json"}});
    CHECK(bad.status == 422);
    CHECK(bad.body.find("{prenom}") != std::string::npos);
    bad = city.admin().request("PUT", path, R"({"text":"Une mission : {category}"})",
                               {{"Content-Type", "application/json"}});
    CHECK(bad.status == 422);
    CHECK(bad.body.find("{answer}") != std::string::npos);
    CHECK(city.admin()
              .request("PUT", path, R"({"text":"Oups {answer"})", {{"Content-Type", "application/json"}})
              .status == 422);
    CHECK(city.admin()
              .request("PUT", "/api/v1/message-templates/fr/co.nav.logout", R"({"text":"x"})",
                       {{"Content-Type", "application/json"}})
              .status == 404);
    CHECK(city.coordinator()
              .request("PUT", path, R"({"text":"{category} : {answer}"})",
                       {{"Content-Type", "application/json"}})
              .status == 403);
    const auto ok = city.admin().request(
        "PUT", path,
        R"j({"text":"La Ville vous propose : {category}, le {when}. Votre réponse : {answer} (votre espace : {link})"})j",
        {{"Content-Type", "application/json"}});
    INFO(ok.body);
    CHECK(ok.status == 200);

    auto vol = city.new_volunteer("libelle");
    REQUIRE(sink.wait_for(1, std::chrono::seconds(10)));  // validated
    auto req = city.public_request(minimal_request("Courses"));
    const std::int64_t start = (t0 / 3600 + 30) * 3600;
    city.propose(req.id, vol.id, start, start + 3600);
    REQUIRE(sink.wait_for(2, std::chrono::seconds(10)));
    const std::string custom = relais::testing::decoded_bodies(sink.messages().at(1));
    CHECK(custom.find("La Ville vous propose") != std::string::npos);
    CHECK(custom.find("https://entraide.example/reponse/") != std::string::npos);

    const header_list json_type{{"Content-Type", "application/json"}};
    CHECK(city.admin().request("DELETE", path, R"({"text":"x"})", json_type).status == 422);  // no body
    CHECK(city.admin().request("DELETE", path, "{}", json_type).status == 204);
    auto req2 = city.public_request(minimal_request("Pharmacie"));
    city.propose(req2.id, vol.id, start + 86400, start + 86400 + 3600);
    REQUIRE(sink.wait_for(3, std::chrono::seconds(10)));
    const std::string restored = relais::testing::decoded_bodies(sink.messages().at(2));
    CHECK(restored.find("La Ville vous propose") == std::string::npos);
    CHECK(restored.find("vous propose une mission") != std::string::npos);
}

TEST_CASE("email: a volunteer's and a coordinator's messages come in the language they chose") {
    smtp_sink_process sink;
    const std::int64_t t0 = early_morning(30);  // 07:30
    test_city city(mail_city(sink, t0));
    INFO(city.server().log());
    auto vol = city.new_volunteer("langue");
    REQUIRE(sink.wait_for(1, std::chrono::seconds(10)));  // validated, in French (the language they speak)
    CHECK(relais::testing::decoded_bodies(sink.messages().at(0)).find("Bonjour ") != std::string::npos);

    // The volunteer chooses English for their messages: the next proposal is in English.
    auto prefs = vol.client->get_json("/api/v1/me/preferences");
    CHECK(prefs.at("language").is_null());
    prefs.as_object()["language"] = "en";
    for (const char* k : {"email_enabled", "sms_enabled", "mobile", "texts_stopped"})
        prefs.as_object().erase(k);
    auto saved = vol.client->send_json("PUT", "/api/v1/me/preferences", prefs);
    INFO(saved.describe());
    REQUIRE(saved.status == 200);
    CHECK(saved.json().at("language") == "en");
    for (const json::value& bad : {json::value("de"), json::value(3), json::value("EN")}) {
        auto b = prefs;
        b.as_object()["language"] = bad;
        const auto r = vol.client->send_json("PUT", "/api/v1/me/preferences", b);
        CHECK(r.status == 422);
        CHECK(r.body.find("language") != std::string::npos);
    }
    CHECK(vol.client->get_json("/api/v1/me/preferences").at("language") == "en");  // unchanged by the faults
    auto req = city.public_request(minimal_request("Courses"));
    const std::int64_t start = (t0 / 3600 + 30) * 3600;
    city.propose(req.id, vol.id, start, start + 3600);
    REQUIRE(sink.wait_for(2, std::chrono::seconds(10)));
    const std::string proposal = relais::testing::decoded_bodies(sink.messages().at(1));
    CHECK(proposal.find("Hello Vol-langue") != std::string::npos);
    CHECK(proposal.find("Bonjour") == std::string::npos);

    // A coordinator: English, digest on; then digest off.
    auto& coord = city.coordinator();
    const auto mine = coord.get_json("/api/v1/me/coordinator-preferences");
    CHECK(mine == json::object{{"language", "fr"}, {"morning_digest", true}});
    for (const json::value& bad :
         {json::value(json::object{{"language", "de"}, {"morning_digest", true}}),
          json::value(json::object{{"language", "en"}}),
          json::value(json::object{{"language", "en"}, {"morning_digest", "yes"}}),
          json::value(json::object{{"language", "en"}, {"morning_digest", true}, {"email", "x@y.z"}})}) {
        const auto r = coord.send_json("PUT", "/api/v1/me/coordinator-preferences", bad);
        INFO(r.describe());
        CHECK(r.status == 422);
    }
    CHECK(coord.get_json("/api/v1/me/coordinator-preferences") == mine);  // nothing half-written
    auto english = coord.send_json("PUT", "/api/v1/me/coordinator-preferences",
                                   json::object{{"language", "en"}, {"morning_digest", true}});
    REQUIRE(english.status == 200);
    CHECK(english.json() == json::object{{"language", "en"}, {"morning_digest", true}});
    CHECK(vol.client->get("/api/v1/me/coordinator-preferences").status == 403);

    auto waiting = minimal_request("Courses");
    waiting["window"] = json::object{{"from", iso(t0 + 3600)}, {"until", iso(t0 + 3 * 86400)}};
    city.public_request(waiting);    // something waits: a digest goes
    move_clock(city, t0 + 31 * 60);  // 08:01: the digest, in English
    std::string digest;
    for (int i = 0; i < 150 && digest.empty(); ++i) {
        const auto msgs = sink.messages();
        for (const auto& m : msgs)
            if (m.find("List-Unsubscribe") != std::string::npos)
                digest = relais::testing::decoded_bodies(m);
        if (digest.empty())
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(!digest.empty());
    CHECK(digest.find("Hello,") != std::string::npos);
    CHECK(digest.find("Bonjour") == std::string::npos);
    const auto count = sink.messages().size();

    REQUIRE(coord
                .send_json("PUT", "/api/v1/me/coordinator-preferences",
                           json::object{{"language", "en"}, {"morning_digest", false}})
                .status == 200);
    move_clock(city, t0 + 86400 + 31 * 60);  // the next morning: none for them
    std::this_thread::sleep_for(std::chrono::seconds(4));
    CHECK(sink.messages().size() == count);
}

TEST_CASE("email: a new account's password link and a reset link reach the account's address, and work") {
    smtp_sink_process sink;
    // Before now whatever the hour (the clock never goes back; before 07:00 in Paris, today's 07:00 is
    // ahead).
    const std::int64_t t0 = std::min(early_morning(), now_s() - 60);
    test_city city(mail_city(sink, t0));
    INFO(city.server().log());
    // Accounts keep wall-clock times (sessions, links): the programme clock joins them so the messages are
    // due.
    move_clock(city, now_s());
    auto res = city.admin().post_json("/api/v1/users",
                                      json::object{{"email", "nouveau@ville.test"}, {"role", "coordinator"}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    const auto created = res.json();
    CHECK(created.at("password_link").at("emailed") == true);
    const std::string user_id(created.at("id").as_string());
    REQUIRE(sink.wait_for(1, std::chrono::seconds(10)));
    CHECK(sink.envelopes().at(0) == "entraide@ville.example\nnouveau@ville.test\n");
    const auto find_link = [](const std::string& mail) {
        const std::string prefix = "https://entraide.example/mot-de-passe#lien=";
        const auto at = mail.find(prefix);
        REQUIRE(at != std::string::npos);
        return mail.substr(at + prefix.size(), 64);
    };
    const std::string first = relais::testing::decoded_bodies(sink.messages().at(0));
    CHECK(first.find("choisir votre mot de passe") != std::string::npos);
    const auto token = find_link(first);
    // The same link as the admin's.
    CHECK(std::string(created.at("password_link").at("path").as_string()).ends_with(token));
    auto anon = city.anonymous();
    REQUIRE(anon->post_json("/api/v1/auth/password-link",
                            json::object{{"token", token}, {"password", "mot de passe reçu par courriel"}})
                .status == 200);
    // A reset: its own message, its own link; the token is never in the server's log.
    REQUIRE(city.admin().post_json("/api/v1/users/" + user_id + "/password-link", json::object{}).status ==
            201);
    REQUIRE(sink.wait_for(2, std::chrono::seconds(10)));
    const std::string second = relais::testing::decoded_bodies(sink.messages().at(1));
    CHECK(second.find("nouveau mot de passe") != std::string::npos);
    const auto reset = find_link(second);
    CHECK(reset != token);
    REQUIRE(city.anonymous()
                ->post_json("/api/v1/auth/password-link",
                            json::object{{"token", reset}, {"password", "un autre mot de passe choisi"}})
                .status == 200);
    CHECK(city.server().log().find(token) == std::string::npos);
    CHECK(city.server().log().find(reset) == std::string::npos);
}

TEST_CASE("email: without --public-url, links use the server's own address; the log and the console say so") {
    smtp_sink_process sink;
    test_city city({"--smtp-url", sink.url(), "--smtp-ca-file", sink.ca_file(), "--mail-from",
                    "entraide@ville.example"});
    INFO(city.server().log());
    auto vol = city.new_volunteer("sans-adresse");  // validated: an email with a link to their space
    REQUIRE(sink.wait_for(1, std::chrono::seconds(10)));
    const std::string body = relais::testing::decoded_bodies(sink.messages().at(0));
    const std::string own = ":" + std::to_string(city.port()) + "/benevole";
    CHECK(body.find("http://") != std::string::npos);
    CHECK(body.find(own) != std::string::npos);
    CHECK(body.find("https://entraide.example") == std::string::npos);
    CHECK(city.server().log().find("no --public-url: links in messages point at http://") !=
          std::string::npos);
    CHECK(city.staff_get("/api/v1/volunteers/" + vol.id + "/messages").at("links_ok") == false);
}

TEST_CASE("email: a partner changed to English hears in English; bad changes are refused, nothing written") {
    smtp_sink_process sink;
    const std::int64_t t0 = early_morning();
    test_city city(mail_city(sink, t0));
    INFO(city.server().log());
    auto res =
        city.coordinator().post_json("/api/v1/partners", json::object{{"name", "Food Bank North"},
                                                                      {"contact_email", "desk@foodbank.test"},
                                                                      {"contact_phone", "02 99 00 11 22"}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    CHECK(res.json().at("message_language") == "fr");  // as partners were always told
    const std::string partner(res.json().at("id").as_string());
    const std::string path = "/api/v1/partners/" + partner;

    // Hostile or mistaken changes: each refused with the faulty field named, the partner unchanged.
    const auto before = city.coordinator().get_json(path);
    for (const auto& [body, field] : std::vector<std::pair<json::object, std::string>>{
             {{{"message_language", "de"}}, "message_language"},
             {{{"contact_email", "not an address"}, {"message_language", "en"}}, "contact_email"},
             {{{"contact_phone", "call me"}}, "contact_phone"},
             {{{"name", "x"}}, "name"},
             {{{"kind", "bank"}}, "kind"},
             {{{"owner", "me"}}, "owner"}}) {
        auto bad = city.coordinator().send_json("PATCH", path, body);
        INFO(bad.describe());
        check_problem(bad, 422);
        const auto fields = error_fields(bad);
        CHECK(std::find(fields.begin(), fields.end(), field) != fields.end());
    }
    CHECK(city.coordinator().get_json(path) == before);
    CHECK(
        city.coordinator().send_json("PATCH", "/api/v1/partners/prt_nobody0000000", json::object{}).status ==
        404);

    // English, and the phone cleared: one event naming the two fields, not their values.
    auto changed = city.coordinator().send_json(
        "PATCH", path, json::object{{"message_language", "en"}, {"contact_phone", nullptr}});
    INFO(changed.describe());
    REQUIRE(changed.status == 200);
    CHECK(changed.json().at("message_language") == "en");
    CHECK(changed.json().at("contact_phone").is_null());
    CHECK(changed.json().at("contact_email") == "desk@foodbank.test");
    CHECK(changed.json().at("name") == "Food Bank North");
    // The same again changes nothing, and makes no event.
    REQUIRE(city.coordinator().send_json("PATCH", path, json::object{{"message_language", "en"}}).status ==
            200);
    const auto events = city.admin().get_json("/api/v1/events?entity=partner&limit=50");
    int updates = 0;
    for (const auto& e : events.at("items").as_array())
        if (e.at("entity_id").as_string() == partner && e.at("action") == "updated") {
            ++updates;
            const std::string data = json::serialize(e.at("data"));
            CHECK(data.find("message_language") != std::string::npos);
            CHECK(data.find("contact_phone") != std::string::npos);
            CHECK(data.find("02 99") == std::string::npos);
        }
    CHECK(updates == 1);

    // A resident it referred gets a volunteer: the partner is told in English.
    referred_visit_accepted(city, sink, partner, "agent@foodbank.test", "english",
                            "Groceries for Mrs Le Gall", t0);
    const std::string told = email_to(sink, "desk@foodbank.test");
    REQUIRE(!told.empty());
    CHECK(told.find("a volunteer, will come on") != std::string::npos);
    CHECK(told.find("Food Bank North") != std::string::npos);
    CHECK(told.find("viendra") == std::string::npos);  // not the French text
    CHECK(told.find("{") == std::string::npos);
}
