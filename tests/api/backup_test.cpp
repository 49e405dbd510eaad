// Online backup and restore (issue 8): `relais backup` copies the database of a running server while public
// POSTs keep committing; a second server started on the copy has the data acknowledged before the backup
// began, and the copy passes PRAGMA integrity_check.
#include "api/support/file_text.hpp"
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
#include <mutex>
#include <sstream>
#include <thread>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

const std::string coord_email = "coordinator@example.org";
const std::string coord_password = "coordinator secret pass";

struct command_result {
    int code = -1;
    std::string out, err;
};

/// Runs the relais binary with `args` (shell-quoted here), standard input from `input`.
command_result run_relais(const std::string& args, const std::string& input = "") {
    relais::testing::temp_dir tmp;
    {
        std::ofstream in(tmp.file("in"), std::ios::binary);
        in << input;
    }
    const std::string cmd = std::string("'") + RELAIS_BINARY + "' " + args + " < '" + tmp.file("in") +
                            "' > '" + tmp.file("out") + "' 2> '" + tmp.file("err") + "'";
    const int rc = std::system(cmd.c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, file_text(tmp.file("out")), file_text(tmp.file("err"))};
}

struct created {
    std::string details, id, tracking_code;
};

created post_one(http_client& c, const std::string& details) {
    auto res = c.post_json("/api/v1/requests", minimal_request(details, "medicines"));
    INFO(res.describe());
    REQUIRE(res.status == 201);
    auto body = res.json().as_object();
    return {details, std::string(body.at("id").as_string()),
            std::string(body.at("tracking_code").as_string())};
}

std::string integrity(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "PRAGMA integrity_check");
    std::string out;
    while (q.executeStep())
        out += q.getColumn(0).getString();
    return out;
}

}  // namespace

TEST_CASE("relais backup: a consistent copy while POSTs commit; a server started on it has the data") {
    relais::testing::temp_dir live_dir, restored_dir;
    const std::string live_db = (live_dir.path() / "relais.db").string();
    auto added = run_relais("user add --db '" + live_db + "' --role coordinator --email " + coord_email,
                            coord_password + "\n");
    REQUIRE_MESSAGE(added.code == 0, added.err);

    server_options o;
    o.dir = live_dir.path();
    o.args = {"--public-post-limit", "0"};
    server_process live(o);
    http_client client(live.port());

    // Data before the backup.
    std::vector<created> before;
    for (int i = 0; i < 60; ++i)
        before.push_back(post_one(client, "before-" + std::to_string(i)));

    // Writers keep committing during the backup.
    std::atomic<bool> stop{false};
    std::mutex during_mutex;
    std::vector<created> during;
    std::vector<std::thread> writers;
    for (int t = 0; t < 3; ++t)
        writers.emplace_back([&, t] {
            http_client c(live.port());
            for (int i = 0; !stop; ++i) {
                auto r = post_one(c, "during-" + std::to_string(t) + "-" + std::to_string(i));
                std::lock_guard lock(during_mutex);
                during.push_back(std::move(r));
            }
        });
    std::this_thread::sleep_for(200ms);
    std::size_t during_at_start = 0;
    {
        std::lock_guard lock(during_mutex);
        during_at_start = during.size();
    }
    const std::string copy = (restored_dir.path() / "relais.db").string();
    auto backup = run_relais("backup --db '" + live_db + "' --out '" + copy + "'");
    std::this_thread::sleep_for(200ms);
    stop = true;
    for (auto& w : writers)
        w.join();
    INFO(backup.err);
    REQUIRE(backup.code == 0);
    CHECK(backup.out.find("integrity ok") != std::string::npos);
    CHECK(during.size() > during_at_start);  // writes did go on around the backup
    CHECK(integrity(copy) == "ok");
    CHECK_FALSE(std::filesystem::exists(copy + ".tmp"));

    // The copy is a snapshot: everything acknowledged before the backup started, each request whole.
    {
        SQLite::Database db(copy, SQLite::OPEN_READONLY);
        SQLite::Statement orphans(db,
                                  "SELECT COUNT(*) FROM request r WHERE NOT EXISTS (SELECT 1 FROM resident p "
                                  "WHERE p.id = r.resident_id)");
        orphans.executeStep();
        CHECK(orphans.getColumn(0).getInt() == 0);
        SQLite::Statement n(db, "SELECT COUNT(*) FROM request");
        n.executeStep();
        const auto in_copy = static_cast<std::size_t>(n.getColumn(0).getInt64());
        CHECK(in_copy >= before.size() + during_at_start);
        CHECK(in_copy <= before.size() + during.size());
    }

    // A backup never overwrites: the same target again is refused and leaves the copy alone.
    auto again = run_relais("backup --db '" + live_db + "' --out '" + copy + "'");
    CHECK(again.code == 1);
    CHECK(again.err.find("already exists") != std::string::npos);
    CHECK(run_relais("backup --db '" + live_db + "'").code == 64);
    CHECK(run_relais("backup --db '" + (live_dir.path() / "missing.db").string() + "' --out '" +
                     (restored_dir.path() / "x.db").string() + "'")
              .code == 1);

    // Restore = start relais on the copy: same data, through the API, while the original keeps running.
    server_options ro;
    ro.dir = restored_dir.path();
    server_process restored(ro);
    http_client reader(restored.port());
    CHECK(reader.get("/readyz").status == 200);
    for (std::size_t i = 0; i < before.size(); i += 7) {
        INFO(before[i].details);
        CHECK(reader.get("/api/v1/track/" + before[i].tracking_code).status == 200);
    }
    // The coordinator account came along: sign in on the restored server and read a request in full.
    auto login = reader.post_json("/api/v1/auth/login",
                                  json::object{{"email", coord_email}, {"password", coord_password}});
    REQUIRE(login.status == 200);
    reader.set_csrf(std::string(login.json().at("csrf_token").as_string()));
    for (const auto& c : {before.front(), before.back()}) {
        auto r = reader.get_json("/api/v1/requests/" + c.id);
        CHECK(r.at("details").as_string() == c.details);
        CHECK(r.at("category").as_string() == "medicines");
    }
    // And it is a separate database: what is written to the restored server does not reach the original.
    auto extra = post_one(reader, "after-restore");
    CHECK(client.get("/api/v1/track/" + extra.tracking_code).status == 404);
    CHECK(reader.get("/api/v1/track/" + extra.tracking_code).status == 200);
}

TEST_CASE("relais backup of a stopped server's database, and usage errors") {
    relais::testing::temp_dir dir;
    {
        server_options o;
        o.dir = dir.path();
        o.args = {"--public-post-limit", "0"};
        server_process s(o);
        http_client c(s.port());
        post_one(c, "stopped-server");
        CHECK(s.stop() == 0);
    }
    const std::string out = dir.file("copy.db");
    auto r = run_relais("backup --db '" + dir.file("relais.db") + "' --out '" + out + "'");
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(integrity(out) == "ok");
    {
        SQLite::Database db(out, SQLite::OPEN_READONLY);
        SQLite::Statement q(db, "SELECT COUNT(*) FROM request WHERE details = 'stopped-server'");
        q.executeStep();
        CHECK(q.getColumn(0).getInt() == 1);
    }
    CHECK(run_relais("backup --out '" + dir.file("y.db") + "'").code == 64);
    CHECK(run_relais("backup --db a --out b --frobnicate 1").code == 64);
    CHECK(run_relais("backup --help").code == 0);
}
