#include "store/statement_cache.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace relais;

namespace {
SQLite::Database scratch(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT)");
    db.exec("INSERT OR IGNORE INTO t(k, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    return db;
}
}  // namespace

TEST_CASE("statement cache: reused within a scope, reset and unbound after each use") {
    testing::temp_dir dir;
    auto db = scratch(dir.file("a.db"));
    store::statement_cache cache(db);
    store::statement_cache::scope use(cache);
    const SQLite::Statement* first = nullptr;
    {
        auto q = store::prepare(db, "SELECT v FROM t WHERE k >= ? ORDER BY k");
        q->bind(1, 2);
        REQUIRE(q->executeStep());  // left in the middle of its rows
        CHECK(q->getColumn(0).getString() == "b");
        first = &*q;
    }
    // Released: it holds no lock any more (another connection may write at once; a statement left in the
    // middle of its rows would keep the shared lock), and the binding is gone.
    SQLite::Database other(dir.file("a.db"), SQLite::OPEN_READWRITE);
    CHECK_NOTHROW(other.exec("INSERT INTO t(k, v) VALUES (10, 'z')"));
    auto again = store::prepare(db, "SELECT v FROM t WHERE k >= ? ORDER BY k");
    CHECK(&*again == first);
    CHECK_FALSE(again->executeStep());  // k >= NULL matches nothing
    CHECK(cache.size() == 1);

    // A nested use of the same SQL while it is lent gets a statement of its own.
    auto nested = store::prepare(db, "SELECT v FROM t WHERE k >= ? ORDER BY k");
    CHECK(&*nested != &*again);
    nested->bind(1, 1);
    int rows = 0;
    while (nested->executeStep())
        ++rows;
    CHECK(rows == 4);
}

TEST_CASE("statement cache: without a scope, or for another connection, statements are one-use") {
    testing::temp_dir dir;
    auto a = scratch(dir.file("a.db"));
    auto b = scratch(dir.file("b.db"));
    const std::string sql = "SELECT count(*) FROM t";
    {
        auto x = store::prepare(a, sql);
        auto y = store::prepare(a, sql);
        CHECK(&*x != &*y);
    }
    store::statement_cache cache(a);
    store::statement_cache::scope use(cache);
    {
        auto on_b = store::prepare(b, sql);
        REQUIRE(on_b->executeStep());
        CHECK(on_b->getColumn(0).getInt() == 3);
    }
    CHECK(cache.size() == 0);
    { auto on_a = store::prepare(a, sql); }
    CHECK(cache.size() == 1);
}

TEST_CASE("statement cache: a full cache still serves, uncached") {
    testing::temp_dir dir;
    auto db = scratch(dir.file("a.db"));
    store::statement_cache cache(db, 2);
    store::statement_cache::scope use(cache);
    for (int i = 0; i < 5; ++i) {
        auto q = store::prepare(db, "SELECT " + std::to_string(i));
        REQUIRE(q->executeStep());
        CHECK(q->getColumn(0).getInt() == i);
    }
    CHECK(cache.size() == 2);
}
