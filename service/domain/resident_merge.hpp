#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>

// Two residents who are one person (entered twice: a call and the web form, a misspelt name): a coordinator
// merges the duplicate into the resident kept (issue 15).
namespace relais::domain {

/// Moves `duplicate_id`'s requests, supports and call tasks to `keep_id`, erases the duplicate's personal
/// data (its history stays, under the resident kept) and records `merged_into`; events "resident merged"
/// (on the one kept, with the duplicate's id) and "resident erased" (on the duplicate). The statistics are
/// rebuilt in the same transaction so that the person counts once ("residents requesting", "residents
/// helped"): a cost in proportion to the event log, acceptable for a rare desk action. 422 if the two are
/// the same, 404 if either is unknown, 409 if either is erased.
void merge_residents(SQLite::Database& db, const std::string& keep_id, const std::string& duplicate_id,
                     std::int64_t now, const actor& who);

}  // namespace relais::domain
