// Crash safety (issue 8): concurrent public POSTs while the server is killed with SIGKILL at random moments,
// again and again; after each kill the database must hold every request that was answered 201, nothing
// that was refused, nothing half-written, and pass PRAGMA integrity_check. The same while `relais backup`
// copies the database. A process kill keeps what reached the OS (the page cache); power loss is what
// synchronous=FULL is for and cannot be simulated here.
#include "api/support/fixtures.hpp"
#include "api/support/http_client.hpp"
#include "api/support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <sys/wait.h>

#include <atomic>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

/// What a client saw for one POST: 201 with the new id, another status, or nothing (status 0: the server
/// died before answering, so the request may or may not have been committed).
struct outcome {
    std::string marker;
    unsigned status = 0;
    std::string id;
    std::string tracking_code;
};

/// Posts requests on one keep-alive connection until `stop` or until the server is gone. Every request has
/// an Idempotency-Key made of its marker, so a client's retry can never create it twice.
void post_until_stopped(std::uint16_t port, const std::string& prefix, const std::atomic<bool>& stop,
                        std::vector<outcome>& out) {
    http_client client(port, 5s);
    for (int i = 0; !stop; ++i) {
        outcome o;
        o.marker = prefix + "-" + std::to_string(i);
        try {
            auto res = client.post_json("/api/v1/requests", minimal_request(o.marker),
                                        {{"Idempotency-Key", "crash-idempotency-" + o.marker}});
            o.status = res.status;
            if (res.status == 201) {
                auto body = res.json().as_object();
                o.id = std::string(body.at("id").as_string());
                o.tracking_code = std::string(body.at("tracking_code").as_string());
            }
            out.push_back(std::move(o));
        } catch (const std::exception&) {
            out.push_back(std::move(o));  // no answer: the server was killed
            return;
        }
    }
}

std::int64_t count(SQLite::Database& db, const std::string& sql, const std::string& bind = {}) {
    SQLite::Statement q(db, sql);
    if (!bind.empty())
        q.bind(1, bind);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::string integrity(SQLite::Database& db) {
    SQLite::Statement q(db, "PRAGMA integrity_check");
    std::string out;
    while (q.executeStep())
        out += q.getColumn(0).getString();
    return out;
}

/// Structural consistency of public creations: a request always comes with its resident and both their
/// `created` events, and the reverse; no dangling foreign key.
void check_consistency(SQLite::Database& db) {
    CHECK(integrity(db) == "ok");
    CHECK(count(db, "SELECT COUNT(*) FROM pragma_foreign_key_check") == 0);
    CHECK(count(db,
                "SELECT COUNT(*) FROM request r WHERE NOT EXISTS (SELECT 1 FROM resident p WHERE p.id = "
                "r.resident_id)") == 0);
    CHECK(count(db,
                "SELECT COUNT(*) FROM resident p WHERE NOT EXISTS (SELECT 1 FROM request r WHERE "
                "r.resident_id = p.id)") == 0);
    CHECK(count(db,
                "SELECT COUNT(*) FROM request r WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.entity = "
                "'request' AND e.entity_id = r.id AND e.action = 'created')") == 0);
    CHECK(count(db,
                "SELECT COUNT(*) FROM resident p WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.entity = "
                "'resident' AND e.entity_id = p.id AND e.action = 'created')") == 0);
    CHECK(count(db,
                "SELECT COUNT(*) FROM event e WHERE e.entity = 'request' AND NOT EXISTS (SELECT 1 FROM "
                "request r WHERE r.id = e.entity_id)") == 0);
    // Every request of this test was posted with an Idempotency-Key: the key's record and the request
    // commit together, or neither does (the key is stored hashed, so only the counts can be compared).
    CHECK(count(db, "SELECT COUNT(*) FROM idempotency WHERE status = 201") ==
          count(db, "SELECT COUNT(*) FROM request"));
    CHECK(count(db,
                "SELECT COUNT(*) FROM (SELECT details FROM request GROUP BY details HAVING COUNT(*) > 1)") ==
          0);
}

/// Every acknowledged request is there with its id; nothing refused is there.
void check_outcomes(SQLite::Database& db, const std::vector<outcome>& all, std::size_t& acked,
                    std::size_t& unknown) {
    std::multimap<std::string, std::string> stored;  // details (the marker) -> id
    SQLite::Statement q(db, "SELECT details, id FROM request");
    while (q.executeStep())
        stored.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
    for (const auto& o : all) {
        INFO(o.marker << " answered " << o.status);
        const auto n = stored.count(o.marker);
        if (o.status == 201) {
            ++acked;
            REQUIRE(n == 1);
            CHECK(stored.find(o.marker)->second == o.id);
        } else if (o.status == 0) {
            ++unknown;
            CHECK(n <= 1);  // committed or not, but once and whole (check_consistency)
        } else {
            CHECK(n == 0);  // refused: not even partly written
        }
    }
}

/// Runs `relais backup` in a loop until `stop`, each copy into a new file; counts copies that completed.
void backup_loop(const std::string& db, const std::filesystem::path& dir, const std::atomic<bool>& stop,
                 std::vector<std::string>& copies, std::vector<std::string>& failures,
                 std::atomic<int>& done) {
    for (int i = 0; !stop; ++i) {
        const std::string out =
            (dir / ("copy-" + std::to_string(copies.size() + failures.size()) + ".db")).string();
        const std::string cmd = std::string("'") + RELAIS_BINARY + "' backup --db '" + db + "' --out '" +
                                out + "' > /dev/null 2> '" + out + ".err'";
        const int rc = std::system(cmd.c_str());
        if (WIFEXITED(rc) && WEXITSTATUS(rc) == 0)
            copies.push_back(out);
        else
            failures.push_back(out);
        ++done;
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
}

/// `rounds` cycles of: start the server on the same database, post from `threads` clients, SIGKILL it at a
/// random moment, check the database. With `with_backup`, `relais backup` runs in a loop meanwhile.
void crash_rounds(int rounds, int threads, bool with_backup, std::uint32_t seed) {
    relais::testing::temp_dir dir;
    const auto backups = dir.path() / "backups";
    std::filesystem::create_directories(backups);
    std::mt19937 rng(seed);
    std::size_t acked = 0, unknown = 0, refused = 0, copies_checked = 0;
    std::vector<std::string> copies, failures;

    for (int round = 0; round < rounds; ++round) {
        INFO("round " << round);
        server_options o;
        o.dir = dir.path();
        o.args = {"--public-post-limit", "0"};
        server_process server(o);
        std::atomic<bool> stop{false};
        std::vector<std::vector<outcome>> results(static_cast<std::size_t>(threads));
        std::vector<std::thread> posters;
        for (int t = 0; t < threads; ++t)
            posters.emplace_back(post_until_stopped, server.port(),
                                 "r" + std::to_string(round) + "t" + std::to_string(t), std::cref(stop),
                                 std::ref(results[static_cast<std::size_t>(t)]));
        std::atomic<bool> stop_backup{false};
        std::atomic<int> backups_done{0};
        std::thread backup_thread;
        if (with_backup) {
            backup_thread = std::thread(backup_loop, server.db_path(), backups, std::cref(stop_backup),
                                        std::ref(copies), std::ref(failures), std::ref(backups_done));
            // At least one whole backup under load in every round, then the kill lands during the next.
            for (int i = 0; i < 500 && backups_done == 0; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            CHECK(backups_done > 0);
        }

        // The kill lands anywhere: before the first commit, in the middle of a group commit, between two.
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 700)(rng)));
        server.kill();
        stop = true;
        for (auto& p : posters)
            p.join();
        stop_backup = true;
        if (backup_thread.joinable())
            backup_thread.join();

        // The database as the next start will find it (opening it runs the same WAL recovery).
        SQLite::Database db(server.db_path(), SQLite::OPEN_READWRITE);
        std::vector<outcome> all;
        for (auto& r : results)
            all.insert(all.end(), r.begin(), r.end());
        for (const auto& x : all)
            refused += x.status != 0 && x.status != 201;
        check_outcomes(db, all, acked, unknown);
        check_consistency(db);

        // The last copy the backup command reported done in this round (each copy was already integrity-
        // checked by the command itself) is a sound, consistent database of its own.
        if (copies.size() > copies_checked) {
            INFO("backup " << copies.back());
            SQLite::Database copy(copies.back(), SQLite::OPEN_READWRITE);
            check_consistency(copy);
            copies_checked = copies.size();
        }
    }

    // The last state, through the API: a restarted server answers for every acknowledged request.
    server_options o;
    o.dir = dir.path();
    o.args = {"--public-post-limit", "0"};
    server_process server(o);
    http_client client(server.port());
    CHECK(client.get("/healthz").status == 200);
    MESSAGE("crash test: " << rounds << " kills, " << acked << " acknowledged, " << unknown
                           << " unanswered at the kill, " << refused << " refused; " << copies.size()
                           << " backups made, " << failures.size() << " backups interrupted");
    CHECK(acked > static_cast<std::size_t>(rounds));  // the test did post something in most rounds
    if (with_backup)
        CHECK(copies.size() >= static_cast<std::size_t>(rounds));
    for (const auto& f : failures) {
        std::ifstream err(f + ".err");
        std::string why((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
        FAIL_CHECK("relais backup failed: " << why);
    }
}

}  // namespace

TEST_CASE("crash safety: SIGKILL during concurrent public POSTs loses nothing acknowledged") {
    crash_rounds(12, 4, false, 20261123);
}

TEST_CASE("crash safety: SIGKILL during concurrent public POSTs while backups run") {
    crash_rounds(10, 3, true, 11232026);
}
