#include "domain/time_format.hpp"
#include "match/local_time.hpp"

#include <doctest/doctest.h>

using namespace relais::match;
using relais::domain::parse_iso8601;

namespace {
std::int64_t at(const char* iso) { return *parse_iso8601(iso); }
}  // namespace

TEST_CASE("Europe/Paris offset follows the EU summer-time rule") {
    CHECK(paris_offset(at("2026-01-15T12:00:00Z")) == 3600);
    CHECK(paris_offset(at("2026-07-01T12:00:00Z")) == 7200);
    // 2026: summer time from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
    CHECK(paris_offset(at("2026-03-29T00:59:59Z")) == 3600);
    CHECK(paris_offset(at("2026-03-29T01:00:00Z")) == 7200);
    CHECK(paris_offset(at("2026-10-25T00:59:59Z")) == 7200);
    CHECK(paris_offset(at("2026-10-25T01:00:00Z")) == 3600);
    // 2027: 28 March and 31 October.
    CHECK(paris_offset(at("2027-03-28T01:00:00Z")) == 7200);
    CHECK(paris_offset(at("2027-03-27T12:00:00Z")) == 3600);
    CHECK(paris_offset(at("2027-10-31T00:30:00Z")) == 7200);
    CHECK(paris_offset(at("2027-10-31T01:30:00Z")) == 3600);
}

TEST_CASE("weeks start on Monday 00:00 UTC") {
    CHECK(week_start_utc(at("2026-11-25T10:00:00Z")) == at("2026-11-23T00:00:00Z"));
    CHECK(week_start_utc(at("2026-11-23T00:00:00Z")) == at("2026-11-23T00:00:00Z"));
    CHECK(week_start_utc(at("2026-11-29T23:59:59Z")) == at("2026-11-23T00:00:00Z"));
    CHECK(week_start_utc(at("2026-11-30T00:00:00Z")) == at("2026-11-30T00:00:00Z"));
}

TEST_CASE("local minute of the week") {
    CHECK(local_week_minute(at("2026-11-23T08:00:00Z")) == 9 * 60);              // Monday 09:00 in winter
    CHECK(local_week_minute(at("2026-07-06T08:00:00Z")) == 10 * 60);             // Monday 10:00 in summer
    CHECK(local_week_minute(at("2026-11-29T22:59:00Z")) == 6 * 1440 + 23 * 60 + 59);  // Sunday 23:59
    CHECK(local_week_minute(at("2026-11-29T23:00:00Z")) == 0);                   // Monday 00:00
}

TEST_CASE("local days of a window") {
    // Monday 23:30 local to Tuesday 02:00 local: two local days.
    auto days = local_days(at("2026-11-23T22:30:00Z"), at("2026-11-24T01:00:00Z"), 35);
    REQUIRE(days.size() == 2);
    CHECK(days[0].weekday == 0);
    CHECK(days[0].midnight_utc == at("2026-11-22T23:00:00Z"));
    CHECK(days[1].weekday == 1);
    CHECK(days[1].midnight_utc == at("2026-11-23T23:00:00Z"));
    // Summer: local midnight is 22:00 UTC the day before.
    days = local_days(at("2026-07-06T08:00:00Z"), at("2026-07-06T09:00:00Z"), 35);
    REQUIRE(days.size() == 1);
    CHECK(days[0].midnight_utc == at("2026-07-05T22:00:00Z"));
    // Capped.
    CHECK(local_days(at("2026-07-01T00:00:00Z"), at("2026-09-01T00:00:00Z"), 35).size() == 35);
    CHECK(local_days(at("2026-07-01T00:00:00Z"), at("2026-07-01T00:00:00Z"), 35).empty());
}
