// The event log: one entry per state change with from, to and reason; never personal data; append-only.
// And the store-level guarantee that a refused operation leaves nothing half-written.
#include "domain/domain_fixture.hpp"
#include "domain/partners.hpp"

using namespace relais::domain_test;
using relais::error_kind;

TEST_CASE("event log: a request's story, one entry per state change") {
    domain_db d;
    auto req = d.request("once");
    auto vol1 = d.volunteer();
    auto vol2 = d.volunteer();
    auto m1 = d.propose(req, vol1, t0() + hour);
    decline_mission(d.db, m1, "not_available", std::nullopt, t0() + 10, coordinator());
    auto m2 = d.propose(req, vol2, t0() - hour);
    accept_mission(d.db, m2, t0() + 20, coordinator());
    auto s = active_support(d.db, req)->id;
    complete_mission(d.db, m2, {60, "good", false, std::nullopt}, t0() + 30, coordinator());

    CHECK(d.events("request", req) == std::vector<std::string>{
                                          "created:>new:",
                                          "redispatch_flagged:new>new:declined",
                                          "matched:new>matched:",
                                          "closed:matched>closed:fulfilled",
                                      });
    CHECK(d.events("mission", m1) ==
          std::vector<std::string>{"proposed:>proposed:", "declined:proposed>declined:not_available"});
    CHECK(d.events("mission", m2) ==
          std::vector<std::string>{
              "proposed:>proposed:", "accepted:proposed>accepted:", "done:accepted>done:"});
    CHECK(d.events("support", s) ==
          std::vector<std::string>{"created:>active:", "ended:active>ended:fulfilled"});
    // Who and when.
    SQLite::Statement q(
        d.db, "SELECT at, actor FROM event WHERE entity = 'mission' AND entity_id = ? ORDER BY seq");
    q.bind(1, m2);
    std::vector<std::pair<std::int64_t, std::string>> who;
    while (q.executeStep())
        who.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getString());
    CHECK(who == std::vector<std::pair<std::int64_t, std::string>>{{t0(), "usr_coordinator"},
                                                                   {t0() + 20, "usr_coordinator"},
                                                                   {t0() + 30, "usr_coordinator"}});
    // Mission events carry the ids and codes statistics need.
    auto data = d.db.execAndGet("SELECT data FROM event WHERE entity = 'mission' AND entity_id = '" + m2 +
                                "' AND action = 'accepted'")
                    .getString();
    auto o = boost::json::parse(data).as_object();
    CHECK(o.at("request_id").as_string() == req);
    CHECK(o.at("volunteer_id").as_string() == vol2);
    CHECK(o.at("category").as_string() == "shopping");
    CHECK(o.at("neighbourhood").as_string() == "maurepas");
}

TEST_CASE("event log: no names, phones, emails, addresses or free-text notes, whatever happened") {
    domain_db d;
    // A busy little season with every kind of free text the API takes.
    auto once = d.request("once");
    auto weekly = d.request("weekly");
    auto vol = d.volunteer();
    auto standin = d.volunteer();
    const std::string secret = "NOTE-SECRETE-Zephyrine-0611223344";
    auto m1 = d.propose(once, vol, t0() - hour);
    accept_mission(d.db, m1, t0(), coordinator());
    complete_mission(d.db, m1, {30, "difficult", true, secret}, t0(), coordinator());
    acknowledge_welfare(d.db, m1, std::nullopt, t0() + 1, coordinator());
    auto m2 = d.propose(weekly, vol, t0() + day);
    decline_mission(d.db, m2, "other", secret, t0(), coordinator());
    auto m3 = d.propose(weekly, standin, t0() + day);
    accept_mission(d.db, m3, t0(), coordinator());
    drop_mission(d.db, m3, "other", secret, t0(), coordinator());
    auto other = d.request("once");
    auto m4 = d.propose(other, vol, t0() - 3 * hour);
    accept_mission(d.db, m4, t0(), coordinator());
    mark_missed(d.db, m4, secret, t0(), coordinator());
    auto m5 = d.propose(d.request("weekly"), d.volunteer(), t0() + 2 * day);
    cancel_mission(d.db, m5, "other", secret, t0(), coordinator());
    close_request(d.db, other, "unfulfillable", secret, t0(), coordinator());
    auto partner =
        create_partner(d.db, "Secours Zephyrine", "association", std::string("contact@example.org"),
                       std::string("+33600000000"), t0(), coordinator());
    auto third = d.request("weekly");
    auto m6 = d.propose(third, standin, t0() + 4 * day);
    accept_mission(d.db, m6, t0(), coordinator());
    handover_support(d.db, active_support(d.db, third)->id, partner, secret, t0(), coordinator());
    volunteer_patch p;
    p.phone = "+33655555555";
    p.first_name = "Renamed-Barnabeus";
    patch_volunteer(d.db, standin, p, t0(), coordinator());
    resident_patch rp;
    rp.address = "99 avenue Tres Privee";
    patch_resident(d.db, load_request(d.db, once).resident_id, rp, t0(), coordinator());
    withdraw_volunteer(d.db, vol, "other", secret, t0(), coordinator());

    REQUIRE(d.count("SELECT COUNT(*) FROM event") > 30);
    std::string log;
    SQLite::Statement q(
        d.db, "SELECT actor, entity, entity_id, action, from_status, to_status, reason, data FROM event");
    while (q.executeStep())
        for (int i = 0; i < 8; ++i)
            log += q.getColumn(i).getString() + "|";
    for (const std::string& personal :
         {std::string(planted::resident_first), std::string(planted::resident_last),
          std::string(planted::resident_phone), std::string("0611223344"),
          std::string(planted::resident_email), std::string(planted::resident_address),
          std::string("rue Secretement"), std::string(planted::volunteer_first),
          std::string(planted::volunteer_last), std::string(planted::volunteer_phone),
          std::string("volunteer1@"), std::string("example.org"), std::string("+33655555555"),
          std::string("99 avenue"), secret, std::string("NOTE-SECRETE"), std::string("Secours"),
          std::string("Courses pour")}) {
        INFO(personal);
        CHECK_FALSE(has(log, personal));
    }
}

TEST_CASE("event log: append-only") {
    domain_db d;
    d.request();
    REQUIRE(d.count("SELECT COUNT(*) FROM event") > 0);
    CHECK_THROWS(d.db.exec("UPDATE event SET action = 'x'"));
    CHECK_THROWS(d.db.exec("DELETE FROM event"));
}

TEST_CASE("refused operations leave nothing half-written (run as the writer runs a job)") {
    domain_db d;
    auto req = d.request("once");
    auto vol = d.volunteer("active", 1);
    auto paused = d.volunteer("paused");
    auto m = d.propose(req, vol, t0() + day);
    accept_mission(d.db, m, t0(), coordinator());
    auto closed = d.request("once");
    close_request(d.db, closed, "cancelled", std::nullopt, t0(), coordinator());

    const std::vector<std::pair<const char*, std::function<void()>>> attempts{
        {"propose overlapping", [&] { d.propose(d.request(), vol, t0() + day); }},
        {"propose over the weekly maximum", [&] { d.propose(d.request(), vol, t0() + 2 * day); }},
        {"propose to a paused volunteer", [&] { d.propose(d.request(), paused, t0() + day); }},
        {"propose for a closed request", [&] { d.propose(closed, d.volunteer(), t0() + day); }},
        {"accept twice", [&] { accept_mission(d.db, m, t0(), coordinator()); }},
        {"complete before the start",
         [&] {
             complete_mission(d.db, m, {10, "good", false, std::nullopt}, t0(), coordinator());
         }},
        {"close twice", [&] { close_request(d.db, closed, "fulfilled", std::nullopt, t0(), coordinator()); }},
        {"register an email in use",
         [&] {
             volunteer_input in;
             in.first_name = in.last_name = "X";
             in.email = load_volunteer(d.db, vol).email;
             in.phone = "+33612345678";
             in.neighbourhood = "centre";
             in.skills = {"shopping"};
             register_volunteer(d.db, in, "h", t0(), public_actor());
         }},
        {"activate twice", [&] { activate_volunteer(d.db, vol, t0(), coordinator()); }},
        {"stand-in = main volunteer",
         [&] { set_standin(d.db, active_support(d.db, req)->id, vol, t0(), coordinator()); }},
    };
    for (const auto& [name, attempt] : attempts) {
        const std::string where = name;
        INFO(where);
        const auto before = d.snapshot();
        bool threw = false;
        try {
            d.job(attempt);
        } catch (const relais::error& e) {
            threw = true;
            CHECK(e.kind() == error_kind::conflict);
        }
        CHECK(threw);
        CHECK(d.snapshot() == before);
    }
}
