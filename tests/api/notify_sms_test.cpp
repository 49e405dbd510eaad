// Text messages through a local SMS provider speaking Twilio's documented Messages API
// (tests/support/sms_provider.py): a volunteer who never opens the app gets the proposal by SMS, accepts by
// replying OUI, is reminded the evening before and two hours before, and is asked afterwards whether it
// happened; the resident is told by SMS who comes. NON declines, STOP stops, anything else goes to the
// coordinators; quiet hours hold a text until the morning; a forged webhook call changes nothing.
#include "support/fixtures.hpp"
#include "support/sms_provider_process.hpp"
#include "support/smtp_sink_process.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <thread>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

void set_clock(test_city& city, std::int64_t t) {
    auto res = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t)}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// A request whose resident has this phone, open from `from` for three days.
json::object request_with_phone(const std::string& details, const std::string& phone, std::int64_t from) {
    auto body = minimal_request(details);
    body["resident"].as_object()["phone"] = phone;
    body["window"] = json::object{{"from", iso(from)}, {"until", iso(from + 3 * 86400)}};
    return body;
}

std::string text_of(const json::value& m) {
    return std::string(m.at("body").as_string());
}

std::string to_of(const json::value& m) {
    return std::string(m.at("to").as_string());
}

/// The first text to `to` containing `needle` (waits up to 10 s); "" if none came.
std::string text_to(const sms_provider_process& provider, const std::string& to, const std::string& needle) {
    for (int i = 0; i < 200; ++i) {
        for (const auto& m : provider.messages())
            if (to_of(m) == to && text_of(m).find(needle) != std::string::npos)
                return text_of(m);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
}

/// How many texts went to `to`.
std::size_t texts_to(const sms_provider_process& provider, const std::string& to) {
    std::size_t n = 0;
    for (const auto& m : provider.messages())
        n += to_of(m) == to;
    return n;
}

std::string mission_status(test_city& city, const std::string& id) {
    return std::string(city.staff_get("/api/v1/missions/" + id).at("status").as_string());
}

}  // namespace

TEST_CASE("sms: proposal, OUI, reminders, report request and the resident told; NON, STOP, quiet hours") {
    sms_provider_process provider;
    // The programme clock starts today at 09:00 UTC (10:00 or 11:00 in Rennes): daytime, whatever the hour
    // the tests run at.
    const std::int64_t t0 = now_s() / 86400 * 86400 + 9 * 3600;
    test_city city(with({"--test-clock", "--test-clock-start", iso(t0)}, provider.server_options()));
    provider.deliver_to(city.port());
    INFO(city.server().log());

    auto vol = city.new_volunteer("texto", true, {{"phone", "06 12 34 56 01"}});
    CHECK_FALSE(text_to(provider, "+33612345601", "inscription est validée").empty());

    // The resident gets their tracking code (never stored by the server: sent from the request's commit).
    const std::int64_t start = t0 + 86400 + 5 * 3600;  // the mission: tomorrow 14:00 UTC
    auto req = city.public_request(request_with_phone("Courses du jeudi", "06 98 76 54 32", t0 + 3600));
    const std::string received = text_to(provider, "+33698765432", "code de suivi");
    CHECK(received.find(req.tracking_code) != std::string::npos);
    CHECK(received.find("https://entraide.example/suivi") != std::string::npos);

    // The proposal.
    const std::string mission = city.propose(req.id, vol.id, start, start + 3600);
    const std::string proposal = text_to(provider, "+33612345601", "OUI");
    REQUIRE_FALSE(proposal.empty());
    CHECK(proposal.find("https://entraide.example/reponse/") != std::string::npos);
    CHECK(proposal.find("rue de Brest") == std::string::npos);  // no address before acceptance
    CHECK(proposal.find("Courses du jeudi") == std::string::npos);
    CHECK(provider.messages().back().at("from") == "+33700000000");
    CHECK(provider.messages().back().at("status_callback") == "https://entraide.example/api/v1/sms/status");

    // The volunteer replies from their phone.
    auto [st, body] = provider.reply("+33612345601", "Oui !");
    INFO(body);
    CHECK(st == 200);
    CHECK(body.find("\"accepted\"") != std::string::npos);
    CHECK(mission_status(city, mission) == "accepted");
    // The resident learns who comes (a first name and the time; never the volunteer's number).
    const std::string coming = text_to(provider, "+33698765432", "Vol-texto");
    REQUIRE_FALSE(coming.empty());
    CHECK(coming.find("+33612345601") == std::string::npos);
    CHECK(coming.find("06 12 34 56 01") == std::string::npos);
    // Nobody had to phone them.
    CHECK(city.staff_get("/api/v1/call-tasks").at("items").as_array().empty());

    // The provider reported each delivery: the coordination sees it (once the sender recorded the sending and
    // the callback arrived).
    const auto list = city.staff_get_until("/api/v1/volunteers/" + vol.id + "/messages", [](const auto& l) {
        for (const auto& m : l.at("items").as_array())
            if (m.at("kind") == "proposal")
                return m.at("status") == "sent" && m.at("delivered_at").is_string();
        return false;
    });
    CHECK(list.at("sms_enabled") == true);
    bool proposal_delivered = false;
    for (const auto& m : list.at("items").as_array())
        if (m.at("kind") == "proposal") {
            CHECK(m.at("channel") == "sms");
            CHECK(m.at("status") == "sent");
            proposal_delivered = m.at("delivered_at").is_string();
        }
    CHECK(proposal_delivered);

    // A repeated delivery of the same text (same provider id) is acted on once.
    auto again = provider.reply("+33612345601", "OUI", "SM-repeated-0001");
    CHECK(again.second.find("\"no_pending\"") != std::string::npos);
    again = provider.reply("+33612345601", "OUI", "SM-repeated-0001");
    CHECK(again.second.find("\"duplicate\"") != std::string::npos);

    // A second volunteer says NON; then writes something else, which the coordinators see.
    auto other = city.new_volunteer("texto2", true, {{"phone", "07 81 23 45 67"}});
    auto req2 = city.public_request(request_with_phone("Pharmacie", "02 99 12 34 56", t0 + 3600));
    const std::string mission2 = city.propose(req2.id, other.id, start + 86400, start + 86400 + 3600);
    CHECK_FALSE(text_to(provider, "+33781234567", "OUI").empty());
    CHECK(provider.reply("+33781234567", "non.").second.find("\"declined\"") != std::string::npos);
    CHECK(mission_status(city, mission2) == "declined");
    CHECK(provider.reply("+33781234567", "Je serai en retard demain").second.find("not_understood") !=
          std::string::npos);
    CHECK(provider.reply("+33655555555", "OUI").second.find("unknown_sender") != std::string::npos);
    const auto inbox = city.staff_get("/api/v1/sms/inbound?attention=true");
    REQUIRE(inbox.at("items").as_array().size() >= 2);
    CHECK(inbox.at("items").at(1).at("text") == "Je serai en retard demain");
    CHECK(inbox.at("items").at(1).at("volunteer_id") == json::value(other.id));
    CHECK(other.client->get("/api/v1/sms/inbound").status == 403);

    // A forged call (no signature, a wrong one) is refused and changes nothing.
    auto anon = city.anonymous();
    const header_list form{{"Content-Type", "application/x-www-form-urlencoded"}};
    const std::string forged = "From=%2B33612345601&Body=STOP&MessageSid=SMforged";
    CHECK(anon->request("POST", "/api/v1/sms/inbound", forged, form).status == 403);
    header_list wrong = form;
    wrong.emplace_back("X-Twilio-Signature", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    CHECK(anon->request("POST", "/api/v1/sms/inbound", forged, wrong).status == 403);
    CHECK(anon->request("POST", "/api/v1/sms/status", "MessageSid=SM1&MessageStatus=failed", wrong).status ==
          403);

    // The evening before (18:00 in Rennes), then two hours before, then two hours after the end.
    CHECK(text_to(provider, "+33612345601", "rappel").empty());  // not before their time (waits 10 s)
    set_clock(city, t0 + 9 * 3600);                              // 18:00 UTC: after 18:00 in Rennes
    CHECK(text_to(provider, "+33612345601", "rappel, demain").find("Adresse et consignes") !=
          std::string::npos);
    CHECK(text_to(provider, "+33612345601", "a-t-elle eu lieu").empty());
    set_clock(city, start + 3600 + 2 * 3600 + 60);
    CHECK_FALSE(text_to(provider, "+33612345601", "commence le").empty());
    CHECK_FALSE(text_to(provider, "+33612345601", "a-t-elle eu lieu").empty());

    // STOP: no more texts to that number (the proposal then goes nowhere: no email either).
    CHECK(provider.reply("+33612345601", "STOP").second.find("opted_out") != std::string::npos);
    const std::size_t to_vol = texts_to(provider, "+33612345601");
    auto req3 = city.public_request(request_with_phone("Livres", "02 99 12 34 56", start + 86400));
    city.propose(req3.id, vol.id, start + 2 * 86400, start + 2 * 86400 + 3600);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(texts_to(provider, "+33612345601") == to_vol);

    // Quiet hours: a proposal made at 22:00 in Rennes for a later day waits for 08:00.
    const std::int64_t night = t0 + 2 * 86400 + 13 * 3600;  // 22:00 UTC: 23:00 or midnight in Rennes
    set_clock(city, night);
    auto req4 = city.public_request(request_with_phone("Lecture", "02 99 12 34 56", night + 3600));
    const std::size_t to_other = texts_to(provider, "+33781234567");
    city.propose(req4.id, other.id, night + 86400 + 3 * 3600, night + 86400 + 4 * 3600);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(texts_to(provider, "+33781234567") == to_other);
    set_clock(city, night + 11 * 3600);  // 09:00 UTC: 10:00 or 11:00 in Rennes
    for (int i = 0; i < 200 && texts_to(provider, "+33781234567") == to_other; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(texts_to(provider, "+33781234567") == to_other + 1);

    // A resident with only a landline: the coordination is asked to phone them when someone is coming.
    auto landline = city.public_request(request_with_phone("Lecture", "02 99 63 74 85", night + 3600));
    const std::string m5 = city.propose(landline.id, other.id, night + 2 * 86400, night + 2 * 86400 + 3600);
    CHECK(provider.reply("+33781234567", "OUI").second.find("\"accepted\"") != std::string::npos);
    json::array calls;
    for (int i = 0; i < 100 && calls.empty(); ++i) {
        calls = city.staff_get("/api/v1/call-tasks").at("items").as_array();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].at("kind") == "volunteer_coming");
    CHECK(calls[0].at("resident").at("phone") == "+33299637485");
    CHECK(calls[0].at("mission_id") == json::value(m5));
    CHECK(std::string(calls[0].at("text").as_string()).find("Vol-texto2") != std::string::npos);
    CHECK(texts_to(provider, "+33299637485") == 0);
    const std::string call_id(calls[0].at("id").as_string());
    CHECK(other.client->post_json("/api/v1/call-tasks/" + call_id + "/done", json::object{}).status == 403);
    auto done = city.coordinator().post_json("/api/v1/call-tasks/" + call_id + "/done", json::object{});
    CHECK(done.status == 200);
    CHECK(city.coordinator().post_json("/api/v1/call-tasks/" + call_id + "/done", json::object{}).status ==
          409);
    CHECK(city.staff_get("/api/v1/call-tasks").at("items").as_array().empty());
    CHECK(city.staff_get("/api/v1/call-tasks?done=true").at("items").as_array().size() == 1);

    // Every placeholder of every text was filled.
    for (const auto& m : provider.messages())
        CHECK_MESSAGE(text_of(m).find('{') == std::string::npos, text_of(m));
    // Logs name messages by id and kind only.
    const std::string log = city.server().log();
    CHECK(log.find("+33612345601") == std::string::npos);
    CHECK(log.find("Je serai en retard") == std::string::npos);
}

TEST_CASE("sms: with automatic dispatch on, a NON by text asks the next candidate, by text too") {
    sms_provider_process provider;
    const std::int64_t t0 = now_s() / 86400 * 86400 + 9 * 3600;  // daytime in Rennes: no quiet hours
    test_city city(with({"--test-clock", "--test-clock-start", iso(t0)}, provider.server_options()));
    provider.deliver_to(city.port());
    INFO(city.server().log());
    const std::map<std::string, std::string> numbers{
        {city.new_volunteer("suite-a", true, {{"phone", "06 12 34 56 11"}}).id, "+33612345611"},
        {city.new_volunteer("suite-b", true, {{"phone", "06 12 34 56 12"}}).id, "+33612345612"}};
    REQUIRE(
        city.admin().send_json("PATCH", "/api/v1/programme", json::object{{"auto_dispatch", true}}).status ==
        200);
    // A resident with a landline: the texts below are the volunteers' only.
    auto req = city.public_request(request_with_phone("Courses", "02 99 11 22 33", t0 + 3600));

    // The server proposes it to one of them, who gets the text and answers NON.
    auto proposals = [&] {
        const auto request = city.staff_get("/api/v1/requests/" + req.id);  // (not a temporary's member)
        const auto& list = request.at("missions").as_array();
        return std::vector<json::value>(list.begin(), list.end());
    };
    std::vector<json::value> missions;
    for (int i = 0; i < 100 && missions.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        missions = proposals();
    }
    REQUIRE(missions.size() == 1);
    const std::string first_id(missions[0].at("volunteer_id").as_string());
    const std::string first = numbers.at(first_id);
    REQUIRE_FALSE(text_to(provider, first, "OUI").empty());
    const auto [st, body] = provider.reply(first, "non");
    INFO(body);
    CHECK(st == 200);
    CHECK(body.find("\"declined\"") != std::string::npos);

    // The next candidate, the other volunteer, is asked at once, by text.
    for (int i = 0; i < 100 && missions.size() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        missions = proposals();
    }
    REQUIRE(missions.size() == 2);
    std::map<std::string, std::string> status_of;
    for (const auto& m : missions)
        status_of[std::string(m.at("volunteer_id").as_string())] = std::string(m.at("status").as_string());
    CHECK(status_of.at(first_id) == "declined");
    std::string second;
    for (const auto& [id, number] : numbers)
        if (id != first_id) {
            CHECK(status_of.at(id) == "proposed");
            second = number;
        }
    CHECK_FALSE(text_to(provider, second, "OUI").empty());
    CHECK(provider.reply(second, "oui").second.find("\"accepted\"") != std::string::npos);
}

TEST_CASE(
    "sms: a generic JSON webhook provider; a number the network cannot reach: not reached, then email") {
    sms_provider_process::options o;
    o.mode = "webhook";
    o.undeliverable = {"+33612345602", "+33698765409"};
    sms_provider_process provider(o);
    relais::testing::smtp_sink_process sink;
    const std::int64_t t0 = now_s() / 86400 * 86400 + 9 * 3600;
    test_city city(with({"--test-clock", "--test-clock-start", iso(t0), "--smtp-url", sink.url(),
                         "--smtp-ca-file", sink.ca_file(), "--mail-from", "entraide@ville.example"},
                        provider.server_options()));
    provider.deliver_to(city.port());
    INFO(city.server().log());
    auto vol = city.new_volunteer("crochet", true, {{"phone", "+33 6 12 34 56 02"}});
    REQUIRE(provider.wait_for(1, std::chrono::seconds(10)));
    // The provider reported it undelivered: the coordination sees that the volunteer was not reached.
    bool bounced = false;
    std::vector<std::string> steps;  // the bounced text's delivery log
    for (int i = 0; i < 50 && !bounced; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto list = city.staff_get("/api/v1/volunteers/" + vol.id + "/messages");
        for (const auto& m : list.at("items").as_array())
            if (m.at("channel") == "sms" && m.at("status") == "failed" && m.at("last_error").is_string()) {
                bounced = true;
                steps.clear();
                for (const auto& l : m.at("log").as_array())
                    steps.emplace_back(l.at("status").as_string());
                CHECK(m.at("log").as_array().at(0).at("detail") == m.at("last_error"));
            }
    }
    CHECK(bounced);
    CHECK(steps == std::vector<std::string>{"bounced", "fallback"});  // then the email went instead
    // The text's email version goes instead (the volunteer gave an address).
    bool fell_back = false;  // (the coordinators' morning digest may be there too)
    for (int round = 0; round < 100 && !fell_back; ++round) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto envelopes = sink.envelopes();
        const auto messages = sink.messages();
        for (std::size_t i = 0; i < std::min(envelopes.size(), messages.size()); ++i)
            fell_back = fell_back || (envelopes[i] == "entraide@ville.example\n" + vol.email + "\n" &&
                                      relais::testing::decoded_bodies(messages[i]).find("inscription") !=
                                          std::string::npos);
    }
    CHECK(fell_back);
    // An answer by the JSON webhook, signed over its body.
    const std::int64_t start = t0 + 86400 + 5 * 3600;
    auto req = city.public_request(request_with_phone("Courses", "06 98 76 54 32", t0 + 3600));
    const std::string mission = city.propose(req.id, vol.id, start, start + 3600);
    REQUIRE(provider.wait_for(3, std::chrono::seconds(10)));  // validated, request received, proposal
    // The receipt, owed by the request's commit and written out after it, carries its tracking code.
    CHECK(!text_to(provider, "+33698765432", req.tracking_code).empty());
    CHECK(provider.reply("+33612345602", "yes").second.find("\"accepted\"") != std::string::npos);
    CHECK(mission_status(city, mission) == "accepted");
    auto anon = city.anonymous();
    const auto forged =
        anon->post_json("/api/v1/sms/inbound", json::object{{"from", "+33612345602"}, {"text", "STOP"}});
    CHECK(forged.status == 403);

    // A resident whose mobile the network cannot reach, with no email: their page says so, and when a
    // volunteer is coming the coordination is asked to phone them (nothing else reaches them).
    auto lost = city.public_request(request_with_phone("Pharmacie", "06 98 76 54 09", t0 + 3600));
    const std::string resident(
        city.staff_get("/api/v1/requests/" + lost.id).at("resident").at("id").as_string());
    const std::string visit = city.propose(lost.id, vol.id, start + 86400, start + 86400 + 3600);
    CHECK(provider.reply("+33612345602", "oui").second.find("\"accepted\"") != std::string::npos);
    json::array calls;
    for (int i = 0; i < 100 && calls.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        calls = city.staff_get("/api/v1/call-tasks").at("items").as_array();
    }
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].at("kind") == "volunteer_coming");
    CHECK(calls[0].at("mission_id") == json::value(visit));
    CHECK(calls[0].at("resident").at("phone") == "+33698765409");
    const auto told = city.staff_get("/api/v1/residents/" + resident + "/messages");
    std::set<std::string> failed;
    for (const auto& m : told.at("items").as_array()) {
        CHECK(m.at("channel") == "sms");
        CHECK_FALSE(m.as_object().contains("text"));  // never the text or the address
        CHECK_FALSE(m.as_object().contains("address"));
        if (m.at("status") == "failed")
            failed.insert(std::string(m.at("kind").as_string()));
        if (m.at("kind") == "volunteer_coming") {
            // Its log: the network's bounce, then the call task made instead (no email to fall back to).
            const auto& log = m.at("log").as_array();
            REQUIRE(log.size() == 2);
            CHECK(log.at(0).at("status") == "bounced");
            CHECK(log.at(1).at("status") == "call_task");
            CHECK(log.at(1).at("detail") == calls[0].at("id"));
        }
    }
    CHECK(failed == std::set<std::string>{"request_received", "volunteer_coming"});
    CHECK(told.at("sms_enabled") == true);
    CHECK(told.at("email_enabled") == true);
    CHECK(vol.client->get("/api/v1/residents/" + resident + "/messages").status == 403);
    CHECK(city.coordinator().get("/api/v1/residents/res_unknown/messages").status == 404);

    // A volunteer who prefers email and wants the essential messages only.
    auto pref = city.new_volunteer("prefere", true, {{"phone", "06 12 34 56 03"}});
    CHECK_FALSE(text_to(provider, "+33612345603", "inscription").empty());  // the defaults: a text first
    auto& app = *pref.client;
    const auto before = app.get_json("/api/v1/me/preferences");
    CHECK(before.at("channels") == json::array{"sms", "email"});
    CHECK(before.at("quiet_hours").at("from") == "21:00");
    CHECK(before.at("mobile") == true);
    const auto prefs = [](json::array channels, const char* from, const char* until) {
        json::object o;
        o["channels"] = std::move(channels);
        json::object quiet;
        quiet["from"] = from;
        quiet["until"] = until;
        o["quiet_hours"] = std::move(quiet);
        o["optional_messages"] = true;
        return o;
    };
    std::vector<json::object> bads;
    bads.push_back(prefs(json::array{"fax"}, "21:00", "08:00"));
    bads.push_back(prefs(json::array{"sms", "sms"}, "21:00", "08:00"));
    bads.push_back(prefs(json::array{}, "21:00", "08:00"));
    bads.push_back(prefs(json::array{"email"}, "25:00", "8h"));
    bads.push_back(json::object{{"channels", json::array{"email"}}});
    for (const auto& bad : bads) {
        const auto r = app.send_json("PUT", "/api/v1/me/preferences", bad);
        INFO(r.describe());
        CHECK(r.status == 422);
    }
    CHECK(app.get_json("/api/v1/me/preferences").at("channels") == json::array{"sms", "email"});  // unchanged
    const auto saved = app.send_json("PUT", "/api/v1/me/preferences",
                                     json::object{{"channels", json::array{"email"}},
                                                  {"quiet_hours", {{"from", "20:00"}, {"until", "09:30"}}},
                                                  {"optional_messages", false}});
    INFO(saved.describe());
    REQUIRE(saved.status == 200);
    CHECK(saved.json().at("quiet_hours").at("until") == "09:30");
    CHECK(city.coordinator().send_json("PUT", "/api/v1/me/preferences", saved.json()).status == 403);
    const std::size_t texts_before = texts_to(provider, "+33612345603");
    auto req2 = city.public_request(request_with_phone("Pharmacie", "02 99 12 34 56", t0 + 3600));
    const std::string m2 = city.propose(req2.id, pref.id, start + 86400, start + 86400 + 3600);
    bool by_email = false;
    for (int i = 0; i < 100 && !by_email; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        for (const auto& env : sink.envelopes())
            by_email = by_email || env == "entraide@ville.example\n" + pref.email + "\n";
    }
    CHECK(by_email);
    CHECK(texts_to(provider, "+33612345603") == texts_before);
    // Accepted by text all the same; no reminder, no "did it happen?" (optional messages declined).
    CHECK(provider.reply("+33612345603", "OUI").second.find("\"accepted\"") != std::string::npos);
    CHECK(mission_status(city, m2) == "accepted");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto sent = city.staff_get("/api/v1/volunteers/" + pref.id + "/messages");
    for (const auto& m : sent.at("items").as_array()) {
        CHECK(m.at("kind").as_string().find("reminder") == std::string::npos);
        CHECK(m.at("kind") != "report_due");
    }
}
