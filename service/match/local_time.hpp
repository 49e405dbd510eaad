#pragma once

#include <cstdint>
#include <vector>

// Time arithmetic of matching. Volunteers give weekly availability in the city's wall-clock time ("Monday
// 14:00-18:00" in Rennes); requests and missions are absolute UTC instants. The city's time zone is
// Europe/Paris: UTC+1, and UTC+2 from the last Sunday of March 01:00 UTC to the last Sunday of October
// 01:00 UTC (the EU rule, fixed since 1996). A slot that straddles the two-o'clock switch itself is off by
// up to an hour on those two nights; nothing else is.
namespace relais::match {

constexpr std::int64_t day_s = 86400;
constexpr std::int64_t week_s = 7 * day_s;
constexpr int week_minutes = 7 * 24 * 60;

/// Offset of Europe/Paris from UTC at `utc` (Unix seconds), in seconds (3600 or 7200).
std::int64_t paris_offset(std::int64_t utc);

/// Unix seconds of Monday 00:00 UTC of the week holding `t`: the week used by the weekly maximum (the same
/// computation as domain::propose_mission).
std::int64_t week_start_utc(std::int64_t t);

/// One local calendar day touched by a time window.
struct local_day {
    int weekday = 0;               ///< 0 = Monday
    std::int64_t midnight_utc = 0;  ///< the UTC instant of that day's local 00:00
};

/// The local days overlapping [from, until), oldest first, at most `max_days`.
std::vector<local_day> local_days(std::int64_t from, std::int64_t until, int max_days);

/// Local minute of the week (0 = Monday 00:00 local) of the UTC instant `t`.
int local_week_minute(std::int64_t t);

/// Rounds `t` up to the next multiple of `step` seconds.
inline std::int64_t round_up(std::int64_t t, std::int64_t step) {
    const std::int64_t r = ((t % step) + step) % step;
    return r == 0 ? t : t + (step - r);
}

}  // namespace relais::match
