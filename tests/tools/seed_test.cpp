// relais seed (benchmark data) and relais backup, on small databases.
#include "tools/seed.hpp"
#include "domain/missions.hpp"
#include "domain/programme.hpp"
#include "domain/requests.hpp"
#include "domain/stats_recorder.hpp"
#include "domain/time_format.hpp"
#include "domain/volunteers.hpp"
#include "stats/facts.hpp"
#include "stats/summary_query.hpp"
#include "support/demo_map.hpp"
#include "support/temp_dir.hpp"
#include "tools/backup.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <fstream>
#include <sstream>

namespace {

std::int64_t scalar(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement q(db, sql);
    REQUIRE(q.executeStep());
    return q.getColumn(0).getInt64();
}

relais::tools::seed_options small(const std::string& db) {
    relais::testing::migrate_with_demo_map(db);  // the city's map comes first (the demo's Rennes)
    relais::tools::seed_options o;
    o.db = db;
    o.volunteers = 300;
    o.residents = 120;
    o.missions = 3000;
    o.seed = 42;
    o.accounts = 12;
    o.now = 1795000000;  // fixed, so two runs can be compared
    return o;
}

}  // namespace

TEST_CASE("relais seed: the asked-for counts, consistent states, readable by the domain") {
    relais::testing::temp_dir dir;
    const auto opts = small(dir.file("bench.db"));
    const auto s = relais::tools::seed_database(opts);
    CHECK(s.volunteers == 300);
    CHECK(s.residents == 120);
    CHECK(s.missions == 3000);
    CHECK(s.accounts == 13);
    CHECK(s.new_requests > 0);

    SQLite::Database db(opts.db, SQLite::OPEN_READONLY);
    CHECK(scalar(db, "SELECT COUNT(*) FROM volunteer") == 300);
    CHECK(scalar(db, "SELECT COUNT(*) FROM resident") == 120);
    CHECK(scalar(db, "SELECT COUNT(*) FROM mission") == 3000);
    CHECK(scalar(db, "SELECT COUNT(*) FROM request") == static_cast<std::int64_t>(s.requests));
    CHECK(scalar(db, "SELECT COUNT(*) FROM pragma_foreign_key_check") == 0);
    // Loaded through a rollback journal, handed over in the server's journal mode, with nothing left beside.
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(!std::filesystem::exists(opts.db + "-journal"));
    {
        SQLite::Statement q(db, "PRAGMA integrity_check");
        REQUIRE(q.executeStep());
        CHECK(q.getColumn(0).getString() == "ok");
    }
    // Every resident has a request; a live mission is in the future or has just started; what is over is
    // in the past; a closed request has an outcome; only active volunteers get missions.
    CHECK(scalar(db,
                 "SELECT COUNT(*) FROM resident p WHERE NOT EXISTS (SELECT 1 FROM request r WHERE "
                 "r.resident_id = p.id)") == 0);
    CHECK(
        scalar(db,
               "SELECT COUNT(*) FROM mission WHERE status IN ('done','missed') AND starts_at > 1795000000") ==
        0);
    CHECK(scalar(db, "SELECT COUNT(*) FROM mission WHERE status = 'proposed' AND starts_at < 1795000000") ==
          0);
    CHECK(
        scalar(db,
               "SELECT COUNT(*) FROM mission WHERE status = 'accepted' AND starts_at < 1795000000 - 86400") ==
        0);
    CHECK(scalar(db, "SELECT COUNT(*) FROM request WHERE status = 'closed' AND outcome IS NULL") == 0);
    CHECK(scalar(db, "SELECT COUNT(*) FROM request WHERE status <> 'closed' AND outcome IS NOT NULL") == 0);
    CHECK(scalar(db,
                 "SELECT COUNT(*) FROM mission m JOIN volunteer v ON v.id = m.volunteer_id WHERE v.status <> "
                 "'active'") == 0);
    CHECK(scalar(db,
                 "SELECT COUNT(*) FROM support WHERE status = 'active' AND request_id IN (SELECT id FROM "
                 "request WHERE status = 'closed')") == 0);
    CHECK(scalar(db, "SELECT COUNT(*) FROM event") > 3000);

    // The rows are what the domain expects to read.
    SQLite::Statement ids(db, "SELECT (SELECT id FROM volunteer LIMIT 1), (SELECT id FROM request LIMIT 1)");
    REQUIRE(ids.executeStep());
    SQLite::Database rw(opts.db, SQLite::OPEN_READWRITE);
    CHECK(relais::domain::load_volunteer(rw, ids.getColumn(0).getString()).availability.size() >= 1);
    CHECK_FALSE(relais::domain::load_request(rw, ids.getColumn(1).getString()).category.empty());

    // The accounts' volunteers hold current missions (what the benchmark reads).
    std::ifstream f(s.accounts_file);
    std::string role, email, rest;
    REQUIRE(static_cast<bool>(f >> role >> email));
    CHECK(role == "coordinator");
    std::getline(f, rest);
    CHECK(rest == " " + opts.password);
    REQUIRE(static_cast<bool>(f >> role >> email));
    CHECK(role == "volunteer");
    SQLite::Statement mine(db,
                           "SELECT COUNT(*) FROM mission m JOIN users u ON u.volunteer_id = m.volunteer_id "
                           "WHERE u.email = ? AND m.status IN ('proposed','accepted')");
    mine.bind(1, email);
    REQUIRE(mine.executeStep());
    CHECK(mine.getColumn(0).getInt() >= 1);

    // A second seed of the same database is refused.
    CHECK_THROWS(relais::tools::seed_database(opts));
}

TEST_CASE(
    "relais seed writes through the domain: every row has its events, the statistics agree with the rows") {
    relais::testing::temp_dir dir;
    const auto opts = small(dir.file("season.db"));
    relais::tools::seed_database(opts);
    SQLite::Database db(opts.db, SQLite::OPEN_READWRITE);

    // Every row was made, and moved to its state, by the operation that logs it.
    const char* unlogged[] = {
        "SELECT COUNT(*) FROM volunteer v WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.entity = "
        "'volunteer' "
        "AND e.entity_id = v.id AND e.action = 'registered' AND e.at = v.created_at)",
        "SELECT COUNT(*) FROM volunteer v WHERE v.validated_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
        "event e "
        "WHERE e.entity = 'volunteer' AND e.entity_id = v.id AND e.action = 'activated' AND e.at = "
        "v.validated_at)",
        "SELECT COUNT(*) FROM volunteer v WHERE v.status IN ('paused','withdrawn') AND NOT EXISTS (SELECT 1 "
        "FROM "
        "event e WHERE e.entity = 'volunteer' AND e.entity_id = v.id AND e.to_status = v.status)",
        "SELECT COUNT(*) FROM resident p WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.entity = 'resident' "
        "AND "
        "e.entity_id = p.id AND e.action = 'created' AND e.at = p.created_at)",
        "SELECT COUNT(*) FROM request r WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.entity = 'request' "
        "AND "
        "e.entity_id = r.id AND e.action = 'created' AND e.at = r.created_at)",
        "SELECT COUNT(*) FROM request r WHERE r.status = 'closed' AND NOT EXISTS (SELECT 1 FROM event e "
        "WHERE "
        "e.entity = 'request' AND e.entity_id = r.id AND e.action = 'closed' AND e.at = r.closed_at)",
        "SELECT COUNT(*) FROM support s WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.entity = 'support' "
        "AND "
        "e.entity_id = s.id AND e.action = 'created' AND e.at = s.created_at)",
        "SELECT COUNT(*) FROM mission m WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.entity = 'mission' "
        "AND "
        "e.entity_id = m.id AND e.action = 'proposed' AND e.at = m.proposed_at)",
        "SELECT COUNT(*) FROM mission m WHERE m.status <> 'proposed' AND NOT EXISTS (SELECT 1 FROM event e "
        "WHERE "
        "e.entity = 'mission' AND e.entity_id = m.id AND e.to_status = m.status)",
        // Times run forward and stop at the seed's now.
        "SELECT COUNT(*) FROM event WHERE at > 1795000000",
        "SELECT COUNT(*) FROM mission WHERE answered_at < proposed_at OR ended_at < answered_at",
        "SELECT COUNT(*) FROM request WHERE first_proposed_at < created_at OR closed_at < created_at",
    };
    for (const char* sql : unlogged) {
        CAPTURE(sql);
        CHECK(scalar(db, sql) == 0);
    }

    // The statistics were recorded with the events, as the server records them: nothing to rebuild.
    CHECK(relais::stats::in_sync(db));

    // The summary the statistics routes compute, over the programme's period (which holds the whole season),
    // counts what the tables hold.
    const auto programme = relais::domain::load_programme(db);
    const relais::domain::city_time city(programme.timezone);
    const auto starts_on = city.midnight_of(programme.starts_on);
    REQUIRE(starts_on.has_value());
    CHECK(*starts_on <= scalar(db, "SELECT MIN(at) FROM event"));
    const relais::stats::period p{*starts_on, opts.now + 86400};
    const auto s = relais::stats::compute_summary(db, p, city);
    CHECK(s.volunteers_registered == scalar(db, "SELECT COUNT(*) FROM volunteer"));
    CHECK(
        s.volunteers_active ==
        scalar(db, "SELECT COUNT(*) FROM volunteer WHERE validated_at IS NOT NULL AND withdrawn_at IS NULL"));
    CHECK(s.volunteers_awaiting_validation ==
          scalar(db, "SELECT COUNT(*) FROM volunteer WHERE status = 'registered'"));
    CHECK(s.volunteers_withdrawn == scalar(db, "SELECT COUNT(*) FROM volunteer WHERE status = 'withdrawn'"));
    CHECK(s.volunteers_mobilised ==
          scalar(db, "SELECT COUNT(DISTINCT volunteer_id) FROM mission WHERE status = 'done'"));
    CHECK(s.missions_done == scalar(db, "SELECT COUNT(*) FROM mission WHERE status = 'done'"));
    CHECK(s.residents_helped ==
          scalar(db,
                 "SELECT COUNT(DISTINCT r.resident_id) FROM mission m JOIN request r ON "
                 "r.id = m.request_id WHERE m.status = 'done'"));
    CHECK(s.residents_requesting == scalar(db, "SELECT COUNT(DISTINCT resident_id) FROM request"));
    CHECK(s.requests == scalar(db, "SELECT COUNT(*) FROM request"));
    CHECK(s.supports == scalar(db, "SELECT COUNT(*) FROM support"));
    CHECK(s.redispatches == scalar(db, "SELECT SUM(redispatch_count) FROM request"));
    CHECK(s.welfare_concerns == scalar(db, "SELECT COUNT(*) FROM mission WHERE welfare_concern = 1"));
    const std::string helped =
        "EXISTS (SELECT 1 FROM mission m WHERE m.request_id = r.id AND m.status = 'done')";
    CHECK(s.outcomes.helped == scalar(db, "SELECT COUNT(*) FROM request r WHERE " + helped));
    CHECK(s.outcomes.open ==
          scalar(db, "SELECT COUNT(*) FROM request r WHERE status <> 'closed' AND NOT " + helped));
    CHECK(s.outcomes.cancelled ==
          scalar(db, "SELECT COUNT(*) FROM request r WHERE outcome = 'cancelled' AND NOT " + helped));
    CHECK(s.outcomes.unfulfillable ==
          scalar(db, "SELECT COUNT(*) FROM request r WHERE outcome = 'unfulfillable' AND NOT " + helped));
    for (const char* setback : {"declined", "expired", "dropped", "missed"}) {
        CAPTURE(setback);
        std::int64_t counted = 0;
        for (const auto& [key, n] : s.setbacks)
            if (key.first == setback)
                counted += n;
        CHECK(counted ==
              scalar(db, std::string("SELECT COUNT(*) FROM mission WHERE status = '") + setback + "'"));
    }
    for (const auto& [reason, w] : s.withdrawals) {
        CAPTURE(reason);
        CHECK(w.count ==
              scalar(db, "SELECT COUNT(*) FROM volunteer WHERE withdrawal_reason = '" + reason + "'"));
    }
    CHECK(s.delays[0].requests ==
          scalar(db, "SELECT COUNT(*) FROM request WHERE first_proposed_at IS NOT NULL"));
    CHECK(s.delays[2].requests == scalar(db, "SELECT COUNT(*) FROM request WHERE first_done_at IS NOT NULL"));
    // A season worth the name: each figure above counted something.
    CHECK(s.missions_done > 1000);
    CHECK(s.volunteers_withdrawn > 0);
    CHECK(s.volunteers_mobilised > 50);
    CHECK(s.redispatches > 0);
    CHECK(s.outcomes.cancelled > 0);
    CHECK(s.outcomes.unfulfillable > 0);
    CHECK(s.outcomes.open > 0);

    // The same figures as the reference computation from the log, and as the tables rebuilt from the log.
    CHECK(s == relais::stats::aggregate(relais::stats::facts_from_log(db), p, city));
    db.exec("BEGIN");
    relais::stats::rebuild(db);
    CHECK(s == relais::stats::compute_summary(db, p, city));
    db.exec("ROLLBACK");
}

TEST_CASE("relais seed is deterministic for a seed, different across seeds") {
    // Ids and tracking codes are drawn by the domain (domain::new_id), like every live write's; what the
    // seed decides (who, what, when, how it ended) is the same for the same seed.
    relais::testing::temp_dir dir;
    auto a = small(dir.file("a.db"));
    auto b = small(dir.file("b.db"));
    auto c = small(dir.file("c.db"));
    c.seed = 43;
    relais::tools::seed_database(a);
    relais::tools::seed_database(b);
    relais::tools::seed_database(c);
    auto digest = [](const std::string& path) {
        SQLite::Database db(path, SQLite::OPEN_READONLY);
        SQLite::Statement q(db,
                            "SELECT group_concat(x, ',') FROM (SELECT v.email || m.status || m.starts_at || "
                            "m.proposed_at || r.category AS x FROM mission m JOIN volunteer v ON v.id = "
                            "m.volunteer_id JOIN request r ON r.id = m.request_id ORDER BY m.seq)");
        REQUIRE(q.executeStep());
        return q.getColumn(0).getString();
    };
    CHECK(digest(a.db) == digest(b.db));
    CHECK(digest(a.db) != digest(c.db));
}

TEST_CASE("relais seed and relais backup: command-line errors") {
    relais::testing::temp_dir dir;
    std::ostringstream out, err;
    CHECK(relais::tools::run_seed_command({}, out, err) == 64);
    CHECK(relais::tools::run_seed_command({"--db", dir.file("x.db"), "--volunteers", "lots"}, out, err) ==
          64);
    CHECK(relais::tools::run_seed_command({"--db", dir.file("x.db"), "--bogus", "1"}, out, err) == 64);
    CHECK(relais::tools::run_seed_command({"--db", dir.file("x.db"), "--password", "short"}, out, err) == 64);
    CHECK(relais::tools::run_backup_command({"--db", dir.file("x.db")}, out, err) == 64);
    CHECK(relais::tools::run_backup_command({"--db", dir.file("none.db"), "--out", dir.file("y.db")}, out,
                                            err) == 1);
    // A database without a map: nowhere to place anyone, said plainly.
    CHECK(relais::tools::run_seed_command({"--db", dir.file("x.db"), "--volunteers", "20", "--residents",
                                           "10", "--missions", "50", "--accounts", "2"},
                                          out, err) == 1);
    CHECK(err.str().find("no neighbourhood") != std::string::npos);
    CHECK(relais::tools::run_seed_command({"--db", dir.file("x.db"), "--map", dir.file("none.csv")}, out,
                                          err) == 1);
    CHECK(
        relais::tools::run_seed_command(
            {"--db", dir.file("x.db"), "--volunteers", "20", "--residents", "10", "--missions", "50",
             "--accounts", "2", "--map", std::string(RELAIS_SOURCE_DIR) + "/data/demo/rennes-quartiers.csv"},
            out, err) == 0);
    {
        SQLite::Database seeded(dir.file("x.db"));
        CHECK(scalar(seeded, "SELECT COUNT(DISTINCT neighbourhood) FROM volunteer") == 12);
    }
    CHECK(relais::tools::run_backup_command({"--db", dir.file("x.db"), "--out", dir.file("y.db")}, out,
                                            err) == 0);
    CHECK(out.str().find("integrity ok") != std::string::npos);
    CHECK(relais::tools::run_backup_command({"--db", dir.file("x.db"), "--out", dir.file("y.db")}, out,
                                            err) == 1);
    CHECK(relais::tools::run_seed_command({"--db", dir.file("p.db"), "--profile", "maybe"}, out, err) == 64);
}

TEST_CASE("relais seed --profile yes: the statements that took the most time, SQL text only") {
    relais::testing::temp_dir dir;
    std::ostringstream out, err;
    relais::testing::migrate_with_demo_map(dir.file("p.db"));
    REQUIRE(relais::tools::run_seed_command({"--db", dir.file("p.db"), "--volunteers", "20", "--residents",
                                             "10", "--missions", "50", "--accounts", "2", "--profile", "yes"},
                                            out, err) == 0);
    const std::string text = out.str();
    INFO(text);
    CHECK(text.find("statements: ") != std::string::npos);
    CHECK(text.find(" runs: ") != std::string::npos);
    CHECK(text.find("seeded ") != std::string::npos);
    // Values are never printed: the generated emails stay out of the report.
    CHECK(text.find("@") == std::string::npos);
}

namespace {

/// The SQL (with its bound values) of every statement `db` runs while `f` runs.
template <class F>
std::vector<std::string> statements_of(SQLite::Database& db, F f) {
    std::vector<std::string> seen;
    sqlite3_trace_v2(
        db.getHandle(), SQLITE_TRACE_STMT,
        [](unsigned, void* ctx, void* stmt, void*) -> int {
            if (char* sql = sqlite3_expanded_sql(static_cast<sqlite3_stmt*>(stmt))) {
                static_cast<std::vector<std::string>*>(ctx)->emplace_back(sql);
                sqlite3_free(sql);
            }
            return 0;
        },
        &seen);
    f();
    sqlite3_trace_v2(db.getHandle(), 0, nullptr, nullptr);
    return seen;
}

}  // namespace

TEST_CASE("the dispatch queue reads its first page through the queue index, without sorting") {
    relais::testing::temp_dir dir;
    auto opts = small(dir.file("queue.db"));
    relais::tools::seed_database(opts);
    SQLite::Database db(opts.db, SQLite::OPEN_READWRITE);
    for (const char* cursor : {"", "0.2.1794000000.10"}) {
        relais::domain::request_filter f;
        f.status = "new";
        if (*cursor)
            f.cursor = cursor;
        relais::domain::page_info page;
        auto sql = statements_of(db, [&] { relais::domain::list_requests(db, f, page); });
        REQUIRE(sql.size() == 1);
        SQLite::Statement plan(db, "EXPLAIN QUERY PLAN " + sql[0]);
        std::string text;
        while (plan.executeStep())
            text += plan.getColumn(3).getString() + "\n";
        INFO(sql[0] << "\n" << text);
        CHECK(text.find("request_queue") != std::string::npos);
        CHECK(text.find("TEMP B-TREE") == std::string::npos);
    }
}
