// The statistics benchmark (scripts/bench-stats runs it in a Release build; skipped in the normal test run):
// a year-long programme with a million missions done, written as events through the statistics recorder, then
// the summary's time over several periods, the per-event cost of keeping the statistics, and (unless
// RELAIS_BENCH_VERIFY=0) the summary checked against the reference computation from the event log.
//
// Environment: RELAIS_BENCH_MISSIONS (default 1000000), RELAIS_BENCH_DB (keep the database at this path;
// reused if it already holds the season), RELAIS_BENCH_VERIFY (default 1).

#include "domain/events.hpp"
#include "domain/stats_recorder.hpp"
#include "domain/time_format.hpp"
#include "domain/volunteers.hpp"
#include "stats/facts.hpp"
#include "stats/report.hpp"
#include "stats/summary_query.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"
#include "support/demo_map.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

namespace json = boost::json;
using namespace relais;

namespace {

using steady = std::chrono::steady_clock;

double ms_since(steady::time_point t) {
    return std::chrono::duration<double, std::milli>(steady::now() - t).count();
}

std::int64_t env_int(const char* name, std::int64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::stoll(v) : fallback;
}

const char* const neighbourhoods[] = {"centre",   "thabor",      "bourg-leveque",    "saint-martin",
                                      "maurepas", "jeanne-darc", "francisco-ferrer", "sud-gare",
                                      "cleunay",  "villejean",   "le-blosne",        "brequigny"};
const char* const categories[] = {"shopping",    "medicines", "books",   "admin",    "friendly_call", "walk",
                                  "appointment", "digital",   "reading", "language", "schooling"};
const char* const channels[] = {"web", "phone", "partner"};

/// One event to write: time, then the entry.
struct pending {
    std::int64_t at;
    domain::event_entry e;
};

/// Writes a season of `missions` missions done over 52 weeks from `start`, in time order week by week:
/// volunteers registered in the first three weeks (15% withdraw later), weekly supports (90% of the missions,
/// about 30 weeks each) and one-off requests, one decline in ten before an acceptance, welfare concerns.
/// Events go into the log and through the recorder, as append_event does, with one recorder for speed.
std::int64_t write_season(SQLite::Database& db, std::int64_t missions, std::int64_t start) {
    std::mt19937_64 rng(42);
    auto pick = [&](std::int64_t lo, std::int64_t hi) {
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
    };
    const std::int64_t weeks = 52;
    const std::int64_t volunteers = std::max<std::int64_t>(50, missions / 80);
    const std::int64_t weekly_missions = missions * 9 / 10;
    const std::int64_t weekly_requests = std::max<std::int64_t>(1, weekly_missions / 30);
    const std::int64_t oneoff_requests = missions - weekly_missions;
    const std::int64_t residents = std::max<std::int64_t>(10, (weekly_requests + oneoff_requests) * 2 / 3);

    stats::recorder rec(db);
    SQLite::Statement ins(
        db,
        "INSERT INTO event(at, actor, entity, entity_id, action, from_status, to_status, reason, data) "
        "VALUES (?,?,?,?,?,?,?,?,?)");
    std::int64_t written = 0;
    auto write = [&](const pending& p) {
        ins.reset();
        ins.clearBindings();
        ins.bind(1, static_cast<std::int64_t>(p.at));
        ins.bind(2, "system");
        ins.bind(3, p.e.entity);
        ins.bind(4, p.e.entity_id);
        ins.bind(5, p.e.action);
        if (p.e.reason)
            ins.bind(8, *p.e.reason);
        ins.bind(9, json::serialize(p.e.data));
        ins.exec();
        rec.record(stats::event_view{db.getLastInsertRowid(), p.at, p.e.entity, p.e.entity_id, p.e.action,
                                     p.e.reason, p.e.data});
        ++written;
    };

    // Requests: weekly ones run from a start week for ~30 weeks; one-off ones at any time.
    struct request_plan {
        std::string id, resident, category, neighbourhood, channel;
        std::int64_t created, first_week, last_week, slot;  // slot: seconds into the week
        bool weekly;
        std::string volunteer;
    };
    std::vector<request_plan> requests;
    std::vector<std::string> resident_nb(static_cast<std::size_t>(residents));
    for (auto& n : resident_nb)
        n = neighbourhoods[pick(0, 11)];
    for (std::int64_t i = 0; i < weekly_requests + oneoff_requests; ++i) {
        request_plan r;
        r.id = "req_" + std::to_string(i);
        const auto res = pick(0, residents - 1);
        r.resident = "res_" + std::to_string(res);
        r.neighbourhood = resident_nb[static_cast<std::size_t>(res)];
        r.weekly = i < weekly_requests;
        r.category = categories[r.weekly ? pick(4, 6) : pick(0, 10)];
        r.channel = channels[pick(0, 9) < 5 ? 0 : pick(0, 9) < 9 ? 1 : 2];
        r.first_week = r.weekly ? pick(0, weeks - 30) : pick(0, weeks - 1);
        r.last_week = r.weekly ? r.first_week + 29 : r.first_week;
        r.slot = pick(0, 6) * stats::day_s + pick(9, 17) * 3600;
        r.created =
            start + r.first_week * stats::week_s + pick(0, std::max<std::int64_t>(0, r.slot - 2 * 86400));
        r.volunteer = "vol_" + std::to_string(pick(0, volunteers - 1));
        requests.push_back(std::move(r));
    }

    std::vector<pending> week_events;
    auto add = [&](std::int64_t at, domain::event_entry e) { week_events.push_back({at, std::move(e)}); };
    for (std::int64_t w = 0; w < weeks; ++w) {
        week_events.clear();
        const std::int64_t ws = start + w * stats::week_s;
        if (w < 3) {  // the registration wave
            for (std::int64_t v = w * volunteers / 3; v < (w + 1) * volunteers / 3; ++v) {
                const std::string id = "vol_" + std::to_string(v);
                const std::int64_t t = ws + pick(0, stats::week_s - 3 * 86400);
                add(t, {"volunteer",
                        id,
                        "registered",
                        std::nullopt,
                        "registered",
                        std::nullopt,
                        {{"neighbourhood", neighbourhoods[pick(0, 11)]}}});
                add(t + pick(3600, 2 * 86400),
                    {"volunteer", id, "activated", "registered", "active", std::nullopt, {}});
            }
        }
        if (w > 4 && w < 50) {  // withdrawals through the year
            for (std::int64_t k = 0; k < volunteers * 15 / 100 / 45; ++k)
                add(ws + pick(0, stats::week_s - 1),
                    {"volunteer",
                     "vol_" + std::to_string(pick(0, volunteers - 1)),
                     "withdrawn",
                     "active",
                     "withdrawn",
                     domain::withdrawal_reasons[static_cast<std::size_t>(pick(0, 6))],
                     {{"validated", true}}});
        }
        for (auto& r : requests) {
            if (w < r.first_week || w > r.last_week)
                continue;
            const json::object ids{{"request_id", r.id},
                                   {"volunteer_id", r.volunteer},
                                   {"category", r.category},
                                   {"neighbourhood", r.neighbourhood}};
            const std::int64_t slot = ws + r.slot;
            if (w == r.first_week) {
                add(r.created, {"request",
                                r.id,
                                "created",
                                std::nullopt,
                                "new",
                                std::nullopt,
                                {{"resident_id", r.resident},
                                 {"category", r.category},
                                 {"channel", r.channel},
                                 {"urgency", "48h"},
                                 {"recurrence", r.weekly ? "weekly" : "once"},
                                 {"neighbourhood", r.neighbourhood}}});
                std::int64_t t = r.created + pick(600, 6 * 3600);
                if (pick(0, 9) == 0) {
                    const std::string m = "mis_" + r.id + "_d";
                    add(t, {"mission", m, "proposed", std::nullopt, "proposed", std::nullopt, ids});
                    add(t + 1800, {"mission", m, "declined", "proposed", "declined",
                                   std::string("not_available"), ids});
                    add(t + 1800, {"request",
                                   r.id,
                                   "redispatch_flagged",
                                   "new",
                                   "new",
                                   std::string("declined"),
                                   {{"category", r.category}}});
                    t += 3600;
                }
                const std::string m = "mis_" + r.id + "_" + std::to_string(w);
                add(t, {"mission", m, "proposed", std::nullopt, "proposed", std::nullopt, ids});
                add(t + 900, {"mission", m, "accepted", "proposed", "accepted", std::nullopt, ids});
                add(t + 900, {"support",
                              "sup_" + r.id,
                              "created",
                              std::nullopt,
                              "active",
                              std::nullopt,
                              {{"request_id", r.id},
                               {"volunteer_id", r.volunteer},
                               {"resident_id", r.resident},
                               {"category", r.category},
                               {"recurrence", r.weekly ? "weekly" : "once"}}});
            }
            const std::string m = "mis_" + r.id + "_" + std::to_string(w);
            const std::int64_t done_at = std::max(slot + 3600, r.created + 7200);
            add(done_at, {"mission", m, "done", "accepted", "done", std::nullopt, ids});
            if (pick(0, 49) == 0)
                add(done_at, {"mission", m, "welfare_concern", "done", "done", std::nullopt, ids});
            if (r.weekly && w < r.last_week) {
                const std::string next = "mis_" + r.id + "_" + std::to_string(w + 1);
                add(done_at, {"mission", next, "proposed", std::nullopt, "proposed", std::nullopt, ids});
                add(done_at + 3600, {"mission", next, "accepted", "proposed", "accepted", std::nullopt, ids});
            }
            if (w == r.last_week)
                add(done_at + 60, {"request",
                                   r.id,
                                   "closed",
                                   "matched",
                                   "closed",
                                   std::string("fulfilled"),
                                   {{"outcome", "fulfilled"}, {"category", r.category}}});
        }
        std::stable_sort(week_events.begin(), week_events.end(),
                         [](const pending& a, const pending& b) { return a.at < b.at; });
        SQLite::Transaction tx(db);
        for (const auto& p : week_events)
            write(p);
        tx.commit();
    }
    return written;
}

}  // namespace

TEST_CASE("stats benchmark: a summary over a million missions" * doctest::skip()) {
    const std::int64_t missions = env_int("RELAIS_BENCH_MISSIONS", 1000000);
    relais::testing::temp_dir tmp;
    const char* keep = std::getenv("RELAIS_BENCH_DB");
    const std::string path = keep && *keep ? std::string(keep) : tmp.file("bench.db");
    const std::int64_t start = *domain::parse_iso8601("2025-11-24T00:00:00Z");  // a Monday, a year ago
    relais::testing::migrate_with_demo_map(path);
    auto db = store::open_writer(path, store::sync_mode::normal);
    db.exec("PRAGMA cache_size = -262144");
    std::int64_t done = db.execAndGet("SELECT COUNT(*) FROM event WHERE action = 'done'").getInt64();
    if (done == 0) {
        std::printf("writing a season of %lld missions (events through the statistics recorder)...\n",
                    static_cast<long long>(missions));
        std::fflush(stdout);
        const auto t = steady::now();
        const auto events = write_season(db, missions, start);
        const double ms = ms_since(t);
        done = db.execAndGet("SELECT COUNT(*) FROM event WHERE action = 'done'").getInt64();
        std::printf("  %lld events written and recorded in %.1f s (%.1f us per event, recorder included)\n",
                    static_cast<long long>(events), ms / 1000, ms * 1000 / static_cast<double>(events));
    }
    if (!stats::in_sync(db)) {
        // A kept database written by another version of the recorder: what a server does on its first query.
        const auto t = steady::now();
        SQLite::Transaction tx(db);
        stats::rebuild(db);
        tx.commit();
        std::printf("statistics rebuilt from the event log in %.1f s\n", ms_since(t) / 1000);
    }
    REQUIRE(stats::in_sync(db));
    db.exec("ANALYZE");
    auto count = [&](const char* sql) { return static_cast<long long>(db.execAndGet(sql).getInt64()); };
    std::printf(
        "database: %lld missions done, %lld events, %lld requests, %lld registrations; stat_day %lld rows, "
        "stat_gap %lld rows, stat_occurrence %lld rows; %.0f MB\n",
        static_cast<long long>(done), count("SELECT COUNT(*) FROM event"),
        count("SELECT COUNT(*) FROM stat_request"), count("SELECT COUNT(*) FROM stat_volunteer"),
        count("SELECT COUNT(*) FROM stat_day"), count("SELECT COUNT(*) FROM stat_gap"),
        count("SELECT COUNT(*) FROM stat_occurrence"),
        static_cast<double>(std::filesystem::file_size(path)) / 1e6);

    const std::int64_t end = start + 52 * stats::week_s;
    struct named {
        const char* name;
        stats::period p;
    };
    const named periods[] = {
        {"whole year (dates)", {start, end}},
        {"whole year (date-times inside days)", {start + 37 * 3600 + 17, end - 5 * 3600 - 3}},
        {"one month", {start + 20 * stats::week_s, start + 24 * stats::week_s + 2 * stats::day_s}},
        {"one day, hours", {start + 100 * stats::day_s + 9 * 3600, start + 100 * stats::day_s + 17 * 3600}},
    };
    const auto ref = stats::load_reference(db);
    const domain::city_time city(
        "Europe/Paris");  // weeks start inside UTC days: their pieces are read exactly
    double worst = 0;
    for (const auto& [name, p] : periods) {
        std::vector<double> times;
        stats::summary s;
        for (int i = 0; i < 7; ++i) {
            const auto t = steady::now();
            s = stats::compute_summary(db, p, city);
            auto body = stats::summary_json(s, ref, city);  // the whole answer, JSON included
            times.push_back(ms_since(t));
        }
        std::sort(times.begin(), times.end());
        worst = std::max(worst, times[3]);
        std::printf(
            "summary %-38s median %7.1f ms  (min %.1f, max %.1f)   missions_done=%lld mobilised=%lld "
            "residents_helped=%lld requests=%lld\n",
            name, times[3], times.front(), times.back(), static_cast<long long>(s.missions_done),
            static_cast<long long>(s.volunteers_mobilised), static_cast<long long>(s.residents_helped),
            static_cast<long long>(s.requests));
    }
    CHECK(worst < 200.0);

    // The live path: one recorder per event (statements prepared each time), as append_event does.
    {
        SQLite::Transaction tx(db);
        const int n = 2000;
        const auto t = steady::now();
        for (int i = 0; i < n; ++i)
            domain::append_event(db, end + i, domain::system_actor(),
                                 {"mission",
                                  "mis_live_" + std::to_string(i),
                                  "done",
                                  "accepted",
                                  "done",
                                  std::nullopt,
                                  {{"request_id", "req_0"},
                                   {"volunteer_id", "vol_1"},
                                   {"category", "walk"},
                                   {"neighbourhood", "centre"}}});
        std::printf("append_event with its statistics (live path): %.1f us per mission-done event\n",
                    ms_since(t) * 1000 / n);
        // not committed: the transaction is rolled back when it goes out of scope
    }

    if (env_int("RELAIS_BENCH_VERIFY", 1)) {
        const auto t = steady::now();
        const auto facts = stats::facts_from_log(db);
        for (const auto& [name, p] : periods) {
            CAPTURE(name);
            CHECK(stats::compute_summary(db, p, city) == stats::aggregate(facts, p, city));
        }
        std::printf("checked against the reference computation from the event log (%.1f s)\n",
                    ms_since(t) / 1000);
    }
}
