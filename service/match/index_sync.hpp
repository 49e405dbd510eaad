#pragma once

#include "match/volunteer_index.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

// How the volunteer index stays in step with the database.
//
// Every change to a volunteer or a mission appends a row to the `event` log in the same transaction (a
// project invariant: the domain functions are the only writers and each records its state change). The
// event's sequence number is therefore a commit-ordered change counter: the index remembers the last event
// it reflects, and before each ranking `catch_up` reads, in one read snapshot, the volunteers touched by
// later events (volunteer events by id, mission events through the mission's volunteer) and re-reads just
// those rows. So a ranking always sees every write committed before it started, with no hook to forget in
// a handler, and a rolled-back write never reaches the index (it only ever reads committed snapshots).
//
// Safety net: `full_load` also runs every 15 minutes in the server (match/maintenance.cpp) and swaps in a
// fresh index. It repairs the index should a write ever bypass the event log (a manual fix in the sqlite3
// shell, a future code path that forgets its event), and drops old done missions from memory.
namespace relais::match {

/// The highest event sequence number (0 for an empty log).
std::int64_t last_event_seq(SQLite::Database& db);

/// Ids of the volunteers touched by events in (after, upto].
std::vector<std::string> volunteers_changed(SQLite::Database& db, std::int64_t after, std::int64_t upto);

/// Whether a category changed in (after, upto] (its training requirement may have: everyone is re-read).
bool categories_changed(SQLite::Database& db, std::int64_t after, std::int64_t upto);

/// Rows of these volunteers (a missing id yields a row with an empty status, which removes it).
std::vector<volunteer_row> load_volunteer_rows(SQLite::Database& db, const std::vector<std::string>& ids,
                                               std::int64_t now);

/// Rows of every active volunteer.
std::vector<volunteer_row> load_active_rows(SQLite::Database& db, std::int64_t now);

/// Replaces the index content with the database's (call with a read-only connection or at start-up).
void full_load(volunteer_index& index, SQLite::Database& db, std::int64_t now);

/// Applies the changes committed since the index's sequence number. Call it only on a connection that
/// sees committed data alone (a reader), never inside a write job. Returns the number of volunteers
/// re-read.
std::size_t catch_up(volunteer_index& index, SQLite::Database& db, std::int64_t now);

/// Done missions older than this are not loaded: fairness looks four weeks back, the weekly maximum one.
constexpr std::int64_t mission_memory_s = 35 * 86400;

}  // namespace relais::match
