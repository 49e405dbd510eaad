#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// A volunteer's engagement over a period (issue 16): the missions they did and the hours they gave, by kind
// of help and by month, and the collective activities they came to. What their page, the coordinator's, the
// printable certificate of engagement and the programme's thank-you message show. Hours are the durations
// reported with each mission done (its planned length when none was reported), and each attended collective
// activity's length.
namespace relais::domain {

struct engagement_line {
    std::string key;  ///< a category code, or a month "YYYY-MM" (UTC)
    std::int64_t missions = 0, minutes = 0;
};

struct engagement_record {
    std::string volunteer_id;
    std::int64_t from = 0, to = 0;  ///< [from, to), unix seconds
    std::int64_t missions = 0, minutes = 0;
    std::int64_t collectives = 0, collective_minutes = 0;
    std::optional<std::int64_t> first_at, last_at;  ///< the first and last mission done in the period
    std::vector<engagement_line> by_category, by_month;
};

/// The engagement of `volunteer_id` between `from` and `to` (throws not_found for an unknown volunteer).
engagement_record engagement_of(SQLite::Database& db, const std::string& volunteer_id, std::int64_t from,
                                std::int64_t to);

}  // namespace relais::domain
