#pragma once

#include "stats/summary.hpp"

#include <SQLiteCpp/Database.h>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

// What the bilan says of volunteers who stay (issue 16): the hours given, how proposals were answered per
// kind of help, and the reserve with its campaigns. Read straight from the mission, reserve and campaign
// tables over the period (no counters: the reserve and campaign tables are small, and the mission scans are
// bounded by the period through the time indexes), so there is no second computation to check them against.
namespace relais::stats {

/// Proposals made in the period of one kind of help, by how they were answered (as they stand now).
struct answer_row {
    std::string category;
    std::int64_t proposals = 0, accepted = 0, declined = 0, expired = 0;
    bool operator==(const answer_row&) const = default;
};

struct reserve_row {
    std::int64_t members = 0;      ///< in the reserve at the end of the period
    std::int64_t joined = 0;       ///< joined during it (themselves, by phone, by import)
    std::int64_t reactivated = 0;  ///< left it by coming back (a campaign's link, or resumed)
    std::int64_t left = 0;         ///< left it otherwise (withdrew, or their consent lapsed)
    std::int64_t campaigns = 0, recipients = 0;
    std::int64_t campaign_reactivations = 0;  ///< recipients of those campaigns who answered "available"
    bool operator==(const reserve_row&) const = default;
};

struct engagement_summary {
    std::int64_t minutes_given = 0;       ///< missions done in the period (reported durations, else planned)
    std::int64_t collective_minutes = 0;  ///< attended collective activities' lengths
    std::vector<answer_row> answers;      ///< per category, by code
    reserve_row reserve;
};

engagement_summary engagement_summary_of(SQLite::Database& db, const period& p);

/// The `engagement` object of the StatsSummary body.
boost::json::value engagement_json(const engagement_summary& s);

}  // namespace relais::stats
