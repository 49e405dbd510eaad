#include "match/local_time.hpp"
#include "domain/time_format.hpp"

#include <doctest/doctest.h>

using namespace relais::match;
using relais::domain::parse_iso8601;

namespace {
std::int64_t at(const char* iso) {
    return *parse_iso8601(iso);
}
}  // namespace

TEST_CASE("weeks start on Monday 00:00 UTC") {
    CHECK(week_start_utc(at("2026-11-25T10:00:00Z")) == at("2026-11-23T00:00:00Z"));
    CHECK(week_start_utc(at("2026-11-23T00:00:00Z")) == at("2026-11-23T00:00:00Z"));
    CHECK(week_start_utc(at("2026-11-29T23:59:59Z")) == at("2026-11-23T00:00:00Z"));
    CHECK(week_start_utc(at("2026-11-30T00:00:00Z")) == at("2026-11-30T00:00:00Z"));
    CHECK(week_start_utc(at("1969-12-31T12:00:00Z")) == at("1969-12-29T00:00:00Z"));  // before the epoch
}

TEST_CASE("rounding up to a step") {
    CHECK(round_up(0, 900) == 0);
    CHECK(round_up(1, 900) == 900);
    CHECK(round_up(900, 900) == 900);
    CHECK(round_up(-1, 900) == 0);
}
