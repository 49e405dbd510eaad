#pragma once

#include <cstdint>
#include <vector>

// Time arithmetic of matching. Volunteers give weekly availability in the city's wall-clock time ("Monday
// 14:00-18:00"); requests and missions are absolute UTC instants. The conversions between the two are the
// city's (domain::city_time, from the programme's time zone); what remains here does not depend on a zone.
namespace relais::match {

constexpr std::int64_t day_s = 86400;
constexpr std::int64_t week_s = 7 * day_s;
constexpr int week_minutes = 7 * 24 * 60;

/// Unix seconds of Monday 00:00 UTC of the week holding `t`: the week used by the weekly maximum (the same
/// computation as domain::propose_mission).
std::int64_t week_start_utc(std::int64_t t);

/// Rounds `t` up to the next multiple of `step` seconds.
inline std::int64_t round_up(std::int64_t t, std::int64_t step) {
    const std::int64_t r = ((t % step) + step) % step;
    return r == 0 ? t : t + (step - r);
}

}  // namespace relais::match
