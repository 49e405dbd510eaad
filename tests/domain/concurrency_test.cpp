// The overlap invariant under concurrency: many simultaneous assignments of one volunteer to overlapping
// slots, submitted from several strands and threads to the real store; exactly one wins.
#include "domain/domain_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <thread>

namespace asio = boost::asio;
using namespace relais::domain_test;
using relais::error_kind;

namespace {

/// Runs `ioc` on `threads` threads until it has no more work.
void run_on_threads(asio::io_context& ioc, int threads) {
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        pool.emplace_back([&ioc] { ioc.run(); });
    for (auto& t : pool)
        t.join();
    ioc.restart();
}

template <class F>
auto run_write(relais::store::store& st, F f) {
    asio::io_context ioc;
    std::optional<std::invoke_result_t<F&, SQLite::Database&>> out;
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { out = co_await st.write(std::move(f)); }, asio::detached);
    ioc.run();
    return *out;
}

}  // namespace

TEST_CASE("concurrent proposals of one volunteer for overlapping slots: exactly one succeeds, the rest 409") {
    relais::testing::temp_dir dir;
    relais::store::store_options opts;
    opts.path = dir.file("c.db");
    opts.max_batch = 8;  // several group commits, so jobs of different batches race too
    relais::store::store st(opts);

    constexpr int n = 50;
    struct setup_result {
        std::string volunteer;
        std::vector<std::string> requests;
    };
    auto setup = [](SQLite::Database& db) {
        relais::testing::add_demo_map(db);
        setup_result r;
        volunteer_input in;
        in.first_name = "Camille";
        in.last_name = "Le Goff";
        in.email = "camille@example.org";
        in.phone = "+33612345678";
        in.neighbourhood = "centre";
        in.skills = {"shopping"};
        in.max_missions_per_week = 14;
        r.volunteer = register_volunteer(db, in, "h", t0(), public_actor());
        activate_volunteer(db, r.volunteer, t0(), coordinator());
        for (int i = 0; i < n; ++i) {
            request_input q;
            resident_input res;
            res.first_name = "R";
            res.last_name = std::to_string(i);
            res.phone = "+33611111111";
            res.address = "1 rue X";
            res.neighbourhood = "centre";
            q.resident = res;
            q.category = "shopping";
            q.urgency = "today";
            q.recurrence = "once";
            q.channel = "phone";
            q.window_from = t0();
            q.window_until = t0() + 7 * day;
            r.requests.push_back(create_request(db, q, t0(), coordinator()).id);
        }
        return r;
    };
    const auto data = run_write(st, std::move(setup));

    std::atomic<int> ok{0}, conflicts{0}, other{0};
    asio::io_context ioc;
    std::vector<asio::strand<asio::io_context::executor_type>> strands;
    for (int s = 0; s < 8; ++s)
        strands.push_back(asio::make_strand(ioc));
    for (int i = 0; i < n; ++i) {
        // Every slot overlaps every other: they all contain [start + 50 min, start + 2 h).
        const std::int64_t starts = t0() + day + i * 60;
        asio::co_spawn(
            strands[i % strands.size()],
            [&, i, starts]() -> asio::awaitable<void> {
                auto job = [req = data.requests[i], vol = data.volunteer, starts](SQLite::Database& db) {
                    return propose_mission(db, req, vol, starts, starts + 2 * hour, t0(), coordinator());
                };
                try {
                    co_await st.write(std::move(job));
                    ok++;
                } catch (const relais::error& e) {
                    (e.kind() == error_kind::conflict ? conflicts : other)++;
                } catch (...) {
                    other++;
                }
            },
            asio::detached);
    }
    run_on_threads(ioc, 4);
    CHECK(ok == 1);
    CHECK(conflicts == n - 1);
    CHECK(other == 0);

    auto count = [vol = data.volunteer](SQLite::Database& db) {
        SQLite::Statement q(
            db, "SELECT COUNT(*) FROM mission WHERE volunteer_id = ? AND status IN ('proposed','accepted')");
        q.bind(1, vol);
        q.executeStep();
        return q.getColumn(0).getInt();
    };
    CHECK(run_write(st, std::move(count)) == 1);
    auto events = [](SQLite::Database& db) {
        return db.execAndGet("SELECT COUNT(*) FROM event WHERE entity = 'mission'").getInt();
    };
    CHECK(run_write(st, std::move(events)) == 1);  // the losers left no trace

    // Concurrent answers to one proposal: one accept wins; the other answers see it accepted.
    auto pending = [vol = data.volunteer](SQLite::Database& db) {
        return db.execAndGet("SELECT id FROM mission WHERE volunteer_id = '" + vol + "'").getString();
    };
    const auto mission = run_write(st, std::move(pending));
    std::atomic<int> accepted{0}, declined{0}, refused_answers{0};
    for (int i = 0; i < 20; ++i) {
        asio::co_spawn(
            strands[i % strands.size()],
            [&, i]() -> asio::awaitable<void> {
                auto job = [mission, i](SQLite::Database& db) {
                    if (i % 2 == 0)
                        accept_mission(db, mission, t0() + 1, coordinator());
                    else
                        decline_mission(db, mission, "not_available", std::nullopt, t0() + 1, coordinator());
                    return i % 2 == 0;
                };
                try {
                    const bool was_accept = co_await st.write(std::move(job));
                    (was_accept ? accepted : declined)++;
                } catch (const relais::error& e) {
                    (e.kind() == error_kind::conflict ? refused_answers : other)++;
                }
            },
            asio::detached);
    }
    run_on_threads(ioc, 4);
    CHECK(accepted + declined == 1);
    CHECK(refused_answers == 19);
    CHECK(other == 0);
}
