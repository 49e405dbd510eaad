#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

using namespace relais::store;

namespace {
constexpr migration test_steps[] = {
    {1, "one", "CREATE TABLE a (x INTEGER);"},
    {2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);"},
};
constexpr migration broken_steps[] = {
    {1, "one", "CREATE TABLE a (x INTEGER);"},
    {2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);"},
    {3, "broken", "CREATE TABLE c (z INTEGER); THIS IS NOT SQL;"},
};
}  // namespace

TEST_CASE("migrations apply in order, once, and are recorded") {
    relais::testing::temp_dir dir;
    auto db = open_writer(dir.file("m.db"), sync_mode::full);
    CHECK(schema_version(db) == 0);
    CHECK(apply_migrations(db, std::span(test_steps).first(1)) == 1);
    CHECK(schema_version(db) == 1);
    CHECK(apply_migrations(db, test_steps) == 1);
    CHECK(schema_version(db) == 2);
    CHECK(apply_migrations(db, test_steps) == 0);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM a").getInt() == 1);
}

TEST_CASE("a failing migration leaves the database at the previous version") {
    relais::testing::temp_dir dir;
    auto db = open_writer(dir.file("m.db"), sync_mode::full);
    CHECK_THROWS(apply_migrations(db, broken_steps));
    CHECK(schema_version(db) == 2);
    CHECK_FALSE(db.tableExists("c"));
}

TEST_CASE("a database newer than the binary is refused untouched") {
    relais::testing::temp_dir dir;
    auto db = open_writer(dir.file("m.db"), sync_mode::full);
    apply_migrations(db, test_steps);
    CHECK_THROWS_AS(apply_migrations(db, std::span(test_steps).first(1)), schema_too_new);
    CHECK(schema_version(db) == 2);
}

TEST_CASE("the real schema applies to an empty database and is WAL with foreign keys") {
    relais::testing::temp_dir dir;
    auto db = open_writer(dir.file("real.db"), sync_mode::full);
    CHECK(apply_migrations(db, schema_migrations()) == static_cast<int>(schema_migrations().size()));
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.execAndGet("PRAGMA foreign_keys").getInt() == 1);
    CHECK(db.execAndGet("PRAGMA synchronous").getInt() == 2);  // FULL
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("a volunteer's account is found through an index, not by scanning every account") {
    relais::testing::temp_dir dir;
    migrate(dir.file("m.db"));
    auto db = open_writer(dir.file("m.db"), sync_mode::full);
    // The statements of withdrawal, change of email and erasure (domain/volunteers.cpp, domain/privacy.cpp).
    for (const char* sql : {"UPDATE users SET disabled_at = ? WHERE volunteer_id = ? AND disabled_at IS NULL",
                            "UPDATE users SET email = ? WHERE volunteer_id = ? AND disabled_at IS NULL",
                            "SELECT id, email, role, created_at, disabled_at FROM users WHERE volunteer_id = ?"}) {
        SQLite::Statement plan(db, std::string("EXPLAIN QUERY PLAN ") + sql);
        std::string steps;
        while (plan.executeStep())
            steps += plan.getColumn(3).getString() + "; ";
        INFO(sql << " -> " << steps);
        CHECK(steps.find("USING INDEX users_volunteer") != std::string::npos);
        CHECK(steps.find("SCAN users") == std::string::npos);
    }
}
