// The committed events of the store (store::event_collector, store::event_dispatcher): after each group
// commit the events it made durable reach the subscribers, in commit order, on the dispatcher's thread; a
// job rolled back to its savepoint, or a savepoint rolled back inside a job, contributes none; a queue
// that overflows drops batches and says so.
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
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using namespace relais;

namespace {

/// An event the statistics ignore, naming itself by its entity id.
void log_event(SQLite::Database& db, const std::string& id) {
    domain::append_event(db, 1000, domain::system_actor(),
                         {"category", id, "updated", std::nullopt, std::nullopt, std::nullopt, {{"n", id}}});
}

/// What a subscriber received, with the thread it ran on.
struct received {
    std::mutex m;
    std::condition_variable cv;
    std::vector<std::string> ids;
    std::vector<std::int64_t> seqs;
    std::vector<std::size_t> batch_sizes;
    bool gap = false;
    std::thread::id thread;

    void take(const store::committed_batch& b) {
        std::lock_guard lock(m);
        thread = std::this_thread::get_id();
        gap = gap || b.gap;
        batch_sizes.push_back(b.events.size());
        for (const auto& e : b.events) {
            ids.push_back(e.entity_id);
            seqs.push_back(e.seq);
        }
        cv.notify_all();
    }
    /// Waits (up to 10 s) until an event with this id arrived.
    bool wait_for(const std::string& id) {
        std::unique_lock lock(m);
        return cv.wait_for(lock, std::chrono::seconds(10),
                           [&] { return std::find(ids.begin(), ids.end(), id) != ids.end(); });
    }
};

/// Runs `f` as one write job and waits for its commit.
template <class F>
void write_now(store::store& db, F f) {
    asio::io_context ioc;
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { co_await db.write(std::move(f)); }, asio::detached);
    ioc.run();
}

}  // namespace

TEST_CASE("committed events: a rolled-back job or inner savepoint contributes none; order is commit order") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("events.db");
    store::store db(opts);
    received got;
    db.events().subscribe([&](const store::committed_batch& b) { got.take(b); });

    // Queued at once, so that they share group commits: a job that throws after logging, one whose inner
    // savepoint is rolled back (like a weekly continuation that could not be proposed), and good ones.
    std::atomic<std::thread::id> writer_thread{};
    asio::io_context ioc;
    for (int i = 0; i < 60; ++i) {
        asio::co_spawn(
            asio::make_strand(ioc),
            [&, i]() -> asio::awaitable<void> {
                try {
                    co_await db.write([i, &writer_thread](SQLite::Database& c) {
                        writer_thread = std::this_thread::get_id();
                        log_event(c, "job-" + std::to_string(i));
                        if (i % 5 == 0)
                            throw std::runtime_error("this job fails: its event must vanish");
                        if (i % 5 == 1) {
                            c.exec("SAVEPOINT inner");
                            log_event(c, "inner-" + std::to_string(i));
                            c.exec("ROLLBACK TO inner");
                            c.exec("RELEASE inner");
                        }
                    });
                } catch (const std::runtime_error&) {
                }
            },
            asio::detached);
    }
    ioc.run();
    write_now(db, [](SQLite::Database& c) { log_event(c, "last"); });
    REQUIRE(got.wait_for("last"));

    std::lock_guard lock(got.m);
    // Exactly the committed rows of the log, in its order.
    std::vector<std::string> logged;
    std::vector<std::int64_t> logged_seqs;
    write_now(db, [&](SQLite::Database& c) {
        SQLite::Statement q(c, "SELECT entity_id, seq FROM event ORDER BY seq");
        while (q.executeStep()) {
            logged.push_back(q.getColumn(0).getString());
            logged_seqs.push_back(q.getColumn(1).getInt64());
        }
    });
    CHECK(got.ids == logged);
    CHECK(got.seqs == logged_seqs);
    CHECK(std::is_sorted(got.seqs.begin(), got.seqs.end()));
    CHECK(got.ids.size() == 60 - 12 + 1);  // 12 failing jobs of 60, plus "last"
    for (const auto& id : got.ids) {
        CHECK(id.find("inner-") == std::string::npos);
        if (id.starts_with("job-"))
            CHECK(std::stoi(id.substr(4)) % 5 != 0);
    }
    CHECK_FALSE(got.gap);
    // Several jobs per commit at least once (the point of the test), and off the writer thread.
    CHECK(std::any_of(got.batch_sizes.begin(), got.batch_sizes.end(), [](std::size_t n) { return n > 1; }));
    CHECK(got.thread != writer_thread.load());
    CHECK(got.thread != std::this_thread::get_id());
}

TEST_CASE("committed events: a transaction with no event publishes nothing; a failed COMMIT nothing either") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("quiet.db");
    store::store db(opts);
    received got;
    db.events().subscribe([&](const store::committed_batch& b) { got.take(b); });
    write_now(db, [](SQLite::Database& c) { c.exec("CREATE TABLE scratch (k INTEGER PRIMARY KEY)"); });
    // A deferred foreign key violation makes COMMIT itself fail: the batch's event never happened.
    write_now(db, [](SQLite::Database& c) {
        c.exec(
            "CREATE TABLE parent (k INTEGER PRIMARY KEY); "
            "CREATE TABLE child (p INTEGER REFERENCES parent(k) DEFERRABLE INITIALLY DEFERRED)");
    });
    bool commit_failed = false;
    {
        asio::io_context ioc;
        asio::co_spawn(
            ioc,
            [&]() -> asio::awaitable<void> {
                try {
                    co_await db.write([](SQLite::Database& c) {
                        log_event(c, "doomed");
                        c.exec("INSERT INTO child(p) VALUES (7)");
                    });
                } catch (const std::exception&) {
                    commit_failed = true;
                }
            },
            asio::detached);
        ioc.run();
    }
    CHECK(commit_failed);
    write_now(db, [](SQLite::Database& c) { log_event(c, "after"); });
    REQUIRE(got.wait_for("after"));
    std::lock_guard lock(got.m);
    CHECK(got.ids == std::vector<std::string>{"after"});
    CHECK(got.batch_sizes == std::vector<std::size_t>{1});
}

TEST_CASE("event dispatcher: bounded; a full queue drops a batch and the next one says so") {
    store::event_dispatcher d(2);  // two events may wait
    std::mutex gate;
    std::unique_lock hold(gate);  // the subscriber blocks on the first batch until released
    received got;
    std::atomic<int> calls{0};
    d.subscribe([&](const store::committed_batch& b) {
        if (calls++ == 0)
            std::lock_guard wait(gate);
        got.take(b);
    });
    auto one = [](const std::string& id) {
        store::committed_event e;
        e.entity_id = id;
        return std::vector<store::committed_event>{e};
    };
    d.publish(one("a"));  // taken by the thread, which blocks
    while (calls.load() == 0)
        std::this_thread::yield();
    d.publish(one("b"));
    d.publish(one("c"));  // the queue holds b and c
    d.publish(one("d"));  // full: dropped, never blocking this thread
    CHECK(d.dropped() == 1);
    hold.unlock();
    REQUIRE(got.wait_for("c"));
    d.publish(one("e"));
    REQUIRE(got.wait_for("e"));
    std::lock_guard lock(got.m);
    CHECK(got.ids == std::vector<std::string>{"a", "b", "c", "e"});
    CHECK(got.gap);  // "e" came flagged: something before it was lost
}

TEST_CASE("event dispatcher: unsubscribed handlers get nothing more; stop delivers what was queued") {
    store::event_dispatcher d;
    received first, second;
    const auto id = d.subscribe([&](const store::committed_batch& b) { first.take(b); });
    d.subscribe([&](const store::committed_batch& b) { second.take(b); });
    store::committed_event e;
    e.entity_id = "x";
    d.publish({e});
    REQUIRE(first.wait_for("x"));
    d.unsubscribe(id);
    e.entity_id = "y";
    d.publish({e});
    d.stop();
    {
        std::lock_guard lock(second.m);
        CHECK(second.ids == std::vector<std::string>{"x", "y"});
    }
    std::lock_guard lock(first.m);
    CHECK(first.ids == std::vector<std::string>{"x"});
    CHECK(d.delivered() == 2);
}

TEST_CASE(
    "before commit: the step writes in the same transaction, sees exactly the kept events, and its "
    "failure undoes only its own writes") {
    testing::temp_dir dir;
    store::store_options opts;
    opts.path = dir.file("before.db");
    std::atomic<int> calls{0};
    opts.before_commit = [&calls](SQLite::Database& c, const std::vector<store::committed_event>& events) {
        ++calls;
        for (const auto& e : events) {
            // A table of its own (like the outbox): one row per event it was handed.
            c.exec("CREATE TABLE IF NOT EXISTS told(id TEXT)");
            SQLite::Statement q(c, "INSERT INTO told(id) VALUES (?)");
            q.bind(1, e.entity_id);
            q.exec();
            if (e.entity_id == "poison")
                throw std::runtime_error("the step fails on this one");
        }
        return std::size_t{0};
    };
    store::store db(opts);
    write_now(db, [](SQLite::Database& c) { log_event(c, "one"); });
    // A job that fails: its event is not handed over.
    try {
        write_now(db, [](SQLite::Database& c) {
            log_event(c, "rolled-back");
            throw std::runtime_error("refused");
        });
    } catch (const std::runtime_error&) {
    }
    // A commit without events: the step is not called.
    const int before_empty = calls.load();
    write_now(db, [](SQLite::Database& c) { c.exec("CREATE TABLE IF NOT EXISTS other(x)"); });
    CHECK(calls.load() == before_empty);
    // The step fails: the change still commits, the step's rows for it do not.
    write_now(db, [](SQLite::Database& c) { log_event(c, "poison"); });
    std::vector<std::string> told, logged;
    write_now(db, [&](SQLite::Database& c) {
        SQLite::Statement q(c, "SELECT id FROM told ORDER BY rowid");
        while (q.executeStep())
            told.push_back(q.getColumn(0).getString());
        SQLite::Statement e(c, "SELECT entity_id FROM event ORDER BY seq");
        while (e.executeStep())
            logged.push_back(e.getColumn(0).getString());
    });
    CHECK(told == std::vector<std::string>{"one"});
    CHECK(logged == std::vector<std::string>{"one", "poison"});
    CHECK(db.stats().failed_before_commit.load() == 1);
}
