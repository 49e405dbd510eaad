#pragma once

#include "stats/summary.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// A season as plain facts, and the straightforward computation of its summary. This is the reference the fast
// computation (stats::compute_summary, over counters kept up to date in the write transactions) is checked
// against: the unit tests build facts from the event log (facts_from_log) and compare; the season replay
// builds facts from what it did through the API and compares with the server's answer.
namespace relais::stats {

struct registration_fact {
    std::string volunteer_id;
    std::string person;         ///< the volunteer id of the person's first registration
    std::string neighbourhood;  ///< at registration
    std::int64_t registered_at = 0;
    std::optional<std::int64_t> validated_at, withdrawn_at;
    std::string withdrawal_reason;
};

struct request_fact {
    std::string id, resident_id, category, neighbourhood,
        channel;  ///< neighbourhood: the resident's, at creation
    std::int64_t created_at = 0;
    std::optional<std::int64_t> first_proposed_at, first_accepted_at, first_done_at, closed_at;
    std::string outcome;  ///< when closed: fulfilled, cancelled or unfulfillable
};

struct done_fact {
    std::int64_t at = 0;
    std::string volunteer_id, request_id;
};

struct support_fact {
    std::int64_t at = 0;
    std::string request_id;
};

/// A mission that did not happen as proposed: declined, expired, dropped or missed, with its reason.
struct setback_fact {
    std::int64_t at = 0;
    std::string kind, reason;
};

struct season_facts {
    std::vector<registration_fact> registrations;
    std::vector<request_fact> requests;
    std::vector<done_fact> done;
    std::vector<support_fact> supports;
    std::vector<setback_fact> setbacks;
    std::vector<std::int64_t> redispatches;
    std::vector<std::int64_t> welfare_concerns;
};

/// The summary of `facts` over `p`, by brute force (every figure as its definition reads); weeks in the
/// city's calendar.
summary aggregate(const season_facts& facts, const period& p, const domain::city_time& city);

/// Reads the whole event log (oldest first) into facts. A registration's person is found by email: the
/// volunteer record's current email, matched against earlier registrations in log order.
season_facts facts_from_log(SQLite::Database& db);

/// The reason recorded when an event has none.
inline constexpr const char* unspecified_reason = "unspecified";

}  // namespace relais::stats
