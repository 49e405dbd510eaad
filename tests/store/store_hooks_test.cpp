// The store's non-waiting writes, the watched-table generation and the checkpointer thread.
#include "store/store.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

namespace asio = boost::asio;
using namespace relais;

namespace {

/// Runs `f` as a write job and waits for its commit.
template <class F>
void write_now(store::store& db, F f) {
    asio::io_context ioc;
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { co_await db.write(std::move(f)); }, asio::detached);
    ioc.run();
}

std::int64_t count_rows(const std::string& path, const char* table) {
    SQLite::Database c(path, SQLite::OPEN_READONLY);
    return c.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
}

}  // namespace

TEST_CASE("post_write: the caller does not wait, the job commits, and stop() drains the queue") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("s.db");
    {
        store::store db(opts);
        write_now(db, [](SQLite::Database& c) { c.exec("CREATE TABLE t (k INTEGER PRIMARY KEY)"); });
        for (int i = 0; i < 500; ++i)
            CHECK(db.post_write([i](SQLite::Database& c) {
                SQLite::Statement q(c, "INSERT INTO t(k) VALUES (?)");
                q.bind(1, i);
                q.exec();
            }));
        // A job that fails is undone alone and does not disturb the others.
        CHECK(db.post_write([](SQLite::Database& c) {
            c.exec("INSERT INTO t(k) VALUES (100000)");
            throw std::runtime_error("refused");
        }));
        db.stop();
        CHECK_FALSE(db.post_write([](SQLite::Database&) {}));  // stopped: refused, not lost silently
    }
    CHECK(count_rows(opts.path, "t") == 500);
}

TEST_CASE("watched generation: moves on commits that touch a watched table, not on others") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("s.db");
    opts.watched_tables = {"w"};
    store::store db(opts);
    write_now(db, [](SQLite::Database& c) {
        c.exec("CREATE TABLE w (k INTEGER PRIMARY KEY, v TEXT)");
        c.exec("CREATE TABLE other (k INTEGER PRIMARY KEY)");
    });
    const auto g0 = db.watched_generation();
    write_now(db, [](SQLite::Database& c) { c.exec("INSERT INTO other(k) VALUES (1)"); });
    CHECK(db.watched_generation() == g0);
    write_now(db, [](SQLite::Database& c) { c.exec("INSERT INTO w(k, v) VALUES (1, 'a')"); });
    const auto g1 = db.watched_generation();
    CHECK(g1 > g0);
    write_now(db, [](SQLite::Database& c) { c.exec("UPDATE w SET v = 'b' WHERE k = 1"); });
    const auto g2 = db.watched_generation();
    CHECK(g2 > g1);
    write_now(db, [](SQLite::Database& c) { c.exec("DELETE FROM w WHERE k = 1"); });
    CHECK(db.watched_generation() > g2);
    // A job that changed a watched row and then failed moves it too (conservative, never stale).
    const auto g3 = db.watched_generation();
    asio::io_context ioc;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            try {
                co_await db.write([](SQLite::Database& c) {
                    c.exec("INSERT INTO w(k, v) VALUES (2, 'x')");
                    throw std::runtime_error("refused");
                });
            } catch (const std::runtime_error&) {
            }
        },
        asio::detached);
    ioc.run();
    CHECK(db.watched_generation() > g3);
    CHECK(count_rows(opts.path, "w") == 0);
}

TEST_CASE(
    "the default watched tables are the ones sessions and the queue are read from, and can be watched") {
    testing::temp_dir dir;
    store::store_options opts;
    CHECK(opts.watched_tables ==
          std::vector<std::string>{"session", "users", "volunteer", "request", "resident"});
    opts.path = dir.file("s.db");
    {
        store::store db(opts);  // would throw if one of them were WITHOUT ROWID
        const auto g = db.watched_generation();
        write_now(db, [](SQLite::Database& c) {
            c.exec(
                "INSERT INTO users(id, email, role, password_hash, created_at, password_changed_at) "
                "VALUES ('usr_1', 'a@example.org', 'admin', 'x', 0, 0)");
            c.exec(
                "INSERT INTO session(token_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at) "
                "VALUES ('h', 'usr_1', 'c', 0, 0, 10)");
        });
        const auto g1 = db.watched_generation();
        CHECK(g1 > g);
        write_now(db, [](SQLite::Database& c) { c.exec("DELETE FROM session WHERE token_hash = 'h'"); });
        CHECK(db.watched_generation() > g1);  // a logout is seen
    }
    // A WITHOUT ROWID table would change unseen: refused at start.
    {
        SQLite::Database c(opts.path, SQLite::OPEN_READWRITE);
        c.exec("CREATE TABLE quiet (k TEXT PRIMARY KEY) WITHOUT ROWID");
    }
    opts.watched_tables = {"quiet"};
    CHECK_THROWS_AS(store::store{opts}, std::logic_error);
}

TEST_CASE("checkpoints run on their own thread once the log passes its threshold, and the log restarts") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("s.db");
    store::store db(opts);
    write_now(db, [](SQLite::Database& c) { c.exec("CREATE TABLE blob (k INTEGER PRIMARY KEY, v BLOB)"); });
    CHECK(db.checkpoints() == 0);
    // 24 MB in 1 MB rows, one commit each: past the 4,000-page (16 MB) threshold.
    for (int i = 0; i < 24; ++i)
        write_now(db, [](SQLite::Database& c) { c.exec("INSERT INTO blob(v) VALUES (zeroblob(1048576))"); });
    for (int i = 0; i < 500 && db.checkpoints() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(db.checkpoints() >= 1);
    // Wait until no checkpoint is pending or running (the count stays put for half a second: a
    // checkpoint of 24 MB takes a few milliseconds, or a few hundred under sanitizers on a busy machine).
    auto settle = [&db] {
        for (int i = 0; i < 40; ++i) {
            const auto n = db.checkpoints();
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            if (db.checkpoints() == n)
                return;
        }
    };
    settle();
    // The data is in the database file itself now.
    for (int i = 0; i < 100 && std::filesystem::file_size(opts.path) < 24u * 1048576u; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(std::filesystem::file_size(opts.path) >= 24u * 1048576u);
    // Then the writer starts the log again from its beginning: more writes do not grow the file.
    const auto wal = opts.path + "-wal";
    const auto size_after = std::filesystem::file_size(wal);
    for (int i = 0; i < 8; ++i)
        write_now(db, [](SQLite::Database& c) { c.exec("INSERT INTO blob(v) VALUES (zeroblob(1048576))"); });
    CHECK(std::filesystem::file_size(wal) <= size_after);
    CHECK(count_rows(opts.path, "blob") == 32);
}

TEST_CASE("under a steady flow of writes the log still starts again from its beginning: it stays bounded") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("flow.db");
    store::store db(opts);
    write_now(db, [](SQLite::Database& c) { c.exec("CREATE TABLE blob (k INTEGER PRIMARY KEY, v BLOB)"); });
    // 96 MB in 4 KB rows, submitted without waiting, so that the writer commits one group after another
    // while the checkpointer copies: each of its passes ends with the frames committed meanwhile still to
    // copy. Without the writer copying that tail itself, the log grew for as long as the flow lasted.
    const int rows = 24576;
    for (int i = 0; i < rows; ++i)
        while (!db.post_write(
            [](SQLite::Database& c) { c.exec("INSERT INTO blob(v) VALUES (zeroblob(4000))"); }))
            std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the queue is full: wait a little
    db.stop();
    CHECK(count_rows(opts.path, "blob") == rows);
    INFO("restarts: ", db.wal_restarts(), ", checkpoints: ", db.checkpoints());
    CHECK(db.wal_restarts() >= 3);
    // The log file keeps its largest size (SQLite writes over it from the start): at most the 16 MB
    // threshold, the tail, and the groups committed while a pass ran, far from the 96 MB written.
    const auto wal = opts.path + "-wal";
    CHECK((!std::filesystem::exists(wal) || std::filesystem::file_size(wal) < 48u * 1048576u));
}
