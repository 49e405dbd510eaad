#pragma once

#include "domain/phone_plan.hpp"
#include "domain/requests.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Finding a resident who calls again (issue 15): by name, by phone number (any common writing of it), by
// email or by a request's tracking code; so a second call joins the same resident instead of making a new
// one, and possible duplicates (the same phone, or the same name at the same address) are shown.
namespace relais::domain {

/// `text` for comparing names and addresses: lower case, French accents and ligatures folded (é -> e,
/// œ -> oe), apostrophes and hyphens as spaces, runs of spaces as one, trimmed.
std::string fold_for_search(std::string_view text);

struct volunteer_seen {
    std::string id, first_name;
};

struct resident_match {
    resident_record resident;
    std::vector<std::string> matched_on;  ///< "name", "phone", "email", "tracking_code"
    int requests = 0;
    std::optional<std::int64_t> last_request_at;
    std::vector<volunteer_seen> volunteers;        ///< who has helped them, most recent first (at most 5)
    std::vector<std::string> possible_duplicates;  ///< other residents: same phone, or same name and address
};

/// At most `limit` residents (not erased) matching `query`: each word a prefix of a word of their name;
/// the query as a phone number in `phones`' region; as an email (exact, case-insensitive); as a tracking
/// code. Most recent request first. An empty or too short query (under 2 characters) finds nobody.
std::vector<resident_match> search_residents(SQLite::Database& db, std::string_view query,
                                             const phone_plan& phones, int limit);

/// A volunteer found by `search_volunteers`, with how.
struct volunteer_match {
    std::string id;
    std::vector<std::string> matched_on;  ///< "name", "phone", "email"
};

/// At most `limit` volunteers (not erased, whatever their status) matching `query` as search_residents
/// does: name words, a phone number in `phones`' region, an email (exact, case-insensitive). Most recently
/// registered first.
std::vector<volunteer_match> search_volunteers(SQLite::Database& db, std::string_view query,
                                               const phone_plan& phones, int limit);

/// The other residents (not erased) that may be `id` again: the same phone number, or the same folded first
/// and last name at the same folded address.
std::vector<std::string> possible_duplicates_of(SQLite::Database& db, const std::string& id);

}  // namespace relais::domain

namespace relais::domain {

/// One step of a resident's story: an event of the resident, of one of their requests, or of a mission or
/// support of those requests, with the people named (the volunteer's first name, the staff account).
struct history_entry {
    std::int64_t seq = 0, at = 0;
    std::string entity, entity_id, action;
    std::optional<std::string> from_status, to_status, reason;
    std::string actor;              ///< "public", "resident", "system" or a user id
    std::optional<std::string> by;  ///< the staff account's email, for a user id
    std::optional<std::string> request_id, category;
    std::optional<volunteer_seen> volunteer;
};

/// Everything that happened to resident `id` and their requests, oldest first (at most `limit` steps: the
/// most recent ones). 404 if there is no such resident.
std::vector<history_entry> resident_history(SQLite::Database& db, const std::string& id, int limit);

}  // namespace relais::domain
