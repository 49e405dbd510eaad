// What the demo season needs from the server's start-up: a test clock that can start in the past
// (--test-clock-start, refused without --test-clock), and where a demo season of N weeks ending now starts.
// The demo itself (a season replayed through the API of a child server) is tested black-box in
// tests/api/demo_test.cpp: it starts the real binary.

#include "app/config.hpp"
#include "core/clock.hpp"
#include "domain/time_format.hpp"
#include "replay/season.hpp"

#include <doctest/doctest.h>

using namespace relais;

namespace {
std::int64_t at(const char* iso) {
    return *domain::parse_iso8601(iso);
}
app::env_lookup no_env() {
    return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}
}  // namespace

TEST_CASE("--test-clock-start: a UTC time, only with --test-clock") {
    auto c = app::parse_config({"--test-clock", "--test-clock-start", "2026-03-02T00:00:00Z"}, no_env());
    REQUIRE(c.test_clock_start);
    CHECK(*c.test_clock_start == at("2026-03-02T00:00:00Z"));
    CHECK_FALSE(app::parse_config({"--test-clock"}, no_env()).test_clock_start);
    CHECK_THROWS_AS(app::parse_config({"--test-clock-start", "2026-03-02T00:00:00Z"}, no_env()),
                    app::config_error);
    CHECK_THROWS_AS(app::parse_config({"--test-clock", "--test-clock-start", "last monday"}, no_env()),
                    app::config_error);
    CHECK(app::help_text().find("--test-clock-start") != std::string::npos);
    CHECK(app::help_text().find("relais replay (--db PATH | --url URL)") != std::string::npos);
}

TEST_CASE("a test clock started in the past runs from there and still never goes back") {
    core::clock clk(true);
    const std::int64_t real = clk.now_s();
    REQUIRE(clk.start_at(std::chrono::system_clock::time_point(std::chrono::seconds(real - 42 * 86400))));
    CHECK(clk.now_s() >= real - 42 * 86400);
    CHECK(clk.now_s() <= real - 42 * 86400 + 2);
    const std::int64_t t = real - 40 * 86400;
    clk.set(std::chrono::system_clock::time_point(std::chrono::seconds(t)), true);
    CHECK(clk.now_s() == t);
    clk.set(std::chrono::system_clock::time_point(std::chrono::seconds(t - 3600)), true);  // not backwards
    CHECK(clk.now_s() == t);

    core::clock fixed(false);
    CHECK_FALSE(fixed.start_at(std::chrono::system_clock::time_point(std::chrono::seconds(0))));
    CHECK(fixed.now_s() >= real);
}

TEST_CASE("a demo season of N weeks ending now starts on the Monday N weeks before this week's") {
    CHECK(replay::demo_season_start(at("2026-11-23T14:33:00Z"), 6) ==
          at("2026-10-12T00:00:00Z"));  // a Monday
    CHECK(replay::demo_season_start(at("2026-11-29T23:59:59Z"), 6) ==
          at("2026-10-12T00:00:00Z"));  // its Sunday
    CHECK(replay::demo_season_start(at("2026-11-30T00:00:00Z"), 1) == at("2026-11-23T00:00:00Z"));
}
