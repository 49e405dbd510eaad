#include "replay/demo.hpp"

#include "auth/user_command.hpp"
#include "domain/time_format.hpp"
#include "replay/child_server.hpp"
#include "replay/http_client.hpp"
#include "replay/season.hpp"
#include "stats/report.hpp"
#include "store/connection.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace relais::replay {

namespace fs = std::filesystem;

namespace {

constexpr const char* demo_password = "relais-demo-2026";
constexpr const char* admin_email = "admin@relais.demo";
constexpr const char* coordinator_email = "coordination@relais.demo";

bool database_is_empty(const std::string& path) {
    auto db = store::open_reader(path);
    return db.execAndGet("SELECT COUNT(*) FROM volunteer").getInt() == 0 &&
           db.execAndGet("SELECT COUNT(*) FROM users").getInt() == 0;
}

/// The database file at `path` and its companions (write-ahead log, shared memory), if any.
void remove_database(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        fs::remove(path + suffix);
}

}  // namespace

std::vector<demo_login> seed_demo_if_empty(const std::string& path, std::int64_t now, const demo_options& o) {
    if (!database_is_empty(path))
        return {};
    const auto started = std::chrono::steady_clock::now();
    // The season is played on a database of its own next to the real one, which it replaces only once the
    // season is complete: a failed demo leaves an empty database, never half a city.
    const std::string season_db = path + ".demo";
    const std::string log_path = season_db + ".log";
    remove_database(season_db);

    for (const auto& [role, email] :
         {std::pair{"admin", admin_email}, std::pair{"coordinator", coordinator_email}}) {
        std::istringstream pw(std::string(demo_password) + "\n");
        std::ostringstream id, problems;
        if (auth::run_user_command({"add", "--db", season_db, "--role", role, "--email", email}, pw, id,
                                   problems) != 0)
            throw std::runtime_error("the demo's " + std::string(role) +
                                     " account could not be created: " + problems.str());
    }

    replay::season_options so;
    so.seed = o.seed;
    so.scale = o.scale;
    so.weeks = o.weeks;
    so.demo = true;
    so.demo_ends_at = now;
    so.volunteer_password = demo_password;
    const std::int64_t start = replay::demo_season_start(now, o.weeks);
    {
        // A private server on the loopback interface, its programme clock at the season's start, for the time
        // of the season only; the real server starts afterwards without the test clock.
        replay::child_server server(season_db, log_path,
                                    {"--test-clock-start", domain::format_iso8601(start)});
        replay::http_client admin("127.0.0.1", server.port()), coordinator("127.0.0.1", server.port());
        admin.sign_in(admin_email, demo_password);
        coordinator.sign_in(coordinator_email, demo_password);
        std::ostringstream progress;
        const auto result = replay::play_season(admin, coordinator, "127.0.0.1", server.port(), so, progress);

        // The season knows what it did: the server's figures must say the same (a warning only, the demo is
        // still usable; `relais replay` is the test that fails on it).
        const std::string query = "/api/v1/stats/summary?from=" + domain::format_iso8601(result.start) +
                                  "&until=" + domain::format_iso8601(result.end);
        auto answer = coordinator.get(query);
        if (answer.status != 200)
            throw std::runtime_error("the demo server did not answer its statistics: " + answer.describe());
        const auto city = replay::programme_city(coordinator);
        const auto truth = stats::aggregate(result.truth, {result.start, result.end}, city);
        if (stats::summary_from_json(answer.json(), city) != truth)
            spdlog::warn(
                "demo season: the server's statistics differ from the season's ground truth (run relais "
                "replay to see where)");
        if (!server.stop())
            throw std::runtime_error("the demo season's server did not stop cleanly; see " + log_path);
        spdlog::info(
            "demo city: a {}-week season replayed through the API ({} calls, {} volunteers registered, "
            "{} requests, {} missions done) in {:.1f} s",
            o.weeks, result.calls, truth.volunteer_registrations, truth.requests, truth.missions_done,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    remove_database(path);
    fs::rename(season_db, path);
    fs::remove(log_path);

    return {{"admin", admin_email, demo_password},
            {"coordinator", coordinator_email, demo_password},
            {"partner", "partenaire@relais.demo", demo_password},
            {"volunteer", "benevole@relais.demo", demo_password}};
}

void seed_demo_and_print(const std::string& path, std::int64_t now) {
    const auto logins = seed_demo_if_empty(path, now);
    if (logins.empty())
        return;
    // Demo credentials go to the terminal of whoever ran scripts/run (they exist only in a demo database).
    std::cout << "\nDemo city seeded. Demo sign-ins (demo database only):\n";
    for (const auto& l : logins)
        std::cout << "  " << l.role << std::string(12 - std::min<std::size_t>(11, l.role.size()), ' ')
                  << l.email << "  /  " << l.password << "\n";
    std::cout << std::endl;
}

}  // namespace relais::replay
