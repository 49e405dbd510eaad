// Any city over the years (issue 16): programmes that close with every running support reviewed, a reserve
// of volunteers who agreed to be called again, and reactivation campaigns whose personal links answer in one
// tap and feed the campaign's funnel; retention keeps reserve members only while they confirm their consent
// once a year. The real `relais` binary, a real SMTP server.
#include "api/support/fixtures.hpp"
#include "support/smtp_sink_process.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

using namespace relais::api_test;
using relais::testing::smtp_sink_process;
namespace json = boost::json;

namespace {

bool has_field(const http_response& res, const std::string& field) {
    const auto fields = error_fields(res);
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

/// A weekly request accepted by `vol`: its support runs. Returns the support's id.
std::string running_support(test_city& city, volunteer_account& vol, const std::string& category) {
    const auto req = city.public_request(request_body("weekly", category));
    const auto start = (now_s() / 3600 + 30) * 3600;
    const auto m = city.propose(req.id, vol.id, start, start + 3600);
    auto acc = vol.client->post_json("/api/v1/missions/" + m + "/accept", json::object{});
    INFO(acc.describe());
    REQUIRE(acc.status == 200);
    const auto sup = city.staff_get("/api/v1/supports?request_id=" + req.id);
    REQUIRE(sup.at("items").as_array().size() == 1);
    return std::string(sup.at("items").as_array().at(0).at("id").as_string());
}

json::object review(const std::string& support, const std::string& decision) {
    return json::object{{"support_id", support}, {"decision", decision}};
}

json::value programmes(test_city& city) {
    return city.staff_get("/api/v1/programmes").at("items");
}

}  // namespace

TEST_CASE(
    "programmes: the current one closes with each running support reviewed; the next takes new requests") {
    test_city city;
    auto a = city.new_volunteer("prog-a");
    auto b = city.new_volunteer("prog-b");
    auto c = city.new_volunteer("prog-c");
    const auto sa = running_support(city, a, "shopping");
    const auto sb = running_support(city, b, "friendly_call");
    const auto sc = running_support(city, c, "walk");
    auto partner = city.coordinator().post_json("/api/v1/partners", json::object{{"name", "Petits Freres"}});
    REQUIRE(partner.status == 201);
    const auto partner_json = partner.json();
    const std::string partner_id(partner_json.at("id").as_string());

    auto list = programmes(city);
    REQUIRE(list.as_array().size() == 1);
    const auto first = list.as_array().at(0).as_object();
    const std::string first_id(first.at("id").as_string());
    CHECK(first.at("status") == "current");
    CHECK(first.at("requests") == 3);
    CHECK(first.at("active_supports") == 3);
    CHECK(city.staff_get("/api/v1/programme").at("current_programme_id") == json::value(first_id));

    const std::string close = "/api/v1/programmes/" + first_id + "/close";
    const json::object next{{"name", "Citoyens volontaires 2027"}, {"starts_on", "2027-01-04"}};
    // Refused, all faults named, nothing written.
    auto res = city.admin().post_json(
        close, json::object{{"next", next}, {"reviews", json::array{review(sa, "continue")}}});
    check_problem(res, 422);
    CHECK(has_field(res, "reviews"));  // two running supports have no decision
    auto hand = review(sb, "hand_over");
    // The body's own faults first (an unknown decision, a hand-over without the resident's consent)...
    res = city.admin().post_json(
        close, json::object{{"next", next},
                            {"reviews", json::array{review(sa, "continue"), hand, review(sc, "end"),
                                                    review(sa, "sideways")}}});
    check_problem(res, 422);
    CHECK(has_field(res, "reviews[1].resident_consent"));
    CHECK(has_field(res, "reviews[3].decision"));
    // ...then those that need the database: a hand-over to no partner, a support that is not running.
    auto consented = hand;
    consented["resident_consent"] = true;
    res = city.admin().post_json(
        close, json::object{{"next", next},
                            {"reviews", json::array{review(sa, "continue"), consented, review(sc, "end"),
                                                    review("sup_nobody", "end")}}});
    check_problem(res, 422);
    CHECK(has_field(res, "reviews[1].partner_id"));
    CHECK(has_field(res, "reviews[3].support_id"));
    res = city.admin().post_json(
        close, json::object{{"next", json::object{{"name", "X"}, {"starts_on", "2027-13-40"}}},
                            {"reviews", json::array{}}});
    check_problem(res, 422);
    CHECK(has_field(res, "next.name"));
    CHECK(has_field(res, "next.starts_on"));
    check_problem(
        city.coordinator().post_json(close, json::object{{"next", next}, {"reviews", json::array{}}}), 403);
    CHECK(programmes(city).as_array().size() == 1);
    CHECK(city.staff_get("/api/v1/supports/" + sb).at("status") == "active");

    hand["partner_id"] = partner_id;
    hand["resident_consent"] = true;
    const json::object good{{"next", next},
                            {"reviews", json::array{review(sa, "continue"), hand, review(sc, "end")}}};
    // Two admins close at once: one does, the other is told it is closed already.
    std::atomic<bool> go{false};
    std::vector<unsigned> statuses(4);
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<http_client>> admins;
    for (int i = 0; i < 4; ++i)
        admins.push_back(city.signed_in(admin_email, admin_password));
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] {
            while (!go.load())
                std::this_thread::yield();
            statuses[i] = admins[i]->post_json(close, good).status;
        });
    go = true;
    for (auto& t : threads)
        t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 200u) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 409u) == 3);

    list = programmes(city);
    REQUIRE(list.as_array().size() == 2);
    const auto now_current = list.as_array().at(0).as_object();
    const auto closed = list.as_array().at(1).as_object();
    CHECK(now_current.at("name") == "Citoyens volontaires 2027");
    CHECK(now_current.at("status") == "current");
    CHECK(now_current.at("requests") == 1);  // the support carried on
    CHECK(now_current.at("active_supports") == 1);
    CHECK(closed.at("id") == json::value(first_id));
    CHECK(closed.at("status") == "closed");
    CHECK(closed.at("closed_at").is_string());
    CHECK(closed.at("ends_on") == "2027-01-03");
    CHECK(closed.at("active_supports") == 0);
    const auto programme = city.staff_get("/api/v1/programme");
    CHECK(programme.at("name") == "Citoyens volontaires 2027");
    CHECK(programme.at("current_programme_id") == now_current.at("id"));
    CHECK(city.staff_get("/api/v1/supports/" + sa).at("status") == "active");
    CHECK(city.staff_get("/api/v1/supports/" + sb).at("status") == "handed_over");
    CHECK(city.staff_get("/api/v1/supports/" + sc).at("status") == "ended");

    // A new request belongs to the new programme; the closed one cannot close again.
    city.public_request(request_body("once", "shopping"));
    CHECK(programmes(city).as_array().at(0).at("requests") == 2);
    check_problem(city.admin().post_json(close, good), 409);
    // Renaming the programme renames the current one only.
    REQUIRE(city.admin()
                .send_json("PATCH", "/api/v1/programme", json::object{{"name", "Citoyens volontaires"}})
                .status == 200);
    list = programmes(city);
    CHECK(list.as_array().at(0).at("name") == "Citoyens volontaires");
    CHECK(list.as_array().at(1).at("name") == first.at("name"));
}

TEST_CASE(
    "reserve: members join with consent, a campaign calls them back, one tap answers, the funnel counts") {
    smtp_sink_process sink;
    const std::int64_t t0 = now_s();
    test_city city({"--test-clock", "--test-clock-start", iso(t0), "--smtp-url", sink.url(), "--smtp-ca-file",
                    sink.ca_file(), "--mail-from", "entraide@ville.example", "--public-url",
                    "https://entraide.example"});
    auto v1 = city.new_volunteer("reserve-1");
    auto v2 = city.new_volunteer("reserve-2");
    auto v3 = city.new_volunteer("reserve-3");
    REQUIRE(sink.wait_for(3, std::chrono::seconds(10)));  // the three validations

    // v1 chooses the reserve in their space; consent is required and recorded.
    const std::string join1 = "/api/v1/volunteers/" + v1.id + "/reserve";
    auto res = v1.client->post_json(join1, json::object{{"consent", false}});
    check_problem(res, 422);
    CHECK(has_field(res, "consent"));
    check_problem(v1.client->post_json(join1, json::object{}), 422);
    check_problem(v2.client->post_json(join1, json::object{{"consent", true}}), 404);  // not theirs
    res = v1.client->post_json(join1, json::object{{"consent", true}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    const auto joined = res.json();
    CHECK(joined.at("status") == "paused");
    CHECK(joined.at("reserve").at("source") == "volunteer");
    check_problem(v1.client->post_json(join1, json::object{{"consent", true}}), 409);
    // The coordination records v2's consent taken on the phone.
    res = city.coordinator().post_json("/api/v1/volunteers/" + v2.id + "/reserve",
                                       json::object{{"consent", true}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("reserve").at("source") == "coordinator");
    CHECK(city.staff_get("/api/v1/volunteers/" + v2.id).at("reserve").at("consent_version").is_string());
    CHECK(city.staff_get("/api/v1/volunteers/" + v3.id).at("reserve").is_null());

    auto reserve = city.staff_get("/api/v1/reserve");
    CHECK(reserve.at("total") == 2);
    CHECK(city.staff_get("/api/v1/reserve?neighbourhood=maurepas").at("total") == 0);
    CHECK(city.staff_get("/api/v1/reserve?skill=shopping&language=fr&inactive_days=30").at("total") == 2);
    check_problem(city.coordinator().get("/api/v1/reserve?inactive_days=-3"), 400);
    check_problem(v1.client->get("/api/v1/reserve"), 403);

    // The campaign: counted first, refused with no one to call or a message too short.
    res = city.coordinator().post_json(
        "/api/v1/campaigns",
        json::object{{"message", "La ville a besoin de vous cet hiver."}, {"dry_run", true}});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("recipients") == 2);
    res = city.coordinator().post_json("/api/v1/campaigns",
                                       json::object{{"message", "La ville a besoin de vous cet hiver."},
                                                    {"filter", json::object{{"neighbourhood", "maurepas"}}}});
    check_problem(res, 422);
    CHECK(has_field(res, "filter"));
    res = city.coordinator().post_json("/api/v1/campaigns", json::object{{"message", "court"}, {"bogus", 1}});
    check_problem(res, 422);
    CHECK(has_field(res, "message"));
    CHECK(city.staff_get("/api/v1/campaigns").at("items").as_array().empty());

    res = city.coordinator().post_json(
        "/api/v1/campaigns",
        json::object{{"message", "Bonjour,\nLa canicule revient : la ville a besoin de vous."},
                     {"filter", json::object{{"skills", json::array{"shopping"}}}}});
    INFO(res.describe());
    REQUIRE(res.status == 201);
    const auto campaign = res.json();
    const std::string campaign_id(campaign.at("id").as_string());
    CHECK(campaign.at("recipients") == 2);
    REQUIRE(sink.wait_for(5, std::chrono::seconds(15)));
    std::map<std::string, std::string> token_of;  // recipient email -> their link's token
    const auto envs = sink.envelopes();
    const auto msgs = sink.messages();
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        const std::string body = relais::testing::decoded_bodies(msgs[i]);
        const auto at = body.find("https://entraide.example/reserve/");
        if (at == std::string::npos)
            continue;
        CHECK(body.find("La canicule revient") != std::string::npos);
        for (const auto* v : {&v1, &v2})
            if (envs[i].find(v->email) != std::string::npos)
                token_of[v->email] = body.substr(at + 33, 43);
    }
    REQUIRE(token_of.size() == 2);
    auto funnel = [&] { return city.staff_get("/api/v1/campaigns/" + campaign_id).at("funnel"); };
    for (int i = 0; i < 50 && funnel().at("sent") != 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(funnel().at("sent") == 2);
    CHECK(funnel().at("opened") == 0);

    // v1 opens the link, then answers "available" from many tabs at once: one answer counts.
    auto anon = city.anonymous();
    const std::string link1 = "/reserve/" + token_of[v1.email];
    auto page = anon->get(link1);
    CHECK(page.status == 200);
    CHECK(page.body.find("La canicule revient") != std::string::npos);
    CHECK(page.body.find("reserve-available") != std::string::npos);
    CHECK(funnel().at("opened") == 1);
    const header_list form{{"Content-Type", "application/x-www-form-urlencoded"}};
    CHECK(anon->request("POST", link1, "answer=maybe", form).status == 422);
    std::atomic<bool> go{false};
    std::vector<unsigned> statuses(6);
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&, i] {
            auto client = city.anonymous();
            while (!go.load())
                std::this_thread::yield();
            statuses[i] = client->request("POST", link1, "answer=available", form).status;
        });
    go = true;
    for (auto& t : threads)
        t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 200u) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 410u) == 5);
    const auto back = city.staff_get("/api/v1/volunteers/" + v1.id);
    CHECK(back.at("status") == "active");
    CHECK(back.at("reserve").is_null());
    CHECK(anon->get(link1).status == 410);
    CHECK(anon->get("/reserve/" + std::string(43, 'x')).status == 404);
    CHECK(city.server().log().find(token_of[v1.email]) == std::string::npos);

    // v2: "not now" confirms the consent.
    const std::string link2 = "/reserve/" + token_of[v2.email];
    auto stay = anon->request("POST", link2, "answer=stay&lang=en", form);
    CHECK(stay.status == 200);
    CHECK(stay.body.find("reserve-done") != std::string::npos);
    CHECK(city.staff_get("/api/v1/volunteers/" + v2.id).at("status") == "paused");
    const auto f = funnel();
    CHECK(f.at("opened") == 2);
    CHECK(f.at("reactivated") == 1);
    CHECK(f.at("stayed") == 1);
    CHECK(f.at("declined") == 0);
    CHECK(city.staff_get("/api/v1/campaigns/" + campaign_id).at("first_reactivations").at("10").is_null());
    CHECK(city.staff_get("/api/v1/reserve").at("total") == 1);

    // v3 joins then leaves: withdrawn; leaving twice is a conflict.
    REQUIRE(v3.client->post_json("/api/v1/volunteers/" + v3.id + "/reserve", json::object{{"consent", true}})
                .status == 200);
    res = v3.client->post_json("/api/v1/volunteers/" + v3.id + "/reserve/leave", json::object{});
    REQUIRE(res.status == 200);
    CHECK(res.json().at("status") == "withdrawn");
    CHECK(city.staff_get("/api/v1/volunteers/" + v3.id).at("withdrawal_reason") == "left_reserve");
    check_problem(
        city.coordinator().post_json("/api/v1/volunteers/" + v3.id + "/reserve/leave", json::object{}), 409);

    // The bilan: the reserve's movements and the campaign's return rate (a minute on: the period ends now).
    REQUIRE(city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t0 + 60)}}).status == 200);
    const auto summary = city.staff_get("/api/v1/stats/summary");
    const auto& r = summary.at("engagement").at("reserve");
    INFO(json::serialize(summary.at("engagement")) << " " << json::serialize(summary.at("period")));
    CHECK(r.at("members") == 1);  // v2
    CHECK(r.at("joined") == 3);
    CHECK(r.at("reactivated") == 1);  // v1
    CHECK(r.at("left") == 1);         // v3
    CHECK(r.at("campaigns") == 1);
    CHECK(r.at("recipients") == 2);
    CHECK(r.at("campaign_reactivations") == 1);
    CHECK(r.at("reactivation_rate").to_number<double>() == doctest::Approx(0.5));

    // A year on: v2 confirmed at t0 and not since: retention withdraws and erases them; v1 (active) stays,
    // and so does a member who joined later.
    auto v4 = city.new_volunteer("reserve-4");
    auto move = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t0 + 200 * 86400)}});
    REQUIRE(move.status == 200);
    REQUIRE(city.coordinator()
                .post_json("/api/v1/volunteers/" + v4.id + "/reserve", json::object{{"consent", true}})
                .status == 200);
    move = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t0 + 366 * 86400)}});
    REQUIRE(move.status == 200);
    REQUIRE(city.admin().post_json("/api/v1/retention/run", json::object{}).status == 200);
    const auto gone = city.staff_get("/api/v1/volunteers/" + v2.id);
    CHECK(gone.at("erased") == true);
    CHECK(gone.at("withdrawal_reason") == "reserve_lapsed");
    CHECK(city.staff_get("/api/v1/volunteers/" + v1.id).at("erased") == false);
    CHECK(city.staff_get("/api/v1/volunteers/" + v4.id).at("reserve").is_object());
    CHECK(city.staff_get("/api/v1/reserve").at("total") == 1);
}

TEST_CASE(
    "a volunteer's engagement counts missions and hours; a programme's end thanks each volunteer with it") {
    smtp_sink_process sink;
    const std::int64_t t0 = now_s();
    test_city city({"--test-clock", "--test-clock-start", iso(t0), "--smtp-url", sink.url(), "--smtp-ca-file",
                    sink.ca_file(), "--mail-from", "entraide@ville.example", "--public-url",
                    "https://entraide.example"});
    auto v = city.new_volunteer("engaged");
    auto other = city.new_volunteer("other");
    REQUIRE(sink.wait_for(2, std::chrono::seconds(10)));
    const auto req = city.public_request(request_body("once", "shopping"));
    const std::int64_t start = (t0 / 3600 + 2) * 3600;
    const auto m = city.propose(req.id, v.id, start, start + 3600);
    REQUIRE(v.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    REQUIRE(city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(start + 7200)}}).status ==
            200);
    auto done = v.client->post_json(
        "/api/v1/missions/" + m + "/complete",
        json::object{{"report", json::object{{"duration_minutes", 90}, {"outcome", "good"}}}});
    INFO(done.describe());
    REQUIRE(done.status == 200);

    const std::string path = "/api/v1/volunteers/" + v.id + "/engagement";
    const auto e = v.client->get_json(path);
    CHECK(e.at("missions") == 1);
    CHECK(e.at("minutes") == 90);
    CHECK(e.at("hours").to_number<double>() == doctest::Approx(1.5));
    CHECK(e.at("by_category").at(0).at("category") == "shopping");
    CHECK(e.at("by_month").as_array().size() == 1);
    CHECK(e.at("first_mission_at").is_string());
    // A period without it, a malformed date, a reversed period, someone else's record.
    CHECK(city.staff_get(path + "?from=2020-01-01&to=2020-12-31").at("missions") == 0);
    check_problem(city.coordinator().get(path + "?from=2026-02-30x"), 400);
    check_problem(city.coordinator().get(path + "?from=2027-01-02&to=2027-01-01"), 400);
    check_problem(other.client->get(path), 404);

    // The bilan counts the hours given and how proposals were answered, per kind of help.
    const auto summary = city.staff_get("/api/v1/stats/summary");
    const auto& eng = summary.at("engagement");
    CHECK(eng.at("hours_given").to_number<double>() == doctest::Approx(1.5));
    const auto& answers = eng.at("answers_by_category").as_array();
    REQUIRE(answers.size() == 1);
    CHECK(answers.at(0).at("category") == "shopping");
    CHECK(answers.at(0).at("proposals") == 1);
    CHECK(answers.at(0).at("accepted") == 1);
    CHECK(answers.at(0).at("acceptance_rate").to_number<double>() == doctest::Approx(1.0));

    // The programme ends: each volunteer is thanked with what they did, and told where to choose.
    const auto current = city.staff_get("/api/v1/programme").at("current_programme_id");
    const std::size_t before = sink.messages().size();
    auto res = city.admin().post_json(
        "/api/v1/programmes/" + std::string(current.as_string()) + "/close",
        json::object{{"next", json::object{{"name", "Citoyens volontaires"}, {"starts_on", "2027-01-04"}}},
                     {"reviews", json::array{}}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    REQUIRE(sink.wait_for(before + 2, std::chrono::seconds(15)));
    const auto envs = sink.envelopes();
    const auto msgs = sink.messages();
    bool thanked = false;
    for (std::size_t i = before; i < msgs.size(); ++i) {
        const std::string body = relais::testing::decoded_bodies(msgs[i]);
        if (envs[i].find(v.email) == std::string::npos)
            continue;
        thanked = true;
        CHECK(body.find("1 mission") != std::string::npos);
        CHECK(body.find("2 heure") != std::string::npos);  // 90 minutes, rounded
        CHECK(body.find("Citoyens volontaires") != std::string::npos);
        CHECK(body.find("https://entraide.example/benevole") != std::string::npos);
    }
    CHECK(thanked);
}

TEST_CASE(
    "an existing list of volunteers comes into the reserve: command and page, all or nothing, every fault "
    "named") {
    test_city city;
    relais::testing::temp_dir dir;
    auto existing = city.new_volunteer("deja-la");
    const std::string bad_file = dir.file("faux.csv");
    {
        std::ofstream f(bad_file);
        f << "\xEF\xBB\xBFprenom;nom;courriel;telephone;quartier;competences;disponibilites;langues\r\n"
          << "Jeanne;Martin;jeanne@exemple.fr;06 12 34 56 78;Centre;Courses|shopping;lun "
             "09:00-12:00;fr|en\r\n"
          << "Paul;;paul@exemple;12;Atlantis;astronomie;someday;french\r\n"
          << "Jeanne;Bis;jeanne@exemple.fr;06 12 34 56 79;centre;;;\r\n"
          << "Ana;Lopez;" << existing.email << ";06 12 34 56 70;centre;;;\r\n";
    }
    const auto bad = relais_command({"import", "volunteers", "--db", city.db_path(), bad_file});
    CHECK(bad.code == 1);
    for (const char* expected :
         {"line 3: last_name:", "line 3: email:", "line 3: phone:", "line 3: neighbourhood:",
          "line 3: skills:", "line 3: availability:", "line 3: languages:", "line 4: email: appears twice",
          "line 5: email: is already"})
        CHECK_MESSAGE(bad.err.find(expected) != std::string::npos, expected, "\n", bad.err);
    CHECK(bad.err.find("nothing imported") != std::string::npos);
    CHECK(city.staff_get("/api/v1/reserve").at("total") == 0);

    const std::string good_file = dir.file("liste.csv");
    {
        std::ofstream f(good_file);
        f << "first_name,last_name,email,phone,neighbourhood,skills,availability,languages\n"
          << "Jeanne,Martin,jeanne@exemple.fr,06 12 34 56 78,Centre,\"shopping|walk\",\"lun 09:00-12:00|mer "
             "14:00-18:00\",fr\n"
          << "Omar,Haddad,omar@exemple.fr,+33 6 98 76 54 32,maurepas,,,\"fr,ar\"\n";
    }
    const auto dry = relais_command({"import", "volunteers", "--db", city.db_path(), "--dry-run", good_file});
    INFO(dry.err);
    CHECK(dry.code == 0);
    CHECK(dry.out.find("would import 2") != std::string::npos);
    CHECK(city.staff_get("/api/v1/reserve").at("total") == 0);
    const auto done = relais_command({"import", "volunteers", "--db", city.db_path(), good_file});
    INFO(done.err);
    REQUIRE(done.code == 0);
    const auto reserve = city.staff_get("/api/v1/reserve");
    REQUIRE(reserve.at("total") == 2);
    const auto& jeanne = reserve.at("items").at(0);
    CHECK(jeanne.at("first_name") == "Jeanne");
    CHECK(jeanne.at("skills").as_array().size() == 2);
    const std::string jeanne_id(jeanne.at("volunteer_id").as_string());
    const auto v = city.staff_get("/api/v1/volunteers/" + jeanne_id);
    CHECK(v.at("status") == "paused");
    CHECK(v.at("reserve").at("source") == "import");
    CHECK(v.at("phone") == "+33612345678");
    CHECK(v.at("availability").as_array().size() == 2);
    // Without skills, every active kind of help.
    CHECK(reserve.at("items").at(1).at("skills").as_array().size() > 3);

    // The page: the same rules; a dry run counts; faults come back as 422 naming each line.
    const std::string csv =
        "first_name,last_name,email,phone,neighbourhood\nLina,Roux,lina@exemple.fr,0611223344,centre\n";
    auto res = city.coordinator().post_json("/api/v1/volunteer-imports",
                                            json::object{{"csv", csv}, {"dry_run", true}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.json().at("imported") == 1);
    CHECK(res.json().at("dry_run") == true);
    CHECK(city.staff_get("/api/v1/reserve").at("total") == 2);
    res = city.coordinator().post_json(
        "/api/v1/volunteer-imports",
        json::object{{"csv", csv + "Max,Roux,jeanne@exemple.fr,0611223345,centre\n"}});
    check_problem(res, 422);
    CHECK(problem_detail(res).size() > 0);
    CHECK(res.body.find("line 3: email: is already registered") != std::string::npos);
    CHECK(city.staff_get("/api/v1/reserve").at("total") == 2);
    res = city.coordinator().post_json("/api/v1/volunteer-imports", json::object{{"csv", csv}});
    REQUIRE(res.status == 200);
    CHECK(city.staff_get("/api/v1/reserve").at("total") == 3);
    check_problem(existing.client->post_json("/api/v1/volunteer-imports", json::object{{"csv", csv}}), 403);
}
