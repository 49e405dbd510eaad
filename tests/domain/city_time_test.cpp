#include "domain/city_time.hpp"
#include "domain/time_format.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using relais::domain::city_time;
using relais::domain::parse_iso8601;

namespace {
std::int64_t at(const char* iso) {
    return *parse_iso8601(iso);
}
std::int64_t local(const char* iso_without_zone) {  // a wall-clock time, as if local were UTC
    return *parse_iso8601((std::string(iso_without_zone) + "Z").c_str());
}
}  // namespace

TEST_CASE("city time: Europe/Paris follows the EU summer-time rule from the system's database") {
    const city_time paris("Europe/Paris");
    CHECK(paris.zone() == "Europe/Paris");
    CHECK(paris.offset(at("2026-01-15T12:00:00Z")) == 3600);
    CHECK(paris.offset(at("2026-07-01T12:00:00Z")) == 7200);
    // 2026: summer time from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
    CHECK(paris.offset(at("2026-03-29T00:59:59Z")) == 3600);
    CHECK(paris.offset(at("2026-03-29T01:00:00Z")) == 7200);
    CHECK(paris.offset(at("2026-10-25T00:59:59Z")) == 7200);
    CHECK(paris.offset(at("2026-10-25T01:00:00Z")) == 3600);
    // 2027: 28 March and 31 October.
    CHECK(paris.offset(at("2027-03-28T01:00:00Z")) == 7200);
    CHECK(paris.offset(at("2027-03-27T12:00:00Z")) == 3600);
    CHECK(paris.offset(at("2027-10-31T00:30:00Z")) == 7200);
    CHECK(paris.offset(at("2027-10-31T01:30:00Z")) == 3600);
    CHECK(city_time().zone() == "Europe/Paris");  // the default
}

TEST_CASE("city time: another continent, another rule (America/Toronto, second Sunday of March)") {
    const city_time toronto("America/Toronto");
    CHECK(toronto.offset(at("2026-01-15T12:00:00Z")) == -5 * 3600);
    CHECK(toronto.offset(at("2026-07-01T12:00:00Z")) == -4 * 3600);
    // 2026: 8 March 02:00 EST (07:00 UTC) to 1 November 02:00 EDT (06:00 UTC).
    CHECK(toronto.offset(at("2026-03-08T06:59:59Z")) == -5 * 3600);
    CHECK(toronto.offset(at("2026-03-08T07:00:00Z")) == -4 * 3600);
    CHECK(toronto.offset(at("2026-11-01T05:59:59Z")) == -4 * 3600);
    CHECK(toronto.offset(at("2026-11-01T06:00:00Z")) == -5 * 3600);
    // Monday 9:00 in Toronto in winter is 14:00 UTC.
    CHECK(toronto.week_minute(at("2026-11-23T14:00:00Z")) == 9 * 60);
    CHECK(toronto.date_time(at("2026-11-24T03:30:00Z")) == "23/11/2026 22:30");
    CHECK(*toronto.midnight_of("2026-11-24") == at("2026-11-24T05:00:00Z"));
}

TEST_CASE("city time: half-hour offsets (Asia/Kolkata, America/St_Johns)") {
    const city_time kolkata("Asia/Kolkata");
    CHECK(kolkata.offset(at("2026-06-01T00:00:00Z")) == 5 * 3600 + 1800);
    CHECK(kolkata.week_minute(at("2026-11-23T03:30:00Z")) == 9 * 60);  // Monday 09:00
    CHECK(*kolkata.midnight_of("2026-11-23") == at("2026-11-22T18:30:00Z"));
    const city_time st_johns("America/St_Johns");
    CHECK(st_johns.offset(at("2026-01-15T12:00:00Z")) == -(3 * 3600 + 1800));
}

TEST_CASE("city time: wall-clock times skipped or lived twice at a change") {
    const city_time paris("Europe/Paris");
    // Spring: 02:30 does not exist on 29 March 2026; it is taken as 03:30 (01:30 UTC), past the change.
    CHECK(paris.to_utc(local("2026-03-29T02:30:00")) == at("2026-03-29T01:30:00Z"));
    CHECK(paris.to_utc(local("2026-03-29T01:59:00")) == at("2026-03-29T00:59:00Z"));
    CHECK(paris.to_utc(local("2026-03-29T03:00:00")) == at("2026-03-29T01:00:00Z"));
    // Autumn: 02:30 happens twice on 25 October 2026; the first (summer time, 00:30 UTC) is taken.
    CHECK(paris.to_utc(local("2026-10-25T02:30:00")) == at("2026-10-25T00:30:00Z"));
    CHECK(paris.to_utc(local("2026-10-25T03:30:00")) == at("2026-10-25T02:30:00Z"));
}

TEST_CASE("city time: local minute of the week, dates and midnights (Paris)") {
    const city_time paris;
    CHECK(paris.week_minute(at("2026-11-23T08:00:00Z")) == 9 * 60);                   // Monday 09:00, winter
    CHECK(paris.week_minute(at("2026-07-06T08:00:00Z")) == 10 * 60);                  // Monday 10:00, summer
    CHECK(paris.week_minute(at("2026-11-29T22:59:00Z")) == 6 * 1440 + 23 * 60 + 59);  // Sunday 23:59
    CHECK(paris.week_minute(at("2026-11-29T23:00:00Z")) == 0);                        // Monday 00:00
    CHECK(paris.date_time(at("2026-11-24T14:00:00Z")) == "24/11/2026 15:00");
    CHECK(paris.date_time(at("2026-07-01T22:30:00Z")) == "02/07/2026 00:30");
    CHECK(*paris.midnight_of("2026-07-02") == at("2026-07-01T22:00:00Z"));
    CHECK(*paris.midnight_of("2026-12-02") == at("2026-12-01T23:00:00Z"));
    CHECK_FALSE(paris.midnight_of("2026-02-30"));
    CHECK_FALSE(paris.midnight_of("tomorrow"));
}

TEST_CASE("city time: the local days of a window, and instants within them across a change") {
    const city_time paris;
    // Monday 23:30 local to Tuesday 02:00 local: two local days.
    auto days = paris.days(at("2026-11-23T22:30:00Z"), at("2026-11-24T01:00:00Z"), 35);
    REQUIRE(days.size() == 2);
    CHECK(days[0].weekday == 0);
    CHECK(days[0].midnight_utc == at("2026-11-22T23:00:00Z"));
    CHECK(days[1].weekday == 1);
    CHECK(days[1].midnight_utc == at("2026-11-23T23:00:00Z"));
    CHECK(days[1].uniform);
    CHECK(paris.at(days[1], 14 * 60) == at("2026-11-24T13:00:00Z"));
    // Summer: local midnight is 22:00 UTC the day before.
    days = paris.days(at("2026-07-06T08:00:00Z"), at("2026-07-06T09:00:00Z"), 35);
    REQUIRE(days.size() == 1);
    CHECK(days[0].midnight_utc == at("2026-07-05T22:00:00Z"));
    // The spring-forward Sunday: midnight is still winter time, 14:00 that afternoon is summer time.
    days = paris.days(at("2026-03-29T10:00:00Z"), at("2026-03-29T11:00:00Z"), 35);
    REQUIRE(days.size() == 1);
    CHECK(days[0].weekday == 6);
    CHECK(days[0].midnight_utc == at("2026-03-28T23:00:00Z"));
    CHECK_FALSE(days[0].uniform);
    CHECK(paris.at(days[0], 14 * 60) == at("2026-03-29T12:00:00Z"));
    CHECK(paris.at(days[0], 1 * 60) == at("2026-03-29T00:00:00Z"));
    // Capped, and empty.
    CHECK(paris.days(at("2026-07-01T00:00:00Z"), at("2026-09-01T00:00:00Z"), 35).size() == 35);
    CHECK(paris.days(at("2026-07-01T00:00:00Z"), at("2026-07-01T00:00:00Z"), 35).empty());
}

TEST_CASE("city time: unknown zones are refused") {
    CHECK(city_time::known("Europe/Paris"));
    CHECK(city_time::known("America/Toronto"));
    CHECK(city_time::known("UTC"));
    CHECK_FALSE(city_time::known("Europe/Rennes"));
    CHECK_FALSE(city_time::known(""));
    CHECK_FALSE(city_time::known("../../etc/passwd"));
    CHECK_THROWS_AS(city_time("Mars/Olympus_Mons"), std::invalid_argument);
}
