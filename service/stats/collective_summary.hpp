#pragma once

#include "stats/summary.hpp"

#include <SQLiteCpp/Database.h>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

// Collective activities in the bilan (issue 15): per organiser (the city itself, then each partner by name),
// what was held over a period and who came. Read straight from the collective tables: they are small (a few
// activities a week), so there are no counters to keep and no second computation to check them against.
namespace relais::stats {

/// One organiser's activities that start in the period.
struct collective_row {
    std::string organiser_id;     ///< a partner's id, "city" for the city, "all" for the total row
    std::string organiser;        ///< its name (the programme's for the city; empty for the total)
    std::int64_t held = 0;        ///< not cancelled
    std::int64_t cancelled = 0;   ///< cancelled
    std::int64_t places = 0;      ///< places offered by the held ones
    std::int64_t signups = 0;     ///< places taken (sign-ups not given up)
    std::int64_t attended = 0;    ///< sign-ups marked present
    std::int64_t absent = 0;      ///< sign-ups marked absent
    std::int64_t volunteers = 0;  ///< distinct volunteers marked present at least once
    bool operator==(const collective_row&) const = default;
};

/// The rows of the period [p.from, p.until): the city first, then partners by name, then the total row
/// ("all") when there is any activity.
std::vector<collective_row> collective_summary(SQLite::Database& db, const period& p);

/// The `collectives` table of the StatsSummary body.
boost::json::value collectives_json(const std::vector<collective_row>& rows);

}  // namespace relais::stats
