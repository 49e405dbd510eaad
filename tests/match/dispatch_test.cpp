// The matching engine against a real database: the index kept in step with writes, plan commit skipping
// conflicts, automatic re-dispatch after a decline, a drop, an expiry or a withdrawal, idle volunteers.

#include "match/batch_plan.hpp"
#include "match/engine.hpp"
#include "match/idle.hpp"
#include "match/index_sync.hpp"
#include "match/match_fixture.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <random>
#include <sstream>

using namespace relais;
using namespace relais::match;
using namespace relais::match_test;

namespace {

/// Every indexed volunteer as text, with codes by name (two indexes intern codes in different orders).
std::string dump(const volunteer_index& index) {
    return index.read([](const index_data& d) {
        std::vector<std::string> lines;
        d.for_each([&](const volunteer_entry& e) {
            std::ostringstream o;
            o << e.id << " hood=" << d.hoods.name(e.neighbourhood) << " loc=" << e.located << ":" << e.lat
              << "," << e.lon << " max=" << int(e.max_per_week) << " last=" << e.last_mission_at
              << " mob=" << e.ever_mobilised << " skills=";
            std::vector<std::string> skills;
            for (unsigned b = 0; b < 64; ++b)
                if (e.skills >> b & 1)
                    skills.push_back(d.categories.name(static_cast<std::uint16_t>(b)));
            std::sort(skills.begin(), skills.end());
            for (const auto& s : skills)
                o << s << ";";
            o << " avail=";
            for (const auto& a : e.availability)
                o << a.start << "-" << a.end << ";";
            o << " lang=";
            for (auto l : e.languages)
                o << d.languages.name(l) << ";";
            o << " missions=";
            for (const auto& m : e.missions)
                o << m.starts_at << "-" << m.ends_at << (m.live ? "L" : "D") << ";";
            lines.push_back(o.str());
        });
        std::sort(lines.begin(), lines.end());
        std::string out;
        for (const auto& l : lines)
            out += l + "\n";
        out += "memberships=" + std::to_string(d.layer_memberships());
        return out;
    });
}

std::string proposed_by(match_db& f, const std::string& mission_id) {
    SQLite::Statement q(f.db, "SELECT proposed_by FROM mission WHERE id = ?");
    q.bind(1, mission_id);
    q.executeStep();
    return q.getColumn(0).getString();
}

}  // namespace

TEST_CASE(
    "catch-up keeps the index in step with every kind of write (random walk, compared to a full reload)") {
    match_db f;
    std::mt19937 rng(42);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    std::vector<std::string> vols, reqs;
    for (int i = 0; i < 12; ++i) {
        volunteer_spec s;
        s.km_north = i * 0.4;
        s.status = i % 4 == 0 ? "registered" : "active";
        if (i % 3 == 0)
            s.skills = {"shopping", "walk"};
        vols.push_back(f.volunteer(s));
    }
    for (int i = 0; i < 6; ++i) {
        request_spec s;
        s.recurrence = i % 3 == 0 ? "weekly" : "once";
        s.until = t0() + 20 * day;
        reqs.push_back(f.request(s));
    }
    engine eng;
    eng.reload(f.db, t0());
    std::vector<std::string> missions;
    int applied = 0;
    for (int step = 0; step < 400; ++step) {
        const auto& v = vols[static_cast<std::size_t>(pick(static_cast<int>(vols.size())))];
        const auto& r = reqs[static_cast<std::size_t>(pick(static_cast<int>(reqs.size())))];
        const std::string m =
            missions.empty() ? ""
                             : missions[static_cast<std::size_t>(pick(static_cast<int>(missions.size())))];
        try {
            f.job([&] {
                switch (pick(11)) {
                    case 0:
                        activate_volunteer(f.db, v, t0(), coordinator());
                        break;
                    case 1:
                        pause_volunteer(f.db, v, t0(), coordinator());
                        break;
                    case 2:
                        resume_volunteer(f.db, v, t0(), coordinator());
                        break;
                    case 3: {
                        volunteer_patch p;
                        if (pick(2))
                            p.location =
                                std::optional<geo>(geo{centre_lat + pick(60) * 0.1 * km_lat, centre_lon});
                        else
                            p.location = std::optional<geo>();
                        p.availability =
                            std::vector<availability_slot>{{pick(7), 8 * 60, 8 * 60 + 60 * (1 + pick(10))}};
                        p.skills = std::vector<std::string>{pick(2) ? "shopping" : "walk"};
                        p.max_missions_per_week = 1 + pick(4);
                        patch_volunteer(f.db, v, p, t0(), coordinator());
                        break;
                    }
                    case 4:
                    case 5:
                    case 6: {
                        const std::int64_t s = t0() + (1 + pick(300)) * hour;
                        missions.push_back(propose_mission(f.db, r, v, s, s + hour, t0(), coordinator()));
                        break;
                    }
                    case 7:
                        accept_mission(f.db, m, t0(), coordinator());
                        break;
                    case 8:
                        decline_mission(f.db, m, "not_available", std::nullopt, t0(), coordinator());
                        break;
                    case 9: {
                        auto rec = load_mission(f.db, m);
                        complete_mission(f.db, m, {60, "good", false, std::nullopt}, rec.starts_at + hour,
                                         coordinator());
                        break;
                    }
                    case 10:
                        if (pick(8) == 0)
                            withdraw_volunteer(f.db, v, "moved", std::nullopt, t0(), coordinator());
                        else
                            drop_mission(f.db, m, "health", std::nullopt, t0(), coordinator());
                        break;
                }
            });
            ++applied;
        } catch (const relais::error&) {
            // Refused moves (illegal transitions, invariants) write nothing.
        }
        if (pick(3) == 0)
            eng.catch_up(f.db, t0());
    }
    // Expiry too.
    f.job([&] { expire_proposals(f.db, t0() + 3 * day); });
    eng.catch_up(f.db, t0());
    CHECK(applied > 100);

    volunteer_index fresh;
    full_load(fresh, f.db, t0());
    CHECK(fresh.size() > 0);
    CHECK(dump(eng.index()) == dump(fresh));
    CHECK(eng.index().applied_seq() == last_event_seq(f.db));
}

TEST_CASE("a rolled-back write never reaches the index") {
    match_db f;
    auto v = f.volunteer();
    engine eng;
    eng.reload(f.db, t0());
    CHECK(eng.index().size() == 1);
    CHECK_THROWS(f.job([&] {
        pause_volunteer(f.db, v, t0(), coordinator());
        throw relais::conflict("changed my mind");
    }));
    eng.catch_up(f.db, t0());
    CHECK(eng.index().size() == 1);
}

TEST_CASE("commit creates the plan's missions in one go and skips, with the reason, what conflicts since") {
    match_db f;
    std::vector<std::string> vols;
    for (int i = 0; i < 3; ++i) {
        volunteer_spec s;
        s.km_north = 0.5 + i;
        s.max_per_week = 1;
        vols.push_back(f.volunteer(s));
    }
    std::vector<std::string> reqs{f.request(), f.request(), f.request()};
    const auto other = f.request();

    engine eng;
    eng.reload(f.db, t0());
    const auto settings = load_settings(f.db);
    std::vector<match_request> mrs;
    for (const auto& r : open_requests(f.db, t0(), 100))
        mrs.push_back(load_match_request(f.db, r));
    REQUIRE(mrs.size() == 4);
    mrs.pop_back();  // plan the first three
    auto plan = build_plan(eng.index(), mrs, settings.match, t0(), 5);
    REQUIRE(plan.assignments.size() == 3);

    // Meanwhile a coordinator gives the second assignment's volunteer another mission at that very time.
    const auto& taken = plan.assignments[1].chosen;
    f.job([&] {
        propose_mission(f.db, other, taken.volunteer_id, taken.starts_at, taken.ends_at, t0(), coordinator());
    });

    std::vector<commit_item> items;
    for (const auto& a : plan.assignments)
        items.push_back(
            {mrs[a.request].request_id, a.chosen.volunteer_id, a.chosen.starts_at, a.chosen.ends_at});
    items.push_back({"req_doesnotexist", vols[0], t0() + 6 * hour, t0() + 7 * hour});
    auto result = f.job([&] { return eng.commit(f.db, items, t0(), coordinator()); });

    CHECK(result.created.size() == 2);
    REQUIRE(result.skipped.size() == 2);
    CHECK(result.skipped[0].index == 1);
    CHECK(result.skipped[0].error == error_kind::conflict);
    CHECK(result.skipped[0].detail.find("overlapping") != std::string::npos);
    CHECK(result.skipped[1].index == 3);
    CHECK(result.skipped[1].error == error_kind::not_found);
    // Created missions are there, proposed by the coordinator; the skipped one wrote nothing.
    for (const auto& c : result.created) {
        REQUIRE(c.mission_id);
        CHECK(load_mission(f.db, *c.mission_id).status == "proposed");
        CHECK(proposed_by(f, *c.mission_id) == "usr_coordinator");
    }
    CHECK(f.missions_of(items[1].request_id, items[1].volunteer_id) == 0);
    CHECK(f.count("SELECT COUNT(*) FROM mission") == 3);
}

TEST_CASE("decline: the next best is proposed automatically, and who declined is never asked again") {
    match_db f;
    f.programme(true);
    const auto a = f.volunteer({.km_north = 0.2});
    const auto b = f.volunteer({.km_north = 1.0});
    const auto c = f.volunteer({.km_north = 2.0});
    const auto r = f.request();
    engine eng;
    eng.reload(f.db, t0());

    auto ranked = rank_candidates(eng.index(), load_match_request(f.db, load_request(f.db, r)),
                                  load_settings(f.db).match, t0(), 10);
    REQUIRE(ranked.size() == 3);
    CHECK(ranked[0].volunteer_id == a);

    auto first = f.job([&] {
        return propose_mission(f.db, r, a, ranked[0].starts_at, ranked[0].ends_at, t0(), coordinator());
    });
    // Declines go through the same write job as the re-dispatch (as the mission routes do).
    auto decline_and_redispatch = [&](const std::string& mission) {
        return f.job([&] {
            decline_mission(f.db, mission, "not_available", std::nullopt, t0(), coordinator());
            return eng.redispatch_after(f.db, mission, t0());
        });
    };
    auto second = decline_and_redispatch(first);
    REQUIRE(second);
    CHECK(load_mission(f.db, *second).volunteer_id == b);
    CHECK(proposed_by(f, *second) == "system");
    CHECK(load_request(f.db, r).redispatch == false);

    eng.catch_up(f.db, t0());
    auto now_ranked = rank_candidates(eng.index(), load_match_request(f.db, load_request(f.db, r)),
                                      load_settings(f.db).match, t0(), 10);
    for (const auto& cand : now_ranked)
        CHECK(cand.volunteer_id != a);

    auto third = decline_and_redispatch(*second);
    REQUIRE(third);
    CHECK(load_mission(f.db, *third).volunteer_id == c);
    auto fourth = decline_and_redispatch(*third);
    CHECK_FALSE(fourth);  // nobody left: the request stays flagged for the coordinator
    CHECK(load_request(f.db, r).redispatch == true);
    CHECK_FALSE(f.live_mission(r));
    CHECK(f.missions_of(r, a) == 1);
    CHECK(f.missions_of(r, b) == 1);
    CHECK(f.missions_of(r, c) == 1);
    // And the invariant holds at the source too.
    CHECK_THROWS_AS(
        f.job([&] { propose_mission(f.db, r, a, t0() + 6 * hour, t0() + 7 * hour, t0(), coordinator()); }),
        relais::error);
}

TEST_CASE("decline without auto-dispatch: the request is only flagged") {
    match_db f;
    f.programme(false);
    const auto a = f.volunteer();
    f.volunteer({.km_north = 1.0});
    const auto r = f.request();
    engine eng;
    eng.reload(f.db, t0());
    auto m = f.job(
        [&] { return propose_mission(f.db, r, a, t0() + 5 * hour, t0() + 6 * hour, t0(), coordinator()); });
    auto next = f.job([&] {
        decline_mission(f.db, m, "too_far", std::nullopt, t0(), coordinator());
        return eng.redispatch_after(f.db, m, t0());
    });
    CHECK_FALSE(next);
    CHECK(load_request(f.db, r).redispatch == true);
    CHECK_FALSE(f.live_mission(r));
}

TEST_CASE(
    "expiry: an unanswered proposal expires and the next candidate is proposed by the maintenance tick") {
    match_db f;
    f.programme(true, 60);
    const auto a = f.volunteer({.km_north = 0.2});
    const auto b = f.volunteer({.km_north = 1.0});
    const auto r = f.request();
    engine eng;
    eng.reload(f.db, t0());
    eng.set_sweep_seq(last_event_seq(f.db));
    auto m = f.job(
        [&] { return propose_mission(f.db, r, a, t0() + 5 * hour, t0() + 6 * hour, t0(), coordinator()); });

    // Before the expiry time nothing happens.
    auto early = f.job([&] { return eng.maintain(f.db, t0() + 30 * 60, eng.sweep_seq()); });
    eng.set_sweep_seq(early.swept_to);
    CHECK(early.expired == 0);
    CHECK(early.proposed == 0);
    CHECK(load_mission(f.db, m).status == "proposed");

    const std::int64_t later = t0() + 61 * 60;
    auto tick = f.job([&] { return eng.maintain(f.db, later, eng.sweep_seq()); });
    eng.set_sweep_seq(tick.swept_to);
    CHECK(tick.expired == 1);
    CHECK(tick.proposed == 1);
    CHECK(load_mission(f.db, m).status == "expired");
    auto live = f.live_mission(r);
    REQUIRE(live);
    CHECK(live->second == b);
    CHECK(proposed_by(f, live->first) == "system");
    CHECK(load_mission(f.db, live->first).expires_at == later + 60 * 60);

    // The next tick has nothing new to do; in particular it does not propose twice.
    auto again = f.job([&] { return eng.maintain(f.db, later + 60, eng.sweep_seq()); });
    CHECK(again.expired == 0);
    CHECK(again.proposed == 0);
    CHECK(f.count("SELECT COUNT(*) FROM mission") == 2);

    // b lets it expire too; a is not asked again (expired counts as a decline): nobody left.
    auto last = f.job([&] { return eng.maintain(f.db, later + 2 * hour, again.swept_to); });
    CHECK(last.expired == 1);
    CHECK(last.proposed == 0);
    CHECK(f.missions_of(r, a) == 1);
    CHECK(load_request(f.db, r).redispatch == true);
}

TEST_CASE("drop of a weekly support's visit: the stand-in is proposed that visit's slot") {
    match_db f;
    f.programme(true);
    const auto a = f.volunteer({.km_north = 0.2});
    const auto b = f.volunteer({.km_north = 3.0});
    const auto other = f.volunteer({.km_north = 0.1});  // closer, but the support goes to its people only
    const auto r = f.request({.recurrence = "weekly", .until = t0() + 9 * hour});
    engine eng;
    eng.reload(f.db, t0());
    const std::int64_t visit = t0() + 7 * day + 5 * hour;  // next Monday's visit
    std::string m;
    f.job([&] {
        auto first = propose_mission(f.db, r, a, t0() + 5 * hour, t0() + 6 * hour, t0(), coordinator());
        accept_mission(f.db, first, t0(), coordinator());
        auto s = active_support(f.db, r);
        REQUIRE(s);
        set_standin(f.db, s->id, b, t0(), coordinator());
        m = propose_mission(f.db, r, a, visit, visit + hour, t0(), coordinator());
        accept_mission(f.db, m, t0(), coordinator());
    });
    auto next = f.job([&] {
        drop_mission(f.db, m, "health", std::nullopt, t0() + hour, coordinator());
        return eng.redispatch_after(f.db, m, t0() + hour);
    });
    REQUIRE(next);
    auto nm = load_mission(f.db, *next);
    CHECK(nm.volunteer_id == b);
    CHECK(nm.starts_at == visit);
    CHECK(nm.support_id.has_value());
    CHECK(f.missions_of(r, other) == 0);
}

TEST_CASE("withdrawal: released missions are re-dispatched by the maintenance sweep") {
    match_db f;
    f.programme(true);
    const auto a = f.volunteer({.km_north = 0.2});
    const auto b = f.volunteer({.km_north = 1.0});
    const auto r = f.request();
    engine eng;
    eng.reload(f.db, t0());
    eng.set_sweep_seq(last_event_seq(f.db));
    f.job([&] {
        auto m = propose_mission(f.db, r, a, t0() + 5 * hour, t0() + 6 * hour, t0(), coordinator());
        accept_mission(f.db, m, t0(), coordinator());
    });
    f.job([&] { withdraw_volunteer(f.db, a, "moved", std::nullopt, t0() + hour, coordinator()); });
    auto tick = f.job([&] { return eng.maintain(f.db, t0() + hour, eng.sweep_seq()); });
    CHECK(tick.proposed == 1);
    auto live = f.live_mission(r);
    REQUIRE(live);
    CHECK(live->second == b);
}

TEST_CASE("idle volunteers: never mobilised first, then the longest idle; busy and inactive ones left out") {
    match_db f;
    const auto never = f.volunteer();
    const auto six_weeks = f.volunteer();
    const auto last_week = f.volunteer();
    f.volunteer({.status = "paused"});
    const auto r = f.request({.until = t0() + 30 * day});
    auto done_at = [&](const std::string& v, std::int64_t when) {
        f.job([&] {
            auto m = propose_mission(f.db, r, v, when, when + hour, when - day, coordinator());
            accept_mission(f.db, m, when - day, coordinator());
            complete_mission(f.db, m, {60, "good", false, std::nullopt}, when + 2 * hour, coordinator());
        });
    };
    // The request is weekly-less (once): complete closes it, so use one request per mission.
    done_at(six_weeks, t0() - 42 * day);
    const auto r2 = f.request({.until = t0() + 30 * day});
    f.job([&] {
        const std::int64_t when = t0() - 7 * day;
        auto m = propose_mission(f.db, r2, last_week, when, when + hour, when - day, coordinator());
        accept_mission(f.db, m, when - day, coordinator());
        complete_mission(f.db, m, {60, "good", false, std::nullopt}, when + 2 * hour, coordinator());
    });

    std::optional<idle_cursor> next;
    auto list = idle_volunteers(f.db, t0(), 4, {}, 50, next);
    REQUIRE(list.size() == 2);
    CHECK(list[0].id == never);
    CHECK(list[0].never_mobilised);
    CHECK_FALSE(list[0].last_mission_at);
    CHECK(list[1].id == six_weeks);
    CHECK_FALSE(list[1].never_mobilised);
    CHECK(list[1].last_mission_at == t0() - 42 * day);
    CHECK_FALSE(next);
    // Over 8 weeks nobody but the never-mobilised.
    CHECK(idle_volunteers(f.db, t0(), 8, {}, 50, next).size() == 1);
    // Paging.
    auto page1 = idle_volunteers(f.db, t0(), 4, {}, 1, next);
    REQUIRE(next);
    auto page2 = idle_volunteers(f.db, t0(), 4, *next, 1, next);
    CHECK(page1[0].id == never);
    REQUIRE(page2.size() == 1);
    CHECK(page2[0].id == six_weeks);
    CHECK_FALSE(next);
}

TEST_CASE(
    "auto-dispatch of new requests: the tick proposes the best candidate once; off, it proposes nothing") {
    match_db f;
    f.programme(false);
    const auto best = f.volunteer({.km_north = 0.2});
    f.volunteer({.km_north = 2.0});
    engine eng;
    eng.reload(f.db, t0());
    eng.set_sweep_seq(last_event_seq(f.db));
    const auto off = f.request();
    auto tick = f.job([&] { return eng.maintain(f.db, t0(), eng.sweep_seq()); });
    eng.set_sweep_seq(tick.swept_to);
    CHECK(tick.proposed == 0);
    CHECK_FALSE(f.live_mission(off));

    f.programme(true);
    const auto on = f.request();
    const auto handled = f.request();
    f.job(
        [&] { propose_mission(f.db, handled, best, t0() + 5 * hour, t0() + 6 * hour, t0(), coordinator()); });
    tick = f.job([&] { return eng.maintain(f.db, t0(), eng.sweep_seq()); });
    eng.set_sweep_seq(tick.swept_to);
    CHECK(tick.proposed == 1);  // `handled` already had its proposal; `off` was created before auto-dispatch
    auto live = f.live_mission(on);
    REQUIRE(live);
    CHECK(live->second == best);  // busy 14:00-15:00 local with `handled`: the next hour is suggested
    CHECK(load_mission(f.db, live->first).starts_at == t0() + 6 * hour);
    CHECK(proposed_by(f, live->first) == "system");
    CHECK_FALSE(f.live_mission(off));
    tick = f.job([&] { return eng.maintain(f.db, t0() + 60, eng.sweep_seq()); });
    CHECK(tick.proposed == 0);
}

namespace {

/// SQLite virtual-machine instructions `f` runs on `db` (a progress handler called at each one).
template <class F>
long instructions(SQLite::Database& db, F&& f) {
    long n = 0;
    sqlite3_progress_handler(
        db.getHandle(), 1, [](void* c) { return ++*static_cast<long*>(c), 0; }, &n);
    f();
    sqlite3_progress_handler(db.getHandle(), 0, nullptr, nullptr);
    return n;
}

/// The work of one maintenance run that proposes one new request, after `old_events` "created" events of
/// earlier requests in the log (the log of a city after months).
long maintenance_work(int old_events) {
    match_db f;
    f.programme(true);
    f.volunteer({.km_north = 0.2});
    f.db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
              std::to_string(old_events) +
              ") INSERT INTO event(at, actor, entity, entity_id, action) "
              "SELECT 1, 'system', 'request', 'req_old' || i, 'created' FROM n");
    engine eng;
    eng.reload(f.db, t0());
    eng.set_sweep_seq(last_event_seq(f.db));
    const auto r = f.request();
    maintenance_result tick;
    const long n =
        instructions(f.db, [&] { tick = f.job([&] { return eng.maintain(f.db, t0(), eng.sweep_seq()); }); });
    CHECK(tick.proposed == 1);
    CHECK(f.live_mission(r));
    return n;
}

}  // namespace

TEST_CASE("a maintenance run reads the log since the last run only, however long the log already is") {
    // Nudged by every new request, it ran in the writer over every "created" event ever written (SQLite chose
    // the action's index): its cost grew with the log, half the writer's time after a minute of requests.
    const long fresh = maintenance_work(0);
    const long long_log = maintenance_work(20000);
    INFO("instructions: ", fresh, " with an empty log, ", long_log, " after 20,000 events");
    CHECK(long_log < fresh + fresh / 5 + 200);
}

TEST_CASE("the index's catch-up reads the log since its last one only, however long the log already is") {
    auto work = [](int old_events) {
        match_db f;
        const auto v = f.volunteer({.km_north = 0.2});
        f.db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                  std::to_string(old_events) +
                  ") INSERT INTO event(at, actor, entity, entity_id, action) SELECT 1, 'system', "
                  "CASE i % 3 WHEN 0 THEN 'volunteer' WHEN 1 THEN 'mission' ELSE 'category' END, "
                  "'old' || i, 'updated' FROM n");
        engine eng;
        eng.reload(f.db, t0());
        f.job([&] { pause_volunteer(f.db, v, t0(), coordinator()); });
        std::size_t reread = 0;
        const long n = instructions(f.db, [&] { reread = eng.catch_up(f.db, t0()); });
        CHECK(reread == 1);  // the change is seen: the paused volunteer, re-read
        return n;
    };
    const long fresh = work(0);
    const long long_log = work(20000);
    INFO("instructions: ", fresh, " with an empty log, ", long_log, " after 20,000 events");
    CHECK(long_log < fresh + fresh / 5 + 200);
}
