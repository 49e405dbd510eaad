#pragma once

#include "domain/city_time.hpp"
#include "domain/time_format.hpp"

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// The programme's outcome figures over a period, as computed by stats::compute_summary (from the statistics
// tables) and by stats::aggregate (from plain facts: the oracle of the tests and of the season replay). The
// definitions are in proto/openapi.yaml (StatsSummary) and on the bilan page; they are repeated on each
// field.
namespace relais::stats {

constexpr std::int64_t day_s = 86400;
constexpr std::int64_t week_s = 7 * day_s;

/// A half-open period [from, until) in Unix seconds. "State at until" means: after every event strictly
/// before `until`.
struct period {
    std::int64_t from = 0;
    std::int64_t until = 0;
    bool operator==(const period&) const = default;
};

/// Counts of one value of a breakdown (a category, a neighbourhood, a channel).
struct breakdown_row {
    std::int64_t requests = 0;               ///< requests created in the period
    std::int64_t missions_done = 0;          ///< missions done in the period (for requests of this value)
    std::int64_t supports = 0;               ///< supports set up in the period
    std::int64_t volunteers_registered = 0;  ///< neighbourhoods only: persons first registered in the period
    bool operator==(const breakdown_row&) const = default;
};

/// One ISO week of the city's calendar (Monday 00:00 to the next Monday 00:00, city time), clipped to the
/// period.
struct week_row {
    std::int64_t starts = 0;                ///< the Monday, 00:00 city time (as a UTC instant)
    std::int64_t requests = 0;              ///< requests created in the week
    std::int64_t missions_done = 0;         ///< missions done in the week
    std::int64_t volunteers_active = 0;     ///< persons active (validated, not withdrawn) at the week's end
    std::int64_t volunteers_mobilised = 0;  ///< persons with at least one mission done in the week
    bool operator==(const week_row&) const = default;
};

struct withdrawal_row {
    std::int64_t count = 0;             ///< registrations withdrawn in the period with this reason
    std::int64_t after_validation = 0;  ///< of which had been validated before withdrawing
    bool operator==(const withdrawal_row&) const = default;
};

/// Time from a request's creation to one of its milestones.
struct delay_row {
    std::int64_t requests = 0;           ///< requests of the period that reached the milestone before until
    std::optional<std::int64_t> median;  ///< seconds, nearest-rank (the ceil(n/2)-th smallest)
    std::optional<std::int64_t> p90;     ///< seconds, nearest-rank (the ceil(0.9 n)-th smallest)
    bool operator==(const delay_row&) const = default;
};

struct retention_row {
    int weeks = 0;
    std::int64_t cohort = 0;    ///< registrations validated in the period at least `weeks` weeks before until
    std::int64_t retained = 0;  ///< of which not withdrawn `weeks` weeks after their validation
    bool operator==(const retention_row&) const = default;
};

/// Where the requests of the period stand at `until` (a partition of `requests`).
struct request_outcomes {
    std::int64_t helped = 0;               ///< at least one mission done
    std::int64_t fulfilled_otherwise = 0;  ///< closed as fulfilled without any mission done
    std::int64_t cancelled = 0;            ///< closed as cancelled, no mission done
    std::int64_t unfulfillable = 0;        ///< closed as unfulfillable, no mission done
    std::int64_t open = 0;                 ///< not closed, no mission done yet
    bool operator==(const request_outcomes&) const = default;
};

inline constexpr std::array<const char*, 3> delay_stages{"first_proposal", "first_acceptance",
                                                         "first_mission_done"};
inline constexpr std::array<int, 2> retention_weeks{4, 8};
inline constexpr std::array<const char*, 3> channels{"web", "phone", "partner"};

struct summary {
    period p;
    // Volunteers (persons: a registration made again with the same email after a withdrawal is the same
    // person).
    std::int64_t volunteers_registered = 0;    ///< persons whose first registration is in the period
    std::int64_t volunteer_registrations = 0;  ///< registrations in the period (re-registrations included)
    std::int64_t volunteers_active = 0;        ///< of the registered: validated and not withdrawn at until
    std::int64_t volunteers_awaiting_validation =
        0;                                  ///< of the registered: not validated, not withdrawn at until
    std::int64_t volunteers_withdrawn = 0;  ///< of the registered: withdrawn at until
    std::int64_t volunteers_mobilised = 0;  ///< persons with at least one mission done in the period
    // Missions, residents, supports, requests.
    std::int64_t missions_done = 0;
    std::int64_t residents_requesting = 0;  ///< distinct residents with a request created in the period
    std::int64_t residents_helped = 0;      ///< distinct residents with a mission done for them in the period
    std::int64_t supports = 0;              ///< supports set up in the period
    std::int64_t requests = 0;              ///< requests created in the period
    std::int64_t unfulfilled_requests = 0;  ///< outcomes.unfulfillable + outcomes.open
    std::int64_t redispatches = 0;          ///< requests put back on the queue (redispatch_flagged events)
    std::int64_t welfare_concerns = 0;      ///< mission reports raising a welfare concern
    request_outcomes outcomes;

    std::map<std::string, breakdown_row> by_category;       ///< only values with a non-zero count
    std::map<std::string, breakdown_row> by_neighbourhood;  ///< the resident's (requests) or volunteer's
    std::map<std::string, breakdown_row> by_channel;
    std::vector<week_row> weekly;
    std::map<std::pair<std::string, std::string>, std::int64_t> setbacks;  ///< (kind, reason) -> count
    std::map<std::string, withdrawal_row> withdrawals;                     ///< reason -> counts
    std::array<delay_row, 3> delays;                                       ///< in the order of delay_stages
    std::array<retention_row, 2> retention;  ///< in the order of retention_weeks

    bool operator==(const summary&) const = default;
};

/// Removes breakdown, setback and withdrawal entries whose counts are all zero (both computations keep only
/// values that occur, so they compare equal).
void drop_empty_rows(summary& s);

/// UTC day number (floor(t / 86400)) of Unix seconds: the statistics tables count by UTC day.
inline std::int64_t day_of(std::int64_t t) {
    return domain::utc_day_of(t);
}
/// Monday 00:00 UTC of the week holding `t`.
inline std::int64_t monday_of(std::int64_t t) {
    const std::int64_t d = day_of(t);
    return (d - (((d + 3) % 7) + 7) % 7) * day_s;
}
/// Monday 00:00 in the city of the city's week holding `t` (a UTC instant).
inline std::int64_t monday_of(std::int64_t t, const domain::city_time& city) {
    const std::int64_t d = city.day_of(t);
    return city.midnight(d - domain::weekday_of_day(d));
}
/// ISO 8601 week label of the city's week starting at `monday` ("2026-W48").
std::string iso_week_label(std::int64_t monday, const domain::city_time& city);
/// "YYYY-MM-DD" (UTC).
std::string date_label(std::int64_t t);
/// "YYYY-MM-DD": the city's date of `t`.
std::string date_label(std::int64_t t, const domain::city_time& city);

/// The nearest-rank quantile (percent 1..100) of `values` (sorted in place); nullopt when empty.
std::optional<std::int64_t> nearest_rank(std::vector<std::int64_t>& values, int percent);

/// The weeks of a period in the city's calendar, each [Monday 00:00, next Monday 00:00) clipped to the
/// period, as (lo, hi) pairs of UTC instants. A week is 7 x 24 hours but around a change of time: 167 hours
/// when the clocks go forward, 169 when they go back.
std::vector<std::pair<std::int64_t, std::int64_t>> weeks_of(const period& p, const domain::city_time& city);

}  // namespace relais::stats
