// The season replay (`relais replay`) at a small scale: it drives a whole season through the API of a real
// server with a movable clock and exits 0 only if the server's figures equal its ground truth.

#include "api/support/file_text.hpp"
#include "api/support/fixtures.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace relais::api_test;

namespace {

struct run_result {
    int code = -1;
    std::string out, err;
};

run_result replay(const std::string& options) {
    relais::testing::temp_dir tmp;
    const std::string cmd = std::string("'") + RELAIS_BINARY + "' replay " + options + " > '" +
                            tmp.file("out") + "' 2> '" + tmp.file("err") + "'";
    const int rc = std::system(cmd.c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, file_text(tmp.file("out")), file_text(tmp.file("err"))};
}

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

/// The replay's and the server's values of a figure in the replay's table ("name  rennes  replay  server
/// ok").
std::pair<long, long> figure(const std::string& out, const std::string& name) {
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string key, rennes;
        long replay = -1, server = -1;
        if (words >> key >> rennes >> replay >> server && key == name)
            return {replay, server};
    }
    return {-1, -1};
}

}  // namespace

TEST_CASE("relais replay --db: a small season through the API, the server's figures equal its ground truth") {
    relais::testing::temp_dir dir;
    const auto r = replay("--db '" + dir.file("season.db") + "' --seed 7 --scale 0.05 --weeks 10");
    INFO(r.out);
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(has(r.out, "whole season: "));
    CHECK(has(r.out, "default period: "));
    CHECK(has(r.out, "date-time bounds: "));
    CHECK(has(r.out, "The server's figures equal the season's ground truth."));
    CHECK_FALSE(has(r.out, "DIFFERS"));
    CHECK(has(r.err, "registration closed after three weeks"));
    // The season really happened: volunteers, requests and missions in the server's answer.
    CHECK(has(r.out, "volunteers_registered"));
    for (const char* name :
         {"volunteers_registered", "volunteers_active", "volunteers_mobilised", "missions_done",
          "residents_requesting", "residents_helped", "supports", "requests"}) {
        CAPTURE(name);
        const auto [truth, server] = figure(r.out, name);
        CHECK(truth > 0);
        CHECK(truth == server);
    }
    // Its silent round: proposals nobody answered, expired by the server's own maintenance tick while the
    // replay waited with the clock frozen at their expiry time, and counted alike on both sides.
    CHECK(has(r.err, "waiting for the server's expiry tick"));
    const auto [expired_truth, expired_server] = figure(r.out, "proposals_expired");
    CHECK(expired_truth > 0);
    CHECK(expired_truth == expired_server);
    // The second programme (on by default): the first closed with its supports reviewed, volunteers in the
    // reserve, called back 44 weeks later by a campaign; the reserve's figures and each programme's requests
    // equal on both sides, and the periods over the second programme and over both compared in full.
    CHECK(has(r.out, "both programmes: "));
    CHECK(has(r.out, "second programme: "));
    CHECK(has(r.err, "first programme closed: "));
    // The three weekly calls asked for in the season's last fortnight are running at the close: one of each
    // decision.
    CHECK(has(r.out, "1 supports continued, 1 handed over, 1 ended"));
    CHECK(has(r.err, "reactivation campaign to "));
    for (const char* name : {"programme_1_requests", "programme_2_requests", "reserve_joined",
                             "reserve_reactivated", "reserve_campaigns", "reserve_recipients"}) {
        CAPTURE(name);
        const auto [truth, server] = figure(r.out, name);
        CHECK(truth > 0);
        CHECK(truth == server);
    }
    for (const char* name : {"reserve_members", "reserve_left", "reserve_campaign_reactivations"}) {
        CAPTURE(name);
        const auto [truth, server] = figure(r.out, name);
        CHECK(truth >= 0);
        CHECK(truth == server);
    }
    // Its server was stopped.
    const auto log = file_text(dir.file("season.db.log"));
    CHECK(has(log, "proposals expired"));
    CHECK(has(log, "relais stopped cleanly"));
}

TEST_CASE("relais replay --url: against a running server with the test clock") {
    test_city city({"--test-clock"});
    ::setenv("RELAIS_REPLAY_ADMIN_EMAIL", admin_email.c_str(), 1);
    ::setenv("RELAIS_REPLAY_ADMIN_PASSWORD", admin_password.c_str(), 1);
    ::setenv("RELAIS_REPLAY_COORDINATOR_EMAIL", coordinator_email.c_str(), 1);
    ::setenv("RELAIS_REPLAY_COORDINATOR_PASSWORD", coordinator_password.c_str(), 1);
    // No silent round here (the --db season above waits for the expiry tick; this one need not).
    const auto r = replay("--url http://127.0.0.1:" + std::to_string(city.port()) +
                          " --seed 3 --scale 0.03 --weeks 6 --silent-rounds 0");
    INFO(r.out);
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(has(r.out, "The server's figures equal the season's ground truth."));
    // The summary the server gives afterwards is the second programme's (the current one): its requests.
    const auto s = city.staff_get("/api/v1/stats/summary");
    CHECK(s.at("figures").at("requests").as_int64() > 0);
    CHECK(has(r.out, "both programmes: "));

    // A second season on the same database is refused: the ground truth must be the whole database.
    const auto again =
        replay("--url http://127.0.0.1:" + std::to_string(city.port()) + " --seed 4 --scale 0.03");
    CHECK(again.code == 2);
    CHECK(has(again.err, "fresh"));
}

TEST_CASE("relais replay refuses a server without the test clock, and bad usage") {
    test_city city;
    ::setenv("RELAIS_REPLAY_ADMIN_EMAIL", admin_email.c_str(), 1);
    ::setenv("RELAIS_REPLAY_ADMIN_PASSWORD", admin_password.c_str(), 1);
    ::setenv("RELAIS_REPLAY_COORDINATOR_EMAIL", coordinator_email.c_str(), 1);
    ::setenv("RELAIS_REPLAY_COORDINATOR_PASSWORD", coordinator_password.c_str(), 1);
    const auto r = replay("--url http://127.0.0.1:" + std::to_string(city.port()) + " --scale 0.03");
    CHECK(r.code == 2);
    CHECK(has(r.err, "--test-clock"));

    CHECK(replay("").code == 64);
    CHECK(replay("--db x.db --url http://127.0.0.1:1").code == 64);
    CHECK(replay("--url ftp://example.org").code == 64);
    CHECK(replay("--db x.db --scale 0").code == 64);
    CHECK(replay("--db x.db --silent-rounds 11").code == 64);
    CHECK(replay("--db x.db --second-programme 27").code == 64);
    CHECK(replay("--db x.db --second-programme -1").code == 64);
    const auto help = replay("--help");
    CHECK(help.code == 0);
    CHECK(has(help.out, "Exits 0 when the server's figures equal"));
    relais::testing::temp_dir dir;
    { std::ofstream(dir.file("exists.db")) << "x"; }
    const auto exists = replay("--db '" + dir.file("exists.db") + "'");
    CHECK(exists.code == 64);
    CHECK(has(exists.err, "already exists"));
}
