// Exact figures on a hand-built season: every number below is worked out by hand from the story, then checked
// against the fast computation (counters) and the reference computation (from the event log).

#include "stats/report.hpp"
#include "stats/stats_fixture.hpp"

#include <boost/json.hpp>

using namespace relais;
using namespace relais::stats_test;
using stats::period;

namespace {

/// The story (all times UTC; Monday 2 March 2026 is the first day of the programme):
/// - volunteers A, B, C, D register on Monday 2 March; A and C are validated; B withdraws before validation
///   (no_news). On Wednesday 4 March C withdraws (moved) and registers again with the same email (C2, another
///   neighbourhood), validated at once; D is never validated.
/// - R1 (resident P1, maurepas, web, shopping, one-off): proposed to A, accepted, done on Wednesday 4 March.
/// - R2 (resident P2, le-blosne, phone, medicines): cancelled with its tracking code before any mission.
/// - R3 (resident P1 again, phone, friendly_call, weekly): A accepts week 1 (support S3), C2 is named stand-in,
///   week 1 done with a welfare concern; the week-2 mission proposed automatically to A is declined; the stand-in
///   C2 does week 2.
/// - R4 (resident P3, centre, web, walk, one-off): A declines, C2 accepts (support S4) then drops (health): the
///   request is open again.
/// - R3 week 2 done on Friday 13 March: week 3 cannot be proposed automatically to A (who declined R3 before),
///   so the request is flagged for the coordinator: a re-dispatch.
struct story {
    season_db s;
    std::string a, b, c, c2, d, r1, r2, r3, r4, p1;

    story() {
        a = s.volunteer("a@example.org", "centre", at("2026-03-02T09:00:00Z"));
        b = s.volunteer("b@example.org", "maurepas", at("2026-03-02T09:10:00Z"));
        c = s.volunteer("c@example.org", "centre", at("2026-03-02T09:20:00Z"));
        d = s.volunteer("d@example.org", "thabor", at("2026-03-02T09:30:00Z"));
        activate_volunteer(s.db, a, at("2026-03-02T10:00:00Z"), coordinator());
        activate_volunteer(s.db, c, at("2026-03-02T10:05:00Z"), coordinator());
        withdraw_volunteer(s.db, b, "no_news", std::nullopt, at("2026-03-02T11:00:00Z"), coordinator());

        auto cr1 = s.request("shopping", "web", "once", at("2026-03-03T09:00:00Z"), "maurepas");
        r1 = cr1.id;
        p1 = cr1.resident_id;
        auto cr2 = s.request("medicines", "phone", "once", at("2026-03-03T09:00:00Z"), "le-blosne");
        r2 = cr2.id;
        const auto m1 = s.propose(r1, a, at("2026-03-04T10:00:00Z"), at("2026-03-03T10:00:00Z"));
        accept_mission(s.db, m1, at("2026-03-03T10:30:00Z"), coordinator());
        cancel_by_tracking(s.db, tracking_hash(*normalize_tracking_code(cr2.tracking_code)),
                           at("2026-03-03T12:00:00Z"));

        s.complete(m1, at("2026-03-04T11:30:00Z"));
        withdraw_volunteer(s.db, c, "moved", std::nullopt, at("2026-03-04T14:00:00Z"), coordinator());
        c2 = s.volunteer("c@example.org", "sud-gare", at("2026-03-04T15:00:00Z"));
        activate_volunteer(s.db, c2, at("2026-03-04T15:10:00Z"), coordinator());

        r3 = s.request("friendly_call", "phone", "weekly", at("2026-03-05T09:00:00Z"), "", p1).id;
        const auto w1 = s.propose(r3, a, at("2026-03-06T14:00:00Z"), at("2026-03-05T09:30:00Z"));
        accept_mission(s.db, w1, at("2026-03-05T09:45:00Z"), coordinator());
        set_standin(s.db, s.support_of(r3), c2, at("2026-03-05T10:00:00Z"), coordinator());
        r4 = s.request("walk", "web", "once", at("2026-03-05T12:00:00Z"), "centre").id;
        const auto m4a = s.propose(r4, a, at("2026-03-07T10:00:00Z"), at("2026-03-05T12:30:00Z"));
        decline_mission(s.db, m4a, "not_available", std::nullopt, at("2026-03-05T13:00:00Z"), coordinator());
        const auto m4b = s.propose(r4, c2, at("2026-03-07T10:00:00Z"), at("2026-03-05T13:30:00Z"));
        accept_mission(s.db, m4b, at("2026-03-05T14:00:00Z"), coordinator());

        s.complete(w1, at("2026-03-06T15:30:00Z"), true);
        drop_mission(s.db, m4b, "health", std::nullopt, at("2026-03-06T16:00:00Z"), coordinator());

        const auto w2a = s.proposed_of(r3);
        REQUIRE_FALSE(w2a.empty());
        decline_mission(s.db, w2a, "not_available", std::nullopt, at("2026-03-10T09:00:00Z"), coordinator());
        const auto w2b = s.propose(r3, c2, at("2026-03-13T14:00:00Z"), at("2026-03-10T09:30:00Z"));
        accept_mission(s.db, w2b, at("2026-03-10T10:00:00Z"), coordinator());
        s.complete(w2b, at("2026-03-13T15:30:00Z"));
        // Week 3 is not proposed automatically: the support's volunteer A declined this request before. The
        // domain flags the request for the coordinator and logs it: a counted re-dispatch (reason no_candidate).
        REQUIRE(s.proposed_of(r3).empty());
    }
};

}  // namespace

TEST_CASE("summary of a hand-built season: every figure as worked out by hand") {
    story st;
    st.s.city = domain::city_time("UTC");  // the weeks worked out by hand are UTC's
    const period p{at("2026-03-01T00:00:00Z"), at("2026-03-16T00:00:00Z")};
    const auto s = st.s.fast(p);

    CHECK(s.volunteers_registered == 4);  // A, B, C (C2 is C again), D
    CHECK(s.volunteer_registrations == 5);
    CHECK(s.volunteers_active == 2);  // A, and C through C2
    CHECK(s.volunteers_awaiting_validation == 1);  // D
    CHECK(s.volunteers_withdrawn == 1);            // B
    CHECK(s.volunteers_mobilised == 2);            // A (R1, R3 week 1), C (R3 week 2 as C2)
    CHECK(s.missions_done == 3);
    CHECK(s.residents_requesting == 3);  // P1 (twice), P2, P3
    CHECK(s.residents_helped == 1);      // P1
    CHECK(s.supports == 3);              // R1, R3 (one for every week, stand-in included), R4 (dropped)
    CHECK(s.requests == 4);
    CHECK(s.outcomes == stats::request_outcomes{2, 0, 1, 0, 1});
    CHECK(s.unfulfilled_requests == 1);  // R4, open again
    CHECK(s.redispatches == 4);          // R4 declined, R4 dropped, R3 week 2 declined, R3 week 3 not proposed
    CHECK(s.welfare_concerns == 1);

    CHECK(s.by_category.at("shopping") == stats::breakdown_row{1, 1, 1, 0});
    CHECK(s.by_category.at("medicines") == stats::breakdown_row{1, 0, 0, 0});
    CHECK(s.by_category.at("friendly_call") == stats::breakdown_row{1, 2, 1, 0});
    CHECK(s.by_category.at("walk") == stats::breakdown_row{1, 0, 1, 0});
    CHECK(s.by_category.size() == 4);
    CHECK(s.by_neighbourhood.at("maurepas") == stats::breakdown_row{2, 3, 2, 1});  // B registered there
    CHECK(s.by_neighbourhood.at("le-blosne") == stats::breakdown_row{1, 0, 0, 0});
    CHECK(s.by_neighbourhood.at("centre") == stats::breakdown_row{1, 0, 1, 2});    // A and C registered there
    CHECK(s.by_neighbourhood.at("thabor") == stats::breakdown_row{0, 0, 0, 1});
    CHECK(s.by_neighbourhood.count("sud-gare") == 0);  // C2 is not a new person
    CHECK(s.by_channel.at("web") == stats::breakdown_row{2, 1, 2, 0});
    CHECK(s.by_channel.at("phone") == stats::breakdown_row{2, 2, 1, 0});
    CHECK(s.by_channel.count("partner") == 0);

    REQUIRE(s.weekly.size() == 3);  // Sunday 1 March is in the week of Monday 23 February
    CHECK(s.weekly[0] == stats::week_row{at("2026-02-23T00:00:00Z"), 0, 0, 0, 0});
    CHECK(s.weekly[1] == stats::week_row{at("2026-03-02T00:00:00Z"), 4, 2, 2, 1});
    CHECK(s.weekly[2] == stats::week_row{at("2026-03-09T00:00:00Z"), 0, 1, 2, 1});

    CHECK(s.setbacks.size() == 2);
    CHECK(s.setbacks.at({"declined", "not_available"}) == 2);
    CHECK(s.setbacks.at({"dropped", "health"}) == 1);
    CHECK(s.withdrawals.size() == 2);
    CHECK(s.withdrawals.at("no_news") == stats::withdrawal_row{1, 0});
    CHECK(s.withdrawals.at("moved") == stats::withdrawal_row{1, 1});

    // Delays from creation: proposals 1h, 30min, 30min; acceptances 1h30, 45min, 2h; done 26h30, 30h30.
    CHECK(s.delays[0] == stats::delay_row{3, 1800, 3600});
    CHECK(s.delays[1] == stats::delay_row{3, 5400, 7200});
    CHECK(s.delays[2] == stats::delay_row{2, 95400, 109800});
    // Nobody was validated 4 weeks before until.
    CHECK(s.retention[0] == stats::retention_row{4, 0, 0});
    CHECK(s.retention[1] == stats::retention_row{8, 0, 0});

    CHECK(s == st.s.oracle(p));

    // In Paris the same instants run from Sunday 1 March, 01:00 to Monday 16 March, 01:00: the weeks start an
    // hour earlier and a fourth one, an hour long, holds the end; the period's own figures stay the same.
    st.s.city = domain::city_time("Europe/Paris");
    auto paris = st.s.fast(p);
    REQUIRE(paris.weekly.size() == 4);
    CHECK(paris.weekly[0].starts == at("2026-02-22T23:00:00Z"));
    CHECK(paris.weekly[1].starts == at("2026-03-01T23:00:00Z"));
    CHECK(paris.weekly[3].starts == at("2026-03-15T23:00:00Z"));
    std::int64_t requests = 0, done = 0;
    for (const auto& w : paris.weekly) {
        requests += w.requests;
        done += w.missions_done;
    }
    CHECK(requests == s.requests);
    CHECK(done == s.missions_done);
    CHECK(paris == st.s.oracle(p));
    paris.weekly = s.weekly;
    CHECK(paris == s);
}

TEST_CASE("summary of the hand-built season over other periods") {
    story st;
    SUBCASE("retention: A and C2 still enrolled 4 weeks after their validation, C withdrawn") {
        const period p{at("2026-03-01T00:00:00Z"), at("2026-04-15T00:00:00Z")};
        const auto s = st.s.fast(p);
        CHECK(s.retention[0] == stats::retention_row{4, 3, 2});
        CHECK(s.retention[1] == stats::retention_row{8, 0, 0});
        CHECK(s == st.s.oracle(p));
    }
    SUBCASE("a period starting after the registrations: nobody registered, but volunteers still mobilised") {
        const period p{at("2026-03-05T00:00:00Z"), at("2026-03-16T00:00:00Z")};
        const auto s = st.s.fast(p);
        CHECK(s.volunteers_registered == 0);
        CHECK(s.volunteers_active == 0);
        CHECK(s.volunteers_mobilised == 2);
        CHECK(s.missions_done == 2);
        CHECK(s.requests == 2);
        CHECK(s.residents_requesting == 2);
        CHECK(s.withdrawals.empty());
        CHECK(s == st.s.oracle(p));
    }
    SUBCASE("date-time bounds inside days: an event exactly at `from` counts, one exactly at `until` does not") {
        // R1's mission was done at 11:30 on 4 March, R3 week 1 at 15:30 on 6 March.
        const period p{at("2026-03-04T11:30:00Z"), at("2026-03-06T15:30:00Z")};
        const auto s = st.s.fast(p);
        CHECK(s.missions_done == 1);
        CHECK(s.volunteers_mobilised == 1);
        CHECK(s.residents_helped == 1);
        CHECK(s.volunteer_registrations == 1);  // C2
        CHECK(s.volunteers_registered == 0);    // ... who is not a new person
        CHECK(s.requests == 2);                 // R3, R4
        CHECK(s.outcomes.open == 2);            // R3's first mission is done exactly at until: not yet
        CHECK(s.delays[2].requests == 0);
        CHECK(s == st.s.oracle(p));
    }
    SUBCASE("a period inside one day") {
        const period p{at("2026-03-05T09:15:00Z"), at("2026-03-05T13:15:00Z")};
        const auto s = st.s.fast(p);
        CHECK(s.requests == 1);   // R4 (R3 was created at 09:00)
        CHECK(s.supports == 1);   // R3's, at 09:45
        CHECK(s.redispatches == 1);
        CHECK(s.setbacks.at({"declined", "not_available"}) == 1);
        REQUIRE(s.weekly.size() == 1);
        CHECK(s.weekly[0].volunteers_active == 2);
        CHECK(s == st.s.oracle(p));
    }
}

TEST_CASE("a weekly visit that cannot be proposed automatically is a logged, counted re-dispatch") {
    story st;
    // The week-3 proposal failed when week 2 was reported done, at 15:30 on 13 March.
    const auto r3 = load_request(st.s.db, st.r3);
    CHECK(r3.redispatch);
    CHECK(r3.redispatch_count == 2);  // week 2 declined, week 3 not proposed
    SQLite::Statement q(st.s.db,
                        "SELECT at, reason, actor FROM event WHERE entity = 'request' AND entity_id = ? "
                        "AND action = 'redispatch_flagged' ORDER BY seq");
    q.bind(1, st.r3);
    std::vector<std::string> flags;
    while (q.executeStep())
        flags.push_back(format_iso8601(q.getColumn(0).getInt64()) + " " + q.getColumn(1).getString() + " " +
                        q.getColumn(2).getString());
    CHECK(flags == std::vector<std::string>{"2026-03-10T09:00:00Z declined usr_coordinator",
                                            "2026-03-13T15:30:00Z no_candidate system"});

    // Counted in its minute, in its day, and in a period of whole days, by both computations.
    for (const period p : {period{at("2026-03-13T15:30:00Z"), at("2026-03-13T15:31:00Z")},
                           period{at("2026-03-13T00:00:00Z"), at("2026-03-14T00:00:00Z")},
                           period{at("2026-03-11T00:00:00Z"), at("2026-03-16T00:00:00Z")}}) {
        const auto s = st.s.fast(p);
        CHECK(s.redispatches == 1);
        CHECK(s.setbacks.empty());  // not a setback: no mission was declined, expired, dropped or missed
        CHECK(s == st.s.oracle(p));
    }
    // A period ending just before it does not count it.
    const period before{at("2026-03-13T15:00:00Z"), at("2026-03-13T15:30:00Z")};
    CHECK(st.s.fast(before).redispatches == 0);
    CHECK(st.s.fast(before) == st.s.oracle(before));
}

TEST_CASE("the summary as JSON reads back to the same summary, with labels and zero rows") {
    story st;
    const period p{at("2026-03-01T00:00:00Z"), at("2026-03-16T00:00:00Z")};
    const auto s = st.s.fast(p);
    const auto body = stats::summary_json(s, stats::load_reference(st.s.db), st.s.city);
    CHECK(stats::summary_from_json(body, st.s.city) == s);
    const auto& o = body.as_object();
    CHECK(o.at("period").at("from") == "2026-03-01T00:00:00Z");
    CHECK(o.at("figures").at("volunteers_registered") == 4);
    CHECK(o.at("by_category").as_array().size() == 11);  // every category, zeros included
    CHECK(o.at("by_category").as_array()[0].at("category") == "shopping");
    CHECK(o.at("by_category").as_array()[0].at("label_fr") == "Courses");
    CHECK(o.at("by_neighbourhood").as_array().size() == 12);
    CHECK(o.at("by_channel").as_array().size() == 3);
    CHECK(o.at("withdrawals").as_array().size() == domain::withdrawal_reasons.size());
    CHECK(o.at("weekly").as_array()[1].at("week") == "2026-W10");
    CHECK(o.at("delays").as_array()[2].at("median_seconds") == 95400);
    CHECK(o.at("retention").as_array()[0].at("rate").is_null());
}

TEST_CASE("the statistics tables rebuilt from the log equal the ones kept write by write") {
    story st;
    const auto kept = st.s.stat_tables();
    CHECK(stats::in_sync(st.s.db));
    stats::rebuild(st.s.db);
    CHECK(stats::in_sync(st.s.db));
    CHECK(st.s.stat_tables() == kept);
}

TEST_CASE("a refused operation leaves the statistics untouched") {
    story st;
    const auto before = st.s.stat_tables();
    // Proposing to the withdrawn C fails inside the domain after reading; the savepoint is rolled back.
    CHECK_FALSE(st.s.job([&] { st.s.propose(st.r4, st.c, at("2026-03-20T10:00:00Z"), at("2026-03-16T09:00:00Z")); }));
    CHECK_FALSE(st.s.job([&] {
        // Writes (events, statistics), then fails: all of it is undone.
        st.s.request("walk", "web", "once", at("2026-03-16T09:00:00Z"), "centre");
        throw relais::error(relais::error_kind::conflict, "refused after writing");
    }));
    CHECK(st.s.stat_tables() == before);
}

TEST_CASE("week labels follow ISO 8601") {
    const domain::city_time utc("UTC"), paris("Europe/Paris");
    CHECK(stats::iso_week_label(at("2026-03-02T00:00:00Z"), utc) == "2026-W10");
    CHECK(stats::iso_week_label(at("2025-12-29T00:00:00Z"), utc) == "2026-W01");  // Thursday 1 January 2026
    CHECK(stats::iso_week_label(at("2027-01-04T00:00:00Z"), utc) == "2027-W01");
    CHECK(stats::iso_week_label(at("2026-12-28T00:00:00Z"), utc) == "2026-W53");
    CHECK(stats::monday_of(at("2026-03-08T23:59:59Z")) == at("2026-03-02T00:00:00Z"));
    CHECK(stats::monday_of(at("2026-03-09T00:00:00Z")) == at("2026-03-09T00:00:00Z"));
    // In Paris the week of Monday 4 January 2027 starts on Sunday at 23:00 UTC, still in 2026 there.
    CHECK(stats::iso_week_label(at("2027-01-03T23:00:00Z"), paris) == "2027-W01");
    CHECK(stats::date_label(at("2027-01-03T23:00:00Z"), paris) == "2027-01-04");
}

TEST_CASE("weeks run from Monday 00:00 to Monday 00:00 in the city, across a change of time") {
    const domain::city_time paris("Europe/Paris");
    CHECK(stats::monday_of(at("2026-03-08T22:59:59Z"), paris) == at("2026-03-01T23:00:00Z"));
    CHECK(stats::monday_of(at("2026-03-08T23:00:00Z"), paris) == at("2026-03-08T23:00:00Z"));
    // The clocks go forward on Sunday 29 March 2026: that week has 167 hours, the next one starts at 22:00
    // UTC.
    const auto weeks = stats::weeks_of({at("2026-03-23T00:00:00Z"), at("2026-04-07T00:00:00Z")}, paris);
    REQUIRE(weeks.size() == 3);
    CHECK(weeks[0] ==
          std::pair{at("2026-03-23T00:00:00Z"), at("2026-03-29T22:00:00Z")});  // cut to the period
    CHECK(weeks[1] == std::pair{at("2026-03-29T22:00:00Z"), at("2026-04-05T22:00:00Z")});
    CHECK(weeks[2] == std::pair{at("2026-04-05T22:00:00Z"), at("2026-04-07T00:00:00Z")});
    CHECK(stats::monday_of(at("2026-03-29T21:59:59Z"), paris) == at("2026-03-22T23:00:00Z"));
    CHECK(stats::monday_of(at("2026-03-29T22:00:00Z"), paris) == at("2026-03-29T22:00:00Z"));
}

TEST_CASE("nearest-rank quantiles") {
    std::vector<std::int64_t> v{5, 1, 4, 2, 3};
    CHECK(stats::nearest_rank(v, 50) == 3);
    CHECK(stats::nearest_rank(v, 90) == 5);
    std::vector<std::int64_t> two{10, 20};
    CHECK(stats::nearest_rank(two, 50) == 10);
    CHECK(stats::nearest_rank(two, 90) == 20);
    std::vector<std::int64_t> none;
    CHECK_FALSE(stats::nearest_rank(none, 50).has_value());
}
