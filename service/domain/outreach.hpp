#pragma once

#include "domain/csv_table.hpp"
#include "domain/events.hpp"
#include "domain/phone_plan.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Reaching people who do not ask (issue 16; store/schema_outreach.cpp). The city's register of vulnerable
// residents (the heatwave register: people who asked the town hall to be called in a crisis) is imported from
// a CSV; an outreach round makes one friendly-call request per registered resident, channel `outreach`, which
// the dispatch plan assigns like any other; each call's outcome is recorded: reached and fine, needs help (a
// new request of the kind of help named), not reached (called again later), declined.
namespace relais::domain {

struct register_import_result {
    int added = 0;     ///< new residents put on the register
    int existing = 0;  ///< residents already known (same phone and last name), put on the register
    std::vector<import_fault> faults;
};

/// Checks every row of `text` (columns first_name, last_name, phone, address, neighbourhood and optionally
/// needs, languages, email; French headers too: prenom, nom, telephone, adresse, quartier, besoins, langues,
/// courriel; needs among isolated, reduced_mobility, visually_impaired, not_french_speaking or their French
/// words) and, when none is faulty, puts them all on the register (in the caller's transaction). Their
/// consent is the register's (recorded under the version "register"). Never throws on bad content.
register_import_result import_register(SQLite::Database& db, std::string_view text, const phone_plan& phones,
                                       std::int64_t now, const actor& who);

/// How many residents are on the register (not erased, not removed).
std::int64_t register_size(SQLite::Database& db);

struct round_progress {
    std::string id, name, category;
    std::int64_t created_at = 0;
    std::int64_t residents = 0;  ///< residents called in it
    std::int64_t pending = 0, reached_fine = 0, needs_help = 0, not_reached = 0, declined = 0;
    std::int64_t calls_assigned = 0;  ///< residents whose call is proposed to or accepted by a volunteer
};

/// Launches a round: one request of `category` per registered resident, window [from, until), channel
/// `outreach`. 422 when the register is empty or the category unknown. Returns its id.
std::string launch_round(SQLite::Database& db, const std::string& name, const std::string& category,
                         std::int64_t from, std::int64_t until, std::int64_t now, const actor& who);

round_progress load_round(SQLite::Database& db, const std::string& id);
std::vector<round_progress> list_rounds(SQLite::Database& db, int limit);

extern const std::vector<std::string> call_outcomes;  ///< reached_fine | needs_help | not_reached | declined

struct call_outcome {
    std::string outcome;
    std::optional<std::string> note;
    std::optional<std::string> need_category, need_details;  ///< needs_help: the new request
};

/// Records a call's outcome for a request of a round (409 for another request). An open request is closed
/// (fulfilled when reached, cancelled when declined) or, not reached, put back on top of the queue; a closed
/// one not reached gets a new call in the round from tomorrow. `needs_help` makes a new request of
/// `need_category` (422 when missing). Returns the follow-up request's id, if one was made.
std::optional<std::string> record_call_outcome(SQLite::Database& db, const std::string& request_id,
                                               const call_outcome& o, std::int64_t now, const actor& who);

/// The volunteer's own report of an outreach call they made (their accepted mission, its time come; 409
/// otherwise, and for a mission of no round): reached or needing help, the mission is done (a report of
/// `duration_minutes`, "good" or "difficult") and the outcome recorded as above; not reached, the mission is
/// missed (the request back on top of the queue once) and the outcome recorded; declined, the request is
/// closed as cancelled with the mission. Returns the follow-up request's id, if one was made.
std::optional<std::string> record_mission_call(SQLite::Database& db, const std::string& mission_id,
                                               const call_outcome& o, int duration_minutes, std::int64_t now,
                                               const actor& who);

}  // namespace relais::domain
