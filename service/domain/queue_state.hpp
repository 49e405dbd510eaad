#pragma once

#include "domain/requests.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Where a request stands, as the dispatch queue shows it (issue 15): more than its status says.
namespace relais::domain {

/// The stages, in the order a coordinator reads them:
///  - new: nobody asked yet;
///  - no_candidate: the automatic dispatch looked and found nobody (skills, distance, availability);
///  - flagged: back in the queue after a refusal, an expiry, a dropout, a no-show...;
///  - proposed: a volunteer was asked and has not answered yet (until their answer deadline);
///  - scheduled: a one-off visit is accepted (the stage's time is its start);
///  - weekly: a weekly support runs (its next visit, if planned);
///  - closed.
extern const std::vector<std::string> queue_stages;

/// The stage of request `r` as an SQL expression (the request is `r`), for filters.
const char* queue_stage_sql();

struct queue_state {
    std::string stage;
    std::optional<std::int64_t> until;  ///< proposed: the answer deadline; scheduled, weekly: the next visit
    std::optional<std::string> resident_name;  ///< "First Last"; null once the resident's data is erased
};

/// Reads the stage of `r` (as just read in this transaction) and its resident's name.
queue_state read_queue_state(SQLite::Database& db, const request_record& r);

/// The automatic dispatch found nobody for an open request: the queue says so until a proposal is made. An
/// event (request.no_candidate) tells the consoles.
void mark_no_candidate(SQLite::Database& db, const request_record& r, std::int64_t now);

}  // namespace relais::domain
