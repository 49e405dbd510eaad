// The pipelined group commit (store::wal_syncer): the writer commits and goes on while another thread flushes
// the log; a write's caller is answered, and its events published, only after the flush; a reader may see the
// commit before, but read_durable returns only once it is on disk; with sync_mode::normal nothing is flushed.
#include "domain/events.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace asio = boost::asio;
using namespace relais;

namespace {

/// Holds the flushing thread in before_wal_flush while closed.
struct flush_gate {
    std::mutex m;
    std::condition_variable cv;
    bool closed = false;
    int waiting = 0;  ///< flushes held right now

    void before_flush() {
        std::unique_lock lock(m);
        ++waiting;
        cv.notify_all();
        cv.wait(lock, [this] { return !closed; });
        --waiting;
    }
    void close() {
        std::lock_guard lock(m);
        closed = true;
    }
    void open() {
        {
            std::lock_guard lock(m);
            closed = false;
        }
        cv.notify_all();
    }
    bool wait_held() {
        std::unique_lock lock(m);
        return cv.wait_for(lock, std::chrono::seconds(10), [this] { return waiting > 0; });
    }
};

bool eventually(const std::atomic<bool>& flag) {
    for (int i = 0; i < 1000 && !flag; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return flag;
}

int count_rows(SQLite::Database& c) {
    SQLite::Statement q(c, "SELECT COUNT(*) FROM t");
    q.executeStep();
    return q.getColumn(0).getInt();
}

/// The scratch table, created through the store from a coroutine on `ioc` (run by another thread).
void create_table(store::store& db, asio::io_context& ioc) {
    std::atomic<bool> created{false};
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            co_await db.write([](SQLite::Database& c) { c.exec("CREATE TABLE t (k INTEGER PRIMARY KEY)"); });
            created = true;
        },
        asio::detached);
    REQUIRE(eventually(created));
}

/// The rows a reader sees now (no wait for a flush).
int rows_seen(store::store& db, asio::io_context& ioc) {
    std::atomic<bool> done{false};
    int rows = -1;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            rows = co_await db.read([](SQLite::Database& c) { return count_rows(c); });
            done = true;
        },
        asio::detached);
    REQUIRE(eventually(done));
    return rows;
}

/// A store on a fresh file whose log flushes pass through `gate`.
struct gated_store {
    testing::temp_dir dir;
    flush_gate gate;
    store::store db;

    explicit gated_store(const std::string& file) : db(options(dir.file(file), gate)) {}
    static store::store_options options(std::string path, flush_gate& gate) {
        store::store_options opts;
        opts.path = std::move(path);
        opts.before_wal_flush = [&gate] { gate.before_flush(); };
        return opts;
    }
};

}  // namespace

TEST_CASE("a write is answered and its events published only once its commit is flushed") {
    gated_store g("flush.db");
    auto& gate = g.gate;
    auto& db = g.db;
    std::atomic<bool> published{false};
    db.events().subscribe([&](const store::committed_batch& b) {
        for (const auto& e : b.events)
            if (e.entity_id == "held")
                published = true;
    });

    asio::io_context ioc;
    auto work = asio::make_work_guard(ioc);
    std::thread io([&] { ioc.run(); });
    create_table(db, ioc);
    const auto flushes_before = db.wal_flushes();
    CHECK(flushes_before >= 1);  // synchronous=FULL by default: the commit was flushed on the syncer

    gate.close();
    std::atomic<bool> answered{false}, seen{false}, durable_read{false};
    std::atomic<int> seen_rows{-1}, durable_rows{-1};
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            co_await db.write([](SQLite::Database& c) {
                c.exec("INSERT INTO t(k) VALUES (1)");
                domain::append_event(
                    c, 1000, domain::system_actor(),
                    {"category", "held", "updated", std::nullopt, std::nullopt, std::nullopt, {}});
            });
            answered = true;
        },
        asio::detached);
    REQUIRE(gate.wait_held());  // committed, its flush held

    // A reader sees the commit already; one that must act on it only on disk waits.
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            seen_rows = co_await db.read([](SQLite::Database& c) { return count_rows(c); });
            seen = true;
            durable_rows = co_await db.read_durable([](SQLite::Database& c) { return count_rows(c); });
            durable_read = true;
        },
        asio::detached);
    REQUIRE(eventually(seen));
    CHECK(seen_rows == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(answered.load());
    CHECK_FALSE(published.load());
    CHECK_FALSE(durable_read.load());

    gate.open();
    CHECK(eventually(answered));
    CHECK(eventually(durable_read));
    CHECK(durable_rows == 1);
    CHECK(eventually(published));
    CHECK(db.wal_flushes() > flushes_before);

    work.reset();
    io.join();
}

TEST_CASE("the writer goes on with the next group commit while the last one is flushed") {
    gated_store g("pipeline.db");
    auto& gate = g.gate;
    auto& db = g.db;

    asio::io_context ioc;
    auto work = asio::make_work_guard(ioc);
    std::thread io([&] { ioc.run(); });
    create_table(db, ioc);

    gate.close();
    const auto flushes_before = db.wal_flushes();
    const auto commits_before = db.stats().commits.load();
    // One write at a time, each visible to readers before the next is queued: each its own group commit,
    // all made while the first one's flush is held, and none answered.
    constexpr int n = 5;
    std::atomic<int> answered{0};
    for (int i = 0; i < n; ++i) {
        asio::co_spawn(
            asio::make_strand(ioc),
            [&, i]() -> asio::awaitable<void> {
                co_await db.write([i](SQLite::Database& c) {
                    SQLite::Statement ins(c, "INSERT INTO t(k) VALUES (?)");
                    ins.bind(1, i);
                    ins.exec();
                });
                answered++;
            },
            asio::detached);
        int rows = rows_seen(db, ioc);
        for (int tries = 0; tries < 1000 && rows < i + 1; ++tries) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            rows = rows_seen(db, ioc);
        }
        REQUIRE(rows == i + 1);
    }
    REQUIRE(gate.wait_held());
    CHECK(answered == 0);
    CHECK(db.stats().commits.load() - commits_before == n);

    gate.open();
    for (int i = 0; i < 1000 && answered < n; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(answered == n);
    // The held flush and one more for the commits that piled up behind it: not one flush per commit.
    CHECK(db.wal_flushes() - flushes_before <= 2);

    work.reset();
    io.join();
}

TEST_CASE("with synchronous=NORMAL the log is never flushed by the writer's side") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("normal.db");
    opts.sync = store::sync_mode::normal;
    store::store db(opts);
    asio::io_context ioc;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            co_await db.write([](SQLite::Database& c) { c.exec("CREATE TABLE t (k INTEGER PRIMARY KEY)"); });
            for (int i = 0; i < 5; ++i)
                co_await db.write([i](SQLite::Database& c) {
                    SQLite::Statement ins(c, "INSERT INTO t(k) VALUES (?)");
                    ins.bind(1, i);
                    ins.exec();
                });
            const int n = co_await db.read_durable([](SQLite::Database& c) { return count_rows(c); });
            CHECK(n == 5);
        },
        asio::detached);
    ioc.run();
    CHECK(db.wal_flushes() == 0);
}
