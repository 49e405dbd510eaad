#include "store/store.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

namespace asio = boost::asio;
using namespace relais;

TEST_CASE("group commit: many concurrent writes, a failing job does not fail its neighbours") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("s.db");
    store::store db(opts);

    asio::io_context ioc;
    // A scratch table (outside the schema) for the test.
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
        co_await db.write([](SQLite::Database& c) { c.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"); });
    }, asio::detached);
    ioc.run();
    ioc.restart();

    constexpr int n = 400;
    std::atomic<int> ok{0}, failed{0};
    std::atomic<int> wrong_thread{0};
    const auto io_thread = std::this_thread::get_id();
    for (int i = 0; i < n; ++i) {
        asio::co_spawn(asio::make_strand(ioc), [&, i]() -> asio::awaitable<void> {
            try {
                co_await db.write([i, &wrong_thread, io_thread](SQLite::Database& c) {
                    if (std::this_thread::get_id() == io_thread)
                        wrong_thread++;
                    SQLite::Statement ins(c, "INSERT INTO t(k, v) VALUES (?, 'x')");
                    ins.bind(1, i);
                    ins.exec();
                    if (i % 7 == 0)
                        throw std::runtime_error("job refuses");  // its own insert must be undone
                });
                ok++;
            } catch (const std::runtime_error&) {
                failed++;
            }
            // Resumed on the caller's side, not on the writer thread.
            if (std::this_thread::get_id() != io_thread)
                wrong_thread++;
        }, asio::detached);
    }
    ioc.run();
    const int expected_failed = (n + 6) / 7;
    CHECK(failed == expected_failed);
    CHECK(ok == n - expected_failed);
    CHECK(wrong_thread == 0);

    ioc.restart();
    int rows = -1;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
        rows = co_await db.read([](SQLite::Database& c) { return c.execAndGet("SELECT COUNT(*) FROM t").getInt(); });
    }, asio::detached);
    ioc.run();
    CHECK(rows == n - expected_failed);
    // Writes were grouped: fewer commits than jobs.
    CHECK(db.stats().commits.load() < static_cast<std::uint64_t>(n));
    CHECK(db.stats().failed_jobs.load() == static_cast<std::uint64_t>(expected_failed));
}

TEST_CASE("a full queue refuses with 'unavailable' instead of growing") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("q.db");
    opts.write_queue = 1;
    opts.max_batch = 1;
    store::store db(opts);
    asio::io_context ioc;
    std::atomic<int> refused{0}, done{0};
    std::atomic<bool> release{false};
    // The first job blocks the writer until released; of the next ones, at most one fits the queue.
    for (int i = 0; i < 5; ++i) {
        asio::co_spawn(ioc, [&, i]() -> asio::awaitable<void> {
            try {
                co_await db.write([&, i](SQLite::Database&) {
                    if (i == 0)
                        while (!release)
                            std::this_thread::sleep_for(std::chrono::milliseconds(1));
                });
                done++;
            } catch (const error& e) {
                if (e.kind() == error_kind::unavailable)
                    refused++;
            }
            if (i == 0)
                co_return;
        }, asio::detached);
        if (i == 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the writer take job 0
        ioc.poll();
    }
    release = true;
    ioc.run();
    CHECK(refused >= 3);
    CHECK(done + refused == 5);
}

TEST_CASE("stop drains queued writes before closing") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("d.db");
    {
        store::store db(opts);
        asio::io_context ioc;
        asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
            co_await db.write([](SQLite::Database& c) { c.exec("CREATE TABLE t (k INTEGER)"); });
            for (int i = 0; i < 50; ++i)
                co_await db.write([](SQLite::Database& c) { c.exec("INSERT INTO t VALUES (1)"); });
        }, asio::detached);
        ioc.run();
        db.stop();
    }
    SQLite::Database check(opts.path);
    CHECK(check.execAndGet("SELECT COUNT(*) FROM t").getInt() == 50);
}
