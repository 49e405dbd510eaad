// The fast summary (daily counters, chained occurrences, partial days from the log) equals the reference
// computation from the whole event log, on random seasons written through the domain functions and over
// random periods: whole days, date-times inside days, periods inside one day, bounds exactly on events,
// Mondays; weeks in the city's calendar (Paris, Toronto, Kolkata, UTC), changes of time included.

#include "stats/report.hpp"
#include "stats/stats_fixture.hpp"

#include <boost/json.hpp>

#include <optional>
#include <random>

using namespace relais;
using namespace relais::stats_test;
using stats::period;

namespace {

const char* const neighbourhoods[] = {"centre", "maurepas", "le-blosne", "villejean", "thabor"};
const char* const categories[] = {"shopping", "medicines", "friendly_call", "walk", "admin"};
const char* const channels[] = {"web", "phone", "partner"};

/// A random season of `days` days from Monday 2 March 2026: a few dozen operations a day at random times of
/// the day (not in time order, as concurrent writes may commit), each refused one rolled back.
struct random_season {
    season_db s;
    std::mt19937_64 rng;
    std::int64_t start = at("2026-03-02T00:00:00Z");
    int days;
    int emails = 0;

    /// `batched`: the statistics' counts added up in a stats::batch, settled after each job, written last.
    random_season(std::uint64_t seed, int days, bool batched = false) : rng(seed), days(days) {
        std::optional<stats::batch> counts;
        std::optional<stats::batch::scope> use;
        if (batched) {
            counts.emplace(s.db);
            use.emplace(*counts);
        }
        for (int d = 0; d < days; ++d)
            for (int i = 0, n = pick(10, 30); i < n; ++i) {
                s.job([&] { step(start + d * stats::day_s + pick(0, stats::day_s - 1)); });
                if (counts)
                    counts->settle();
            }
        if (counts)
            counts->flush();
    }

    std::int64_t pick(std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); }
    template <class T, std::size_t N>
    const T& one_of(const T (&a)[N]) { return a[static_cast<std::size_t>(pick(0, N - 1))]; }

    /// A random id among `sql`'s rows ("" if none).
    std::string any(const std::string& sql) {
        std::vector<std::string> ids;
        SQLite::Statement q(s.db, sql);
        while (q.executeStep())
            ids.push_back(q.getColumn(0).getString());
        return ids.empty() ? std::string() : ids[static_cast<std::size_t>(pick(0, static_cast<std::int64_t>(ids.size()) - 1))];
    }

    void step(std::int64_t now) {
        const auto who = coordinator();
        // Weights: each draw leads to one case below (proposals, acceptances and completions most often).
        static constexpr int kinds[28] = {0, 0, 0, 2, 3, 3, 5, 6, 7, 7, 7, 9, 9, 9, 9, 9,
                                          11, 11, 11, 11, 12, 13, 13, 13, 13, 15, 16, 17};
        switch (kinds[pick(0, 27)]) {
            case 0:
            case 1:
                s.volunteer("v" + std::to_string(++emails) + "@example.org", one_of(neighbourhoods), now, static_cast<int>(pick(1, 6)));
                break;
            case 2: {  // someone who withdrew registers again with the same email
                auto email = any("SELECT email FROM volunteer v WHERE status = 'withdrawn' AND NOT EXISTS (SELECT 1 FROM "
                                 "volunteer w WHERE w.email = v.email AND w.status <> 'withdrawn') ORDER BY seq");
                if (!email.empty())
                    s.volunteer(email, one_of(neighbourhoods), now);
                break;
            }
            case 3:
            case 4:
                if (auto v = any("SELECT id FROM volunteer WHERE status = 'registered' ORDER BY seq"); !v.empty())
                    activate_volunteer(s.db, v, now, who);
                break;
            case 5:
                if (auto v = any("SELECT id FROM volunteer WHERE status <> 'withdrawn' ORDER BY seq"); !v.empty())
                    withdraw_volunteer(s.db, v, withdrawal_reasons[static_cast<std::size_t>(pick(0, 6))], std::nullopt, now, who);
                break;
            case 6:
                if (auto v = any("SELECT id FROM volunteer WHERE status IN ('active','paused') ORDER BY seq"); !v.empty()) {
                    if (load_volunteer(s.db, v).status == "active")
                        pause_volunteer(s.db, v, now, who);
                    else
                        resume_volunteer(s.db, v, now, who);
                }
                break;
            case 7:
            case 8: {
                auto resident = pick(0, 2) == 0 ? any("SELECT id FROM resident ORDER BY seq") : std::string();
                s.request(one_of(categories), one_of(channels), pick(0, 2) == 0 ? "weekly" : "once", now,
                          one_of(neighbourhoods),
                          resident.empty() ? std::nullopt : std::optional<std::string>(resident));
                break;
            }
            case 9:
            case 10: {
                auto r = any("SELECT id FROM request WHERE status <> 'closed' ORDER BY seq");
                auto v = any("SELECT id FROM volunteer WHERE status = 'active' ORDER BY seq");
                if (!r.empty() && !v.empty())
                    s.propose(r, v, (now / 3600 + pick(-20, 60)) * 3600, now);
                break;
            }
            case 11:
                if (auto m = any("SELECT id FROM mission WHERE status = 'proposed' ORDER BY seq"); !m.empty())
                    accept_mission(s.db, m, now, who);
                break;
            case 12:
                if (auto m = any("SELECT id FROM mission WHERE status = 'proposed' ORDER BY seq"); !m.empty())
                    decline_mission(s.db, m, decline_reasons[static_cast<std::size_t>(pick(0, 3))], std::nullopt, now, who);
                break;
            case 13:
            case 14:
                if (auto m = any("SELECT id FROM mission WHERE status = 'accepted' AND starts_at <= " +
                                 std::to_string(now) + " ORDER BY seq");
                    !m.empty())
                    complete_mission(s.db, m, mission_report{45, "good", pick(0, 5) == 0, std::nullopt}, now, who);
                break;
            case 15:
                if (auto m = any("SELECT id FROM mission WHERE status = 'accepted' ORDER BY seq"); !m.empty()) {
                    if (pick(0, 1))
                        drop_mission(s.db, m, drop_reasons[static_cast<std::size_t>(pick(0, 3))], std::nullopt, now, who);
                    else
                        mark_missed(s.db, m, std::nullopt, now, who);
                }
                break;
            case 16:
                if (auto r = any("SELECT id FROM request WHERE status <> 'closed' ORDER BY seq"); !r.empty())
                    close_request(s.db, r, close_outcomes[static_cast<std::size_t>(pick(0, 2))], std::nullopt, now, who);
                break;
            case 17: {
                auto sup = any("SELECT id FROM support WHERE status = 'active' ORDER BY seq");
                auto v = any("SELECT id FROM volunteer WHERE status = 'active' ORDER BY seq");
                if (!sup.empty() && !v.empty())
                    set_standin(s.db, sup, v, now, who);
                expire_proposals(s.db, now);
                break;
            }
        }
    }

    /// Interesting bounds: day starts, random seconds, the exact times of events, beyond both ends, Mondays
    /// (UTC and the city's).
    std::int64_t bound() {
        switch (pick(0, 4)) {
            case 0: return start + pick(-2, days + 2) * stats::day_s;
            case 1: return start + pick(-stats::day_s, (days + 1) * stats::day_s);
            case 2: {
                auto t = any("SELECT at FROM event ORDER BY seq");
                return t.empty() ? start : std::stoll(t) + pick(-1, 1);
            }
            case 3:
                return start + (pick(0, days / 7) * 7) * stats::day_s;  // a Monday (UTC)
            default:
                return stats::monday_of(start + pick(0, days) * stats::day_s, s.city);  // a Monday, city time
        }
    }
};

std::string text_of(const stats::summary& s, const domain::city_time& city) {
    return boost::json::serialize(stats::summary_json(s, {}, city));
}

/// `count` periods (the whole season first), each computed both ways with weeks in `zone`'s calendar.
void check_periods(random_season& season, int count, const char* zone = "Europe/Paris") {
    season.s.city = domain::city_time(zone);
    CAPTURE(zone);
    // The whole season first, then random periods.
    std::vector<period> periods{{season.start - stats::day_s, season.start + (season.days + 1) * stats::day_s}};
    while (static_cast<int>(periods.size()) < count) {
        auto a = season.bound(), b = season.bound();
        if (a == b)
            continue;
        periods.push_back({std::min(a, b), std::max(a, b)});
    }
    for (const auto& p : periods) {
        INFO("period ", domain::format_iso8601(p.from), " .. ", domain::format_iso8601(p.until));
        const auto fast = season.s.fast(p);
        const auto oracle = season.s.oracle(p);
        CHECK(text_of(fast, season.s.city) == text_of(oracle, season.s.city));
        CHECK(fast == oracle);
    }
}

}  // namespace

TEST_CASE("random seasons: the counters give exactly the figures recomputed from the event log") {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        CAPTURE(seed);
        // 30 days from 2 March 2026: the clocks change in Toronto (8 March) and in Paris (29 March).
        random_season season(seed, 30);
        const auto whole = season.s.fast({season.start, season.start + 30 * stats::day_s});
        // The season is not trivial: every kind of figure occurs.
        CHECK(whole.volunteers_registered > 10);
        CHECK(whole.volunteers_mobilised > 3);
        CHECK(whole.missions_done > 5);
        CHECK(whole.residents_helped > 2);
        CHECK(whole.redispatches > 2);
        CHECK_FALSE(whole.withdrawals.empty());
        CHECK(whole.delays[2].requests > 2);
        check_periods(season, 60);
        check_periods(season, 15, "America/Toronto");  // weeks start on Monday at 05:00 or 04:00 UTC
        check_periods(season, 10, "Asia/Kolkata");     // at 18:30 UTC on Sunday
        check_periods(season, 10, "UTC");

        // And the tables themselves: rebuilt from the log, they equal the ones kept write by write.
        const auto kept = season.s.stat_tables();
        stats::rebuild(season.s.db);
        CHECK(season.s.stat_tables() == kept);
    }
}

TEST_CASE("statistics added up in a batch equal the ones recorded event by event, refused jobs left out") {
    for (std::uint64_t seed : {1u, 2u}) {
        CAPTURE(seed);
        random_season season(seed, 16, true);
        CHECK(stats::in_sync(season.s.db));
        check_periods(season, 20);
        const auto kept = season.s.stat_tables();
        stats::rebuild(season.s.db);
        CHECK(season.s.stat_tables() == kept);
    }
}

TEST_CASE("a batch: events rolled back before or after a settlement count for nothing; unflushed, nothing") {
    season_db s;
    const auto d0 = at("2026-03-02T09:00:00Z");
    {
        stats::batch counts(s.db);
        stats::batch::scope use(counts);
        s.db.exec("BEGIN");
        s.request("walk", "web", "once", d0, "centre");
        s.db.exec("SAVEPOINT a");
        s.request("shopping", "phone", "once", d0 + 60, "thabor");  // rolled back, then its number reused
        s.db.exec("ROLLBACK TO a");
        s.db.exec("RELEASE a");
        s.request("medicines", "partner", "once", d0 + 120, "maurepas");
        s.db.exec("SAVEPOINT b");
        s.request("admin", "web", "once", d0 + 180, "villejean");  // rolled back, nothing after it
        s.db.exec("ROLLBACK TO b");
        s.db.exec("RELEASE b");
        counts.settle();
        s.request("walk", "phone", "once", d0 + 240, "centre");
        counts.flush();
        s.db.exec("COMMIT");
        CHECK(stats::in_sync(s.db));
        const auto kept = s.stat_tables();
        CHECK(kept.find("shopping") == std::string::npos);
        CHECK(kept.find("admin") == std::string::npos);
        stats::rebuild(s.db);
        CHECK(s.stat_tables() == kept);

        // Counts never flushed (the transaction given up) leave the tables as they were.
        s.db.exec("BEGIN");
        s.request("walk", "web", "once", d0 + 300, "centre");
        s.db.exec("ROLLBACK");
    }
    CHECK(stats::in_sync(s.db));
    const auto after = s.stat_tables();
    stats::rebuild(s.db);
    CHECK(s.stat_tables() == after);
}

TEST_CASE("events recorded out of time order keep each subject's chain in time order") {
    season_db s;
    // A volunteer who does missions written in the order 3, 1, 2 (days), as late-committed writes would be.
    auto done = [&](std::int64_t t, const std::string& vol, const std::string& req) {
        append_event(s.db, t, system_actor(),
                     {"mission", "mis_" + std::to_string(t), "done", "accepted", "done", std::nullopt,
                      {{"request_id", req}, {"volunteer_id", vol}, {"category", "walk"}, {"neighbourhood", "centre"}}});
    };
    const auto d0 = at("2026-03-02T00:00:00Z");
    const auto r = s.request("walk", "phone", "weekly", d0, "centre").id;
    done(d0 + 3 * stats::day_s + 100, "vol_x", r);
    done(d0 + 1 * stats::day_s + 100, "vol_x", r);
    done(d0 + 2 * stats::day_s + 100, "vol_x", r);
    done(d0 + 2 * stats::day_s + 100, "vol_x", r);  // the same second twice
    for (int a = 0; a < 5; ++a)
        for (int b = a + 1; b < 6; ++b) {
            const period p{d0 + a * stats::day_s + (a % 2) * 200, d0 + b * stats::day_s};
            const auto fast = s.fast(p);
            CHECK(text_of(fast, s.city) == text_of(s.oracle(p), s.city));
        }
    CHECK(s.fast({d0, d0 + 5 * stats::day_s}).volunteers_mobilised == 1);
    CHECK(s.fast({d0, d0 + 5 * stats::day_s}).missions_done == 4);
    CHECK(s.fast({d0 + 2 * stats::day_s, d0 + 3 * stats::day_s}).volunteers_mobilised == 1);
}

TEST_CASE("a database whose statistics lag the log is detected, and a rebuild catches up") {
    season_db s;
    s.volunteer("a@example.org", "centre", at("2026-03-02T09:00:00Z"));
    CHECK(stats::in_sync(s.db));
    // An event written around the recorder (as a bulk import would).
    s.db.exec("INSERT INTO event(at, actor, entity, entity_id, action, data) VALUES "
              "(1772442000, 'system', 'volunteer', 'vol_bulk', 'registered', '{\"neighbourhood\":\"thabor\"}')");
    CHECK_FALSE(stats::in_sync(s.db));
    // A later event recorded normally does not hide the gap.
    s.volunteer("b@example.org", "centre", at("2026-03-02T10:00:00Z"));
    CHECK_FALSE(stats::in_sync(s.db));
    stats::rebuild(s.db);
    CHECK(stats::in_sync(s.db));
    CHECK(s.fast({at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z")}).volunteers_registered == 3);
}
