// The volunteer lifecycle (registered -> active <-> paused -> withdrawn) and what a withdrawal releases.
#include "domain/domain_fixture.hpp"
#include "domain/programme.hpp"

using namespace relais::domain_test;
using relais::error_kind;

namespace {

volunteer_input sample_input(const std::string& email) {
    volunteer_input in;
    in.first_name = "Ines";
    in.last_name = "Morvan";
    in.email = email;
    in.phone = "+33612345678";
    in.neighbourhood = "villejean";
    in.skills = {"books", "reading"};
    in.availability = {{2, 14 * 60, 18 * 60}, {5, 9 * 60, 12 * 60 + 30}};
    in.languages = {"fr", "br"};
    in.max_missions_per_week = 3;
    return in;
}

}  // namespace

TEST_CASE("registration stores the volunteer as registered, with an account and an event") {
    domain_db d;
    auto id = register_volunteer(d.db, sample_input("ines@example.org"), "hash", t0(), public_actor());
    CHECK(id.starts_with("vol_"));
    CHECK(id.size() == 4 + 20);
    auto v = load_volunteer(d.db, id);
    CHECK(v.status == "registered");
    CHECK(v.skills == std::vector<std::string>{"books", "reading"});
    REQUIRE(v.availability.size() == 2);
    CHECK(v.availability[1].day == 5);
    CHECK(v.availability[1].start == 9 * 60);
    CHECK(v.availability[1].end == 12 * 60 + 30);
    CHECK(v.languages == std::vector<std::string>{"fr", "br"});
    CHECK(v.max_missions_per_week == 3);
    CHECK(v.consent_at == t0());
    CHECK_FALSE(v.consent_version.empty());
    CHECK_FALSE(v.validated_at);
    CHECK(d.count("SELECT COUNT(*) FROM users WHERE volunteer_id = '" + id + "' AND role = 'volunteer'") ==
          1);
    CHECK(d.events("volunteer", id) == std::vector<std::string>{"registered:>registered:"});

    // The same email again: 409, nothing written.
    const auto before = d.snapshot();
    auto detail = refused(error_kind::conflict, [&] {
        d.job([&] {
            register_volunteer(d.db, sample_input("ines@example.org"), "hash", t0(), public_actor());
        });
    });
    CHECK(has(detail, "already registered"));
    CHECK(d.snapshot() == before);

    // Unknown codes: 422 naming each field.
    auto bad = sample_input("other@example.org");
    bad.neighbourhood = "atlantis";
    bad.skills = {"books", "juggling", "astrology"};
    try {
        register_volunteer(d.db, bad, "hash", t0(), public_actor());
        FAIL("accepted unknown codes");
    } catch (const relais::error& e) {
        CHECK(e.kind() == error_kind::validation);
        REQUIRE(e.fields.size() == 3);
        CHECK(e.fields[0].field == "neighbourhood");
        CHECK(e.fields[1].field == "skills[1]");
        CHECK(e.fields[2].field == "skills[2]");
    }
    CHECK(d.snapshot() == before);
}

TEST_CASE("registration closed: refused with a clear 409") {
    domain_db d;
    programme_patch p;
    p.registration_open = false;
    patch_programme(d.db, p, t0(), coordinator());
    const auto before = d.snapshot();
    auto detail = refused(error_kind::conflict, [&] {
        d.job([&] {
            register_volunteer(d.db, sample_input("late@example.org"), "hash", t0(), public_actor());
        });
    });
    CHECK(has(detail, "registration is closed"));
    CHECK(d.snapshot() == before);
    p.registration_open = true;
    patch_programme(d.db, p, t0(), coordinator());
    CHECK_NOTHROW(register_volunteer(d.db, sample_input("late@example.org"), "hash", t0(), public_actor()));
}

TEST_CASE("lifecycle: registered -> active -> paused -> active -> withdrawn, each step logged") {
    domain_db d;
    auto id = d.volunteer("registered");
    activate_volunteer(d.db, id, t0(), coordinator());
    CHECK(load_volunteer(d.db, id).status == "active");
    CHECK(load_volunteer(d.db, id).validated_at == t0());
    pause_volunteer(d.db, id, t0() + 1, coordinator());
    CHECK(load_volunteer(d.db, id).status == "paused");
    resume_volunteer(d.db, id, t0() + 2, coordinator());
    CHECK(load_volunteer(d.db, id).status == "active");
    withdraw_volunteer(d.db, id, "back_to_work", std::string("a retrouve un emploi"), t0() + 3,
                       coordinator());
    auto v = load_volunteer(d.db, id);
    CHECK(v.status == "withdrawn");
    CHECK(v.withdrawal_reason == std::optional<std::string>("back_to_work"));
    CHECK(v.withdrawal_note == std::optional<std::string>("a retrouve un emploi"));
    CHECK(v.withdrawn_at == t0() + 3);
    CHECK(d.events("volunteer", id) ==
          std::vector<std::string>{
              "registered:>registered:", "activated:registered>active:", "paused:active>paused:",
              "resumed:paused>active:", "withdrawn:active>withdrawn:back_to_work"});
    // The note is not in the event log.
    CHECK(d.count("SELECT COUNT(*) FROM event WHERE data LIKE '%emploi%' OR reason LIKE '%emploi%'") == 0);
    // Their account is disabled; the email may register again.
    CHECK(d.count("SELECT COUNT(*) FROM users WHERE volunteer_id = '" + id + "' AND disabled_at IS NULL") ==
          0);
    auto again = sample_input(load_volunteer(d.db, id).email);
    CHECK_NOTHROW(register_volunteer(d.db, again, "hash", t0() + 4, public_actor()));
}

TEST_CASE("lifecycle: illegal transitions are 409 naming the current status, and change nothing") {
    struct attempt {
        std::string from;
        std::string op;
    };
    const std::vector<attempt> illegal{
        {"active", "activate"},    {"paused", "activate"}, {"withdrawn", "activate"},
        {"registered", "pause"},   {"paused", "pause"},    {"withdrawn", "pause"},
        {"registered", "resume"},  {"active", "resume"},   {"withdrawn", "resume"},
        {"withdrawn", "withdraw"},
    };
    for (const auto& a : illegal) {
        const std::string where = a.op + " from " + a.from;
        INFO(where);
        domain_db d;
        auto id = d.volunteer(a.from);
        const auto before = d.snapshot();
        const std::string op = a.op;
        auto detail = refused(error_kind::conflict, [&] {
            d.job([&] {
                if (op == "activate")
                    activate_volunteer(d.db, id, t0(), coordinator());
                else if (op == "pause")
                    pause_volunteer(d.db, id, t0(), coordinator());
                else if (op == "resume")
                    resume_volunteer(d.db, id, t0(), coordinator());
                else
                    withdraw_volunteer(d.db, id, "other", std::nullopt, t0(), coordinator());
            });
        });
        CHECK(has(detail, "The volunteer is " + a.from));
        CHECK(d.snapshot() == before);
    }
    // Withdrawal is possible from every live status.
    for (const std::string from : {"registered", "active", "paused"}) {
        domain_db d;
        auto id = d.volunteer(from);
        withdraw_volunteer(d.db, id, "no_news", std::nullopt, t0(), coordinator());
        CHECK(load_volunteer(d.db, id).status == "withdrawn");
    }
    domain_db d;
    refused(error_kind::not_found, [&] { activate_volunteer(d.db, "vol_nope", t0(), coordinator()); });
}

TEST_CASE(
    "withdrawal releases future missions: accepted dropped, proposed cancelled, supports passed on or "
    "ended") {
    domain_db d;
    auto vol = d.volunteer();
    auto standin = d.volunteer();
    auto other_main = d.volunteer();

    // r1: one-off, accepted mission, support without stand-in.
    auto r1 = d.request("once");
    auto m1 = d.propose(r1, vol, t0() + day);
    accept_mission(d.db, m1, t0(), coordinator());
    auto s1 = active_support(d.db, r1)->id;
    // r2: one-off, proposal not answered yet.
    auto r2 = d.request("once");
    auto m2 = d.propose(r2, vol, t0() + 2 * day);
    // r3: weekly, accepted mission, support with a stand-in.
    auto r3 = d.request("weekly");
    auto m3 = d.propose(r3, vol, t0() + 3 * day);
    accept_mission(d.db, m3, t0(), coordinator());
    auto s3 = active_support(d.db, r3)->id;
    set_standin(d.db, s3, standin, t0(), coordinator());
    // r4: someone else's support where the withdrawing volunteer is the stand-in.
    auto r4 = d.request("weekly");
    auto m4 = d.propose(r4, other_main, t0() + 4 * day);
    accept_mission(d.db, m4, t0(), coordinator());
    auto s4 = active_support(d.db, r4)->id;
    set_standin(d.db, s4, vol, t0(), coordinator());
    // r5: a mission already over (done) stays as it is.
    auto r5 = d.request("once");
    auto m5 = d.propose(r5, vol, t0() - 2 * day);
    accept_mission(d.db, m5, t0(), coordinator());
    complete_mission(d.db, m5, {30, "good", false, std::nullopt}, t0(), coordinator());

    // r6: a weekly support with no live mission at the time and not flagged. Cancelling or completing a
    // visit proposes the next one, so this state is rare; it is set up directly here.
    auto r6 = d.request("weekly");
    auto m6 = d.propose(r6, vol, t0() - 3 * day);
    accept_mission(d.db, m6, t0() - 4 * day, coordinator());
    complete_mission(d.db, m6, {45, "good", false, std::nullopt}, t0(), coordinator());
    REQUIRE(d.count("SELECT COUNT(*) FROM mission WHERE request_id = '" + r6 + "' AND status = 'proposed'") ==
            1);
    d.db.exec("UPDATE mission SET status = 'cancelled' WHERE request_id = '" + r6 +
              "' AND status = 'proposed'");
    auto s6 = active_support(d.db, r6)->id;
    REQUIRE_FALSE(load_request(d.db, r6).redispatch);
    const auto count6 = load_request(d.db, r6).redispatch_count;

    const auto now = t0() + hour;
    withdraw_volunteer(d.db, vol, "health", std::nullopt, now, coordinator());

    // r6: the support ends, the request is back in the queue, flagged, and the log says so (a re-dispatch the
    // statistics count).
    CHECK(load_support(d.db, s6).status == "ended");
    CHECK(load_request(d.db, r6).status == "new");
    CHECK(load_request(d.db, r6).redispatch);
    CHECK(load_request(d.db, r6).redispatch_count == count6 + 1);
    CHECK(d.events("request", r6).back() == "redispatch_flagged:new>new:volunteer_withdrawn");

    CHECK(d.mission_status(m1) == "dropped");
    CHECK(load_mission(d.db, m1).reason == std::optional<std::string>("volunteer_withdrawn"));
    CHECK(load_support(d.db, s1).status == "ended");
    CHECK(load_request(d.db, r1).status == "new");
    CHECK(load_request(d.db, r1).redispatch);
    CHECK(load_request(d.db, r1).redispatch_count == 1);  // one re-dispatch, not one per released thing

    CHECK(d.mission_status(m2) == "cancelled");
    CHECK(load_mission(d.db, m2).reason == std::optional<std::string>("volunteer_withdrawn"));
    CHECK(load_request(d.db, r2).status == "new");
    CHECK(load_request(d.db, r2).redispatch);

    CHECK(d.mission_status(m3) == "dropped");
    auto sup3 = load_support(d.db, s3);
    CHECK(sup3.status == "active");
    CHECK(sup3.volunteer_id == standin);  // the stand-in carries on
    CHECK_FALSE(sup3.standin_volunteer_id);
    CHECK(load_request(d.db, r3).status == "matched");
    CHECK(load_request(d.db, r3).redispatch);
    CHECK(d.events("support", s3).back() == "standin_promoted:active>active:volunteer_withdrawn");

    CHECK(d.mission_status(m4) == "accepted");
    CHECK_FALSE(load_support(d.db, s4).standin_volunteer_id);  // no longer a stand-in

    CHECK(d.mission_status(m5) == "done");
    // The volunteer holds no live mission any more.
    CHECK(d.count("SELECT COUNT(*) FROM mission WHERE volunteer_id = '" + vol +
                  "' AND status IN ('proposed','accepted')") == 0);
    // The stand-in now takes the weekly support's next proposals.
    CHECK_NOTHROW(d.propose(r3, standin, t0() + 10 * day, now));
}

TEST_CASE("patch: codes checked, email uniqueness kept, the sign-in email follows") {
    domain_db d;
    auto a = d.volunteer();
    auto b = d.volunteer();
    volunteer_patch p;
    p.email = load_volunteer(d.db, b).email;
    auto detail = refused(error_kind::conflict, [&] { patch_volunteer(d.db, a, p, t0(), coordinator()); });
    CHECK(has(detail, "already registered"));
    volunteer_patch codes;
    codes.skills = std::vector<std::string>{"nope"};
    refused(error_kind::validation, [&] { patch_volunteer(d.db, a, codes, t0(), coordinator()); });
    volunteer_patch ok;
    ok.email = "new-address@example.org";
    ok.max_missions_per_week = 5;
    ok.location = geo{48.11, -1.68};
    patch_volunteer(d.db, a, ok, t0(), coordinator());
    auto v = load_volunteer(d.db, a);
    CHECK(v.email == "new-address@example.org");
    CHECK(v.max_missions_per_week == 5);
    REQUIRE(v.location);
    CHECK(v.location->lat == doctest::Approx(48.11));
    CHECK(d.count("SELECT COUNT(*) FROM users WHERE volunteer_id = '" + a +
                  "' AND email = 'new-address@example.org'") == 1);
    // The event names the fields, not the values.
    CHECK(d.count("SELECT COUNT(*) FROM event WHERE data LIKE '%new-address%'") == 0);
    CHECK(d.count("SELECT COUNT(*) FROM event WHERE entity = 'volunteer' AND action = 'updated' "
                  "AND data LIKE '%max_missions_per_week%'") == 1);
}
