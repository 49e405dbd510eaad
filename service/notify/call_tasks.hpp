#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// "Call the resident" tasks (migration 11): a resident no message reaches (a landline only, or no channel
// on) is phoned by the coordination with the news that matters to them (a volunteer is coming, a visit is
// cancelled). The planner makes them; the coordinators see them and mark them done.
namespace relais::notify {

/// Adds a task to phone `resident_id` and tell them `text` (a mission's news: `about_id`); it is purged
/// with the messages (`keep_seconds` after `now`). Returns its id.
std::string add_call_task(SQLite::Database& db, const std::string& resident_id, const std::string& kind,
                          const std::string& about_id, const std::string& text, std::int64_t now,
                          std::int64_t keep_seconds);

/// A task as the coordinators see it: whom to call (name and number) and what to say.
struct call_task {
    std::string id, kind, resident_id, first_name, last_name, phone, text;
    std::optional<std::string> about_id;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> done_at;
    std::optional<std::string> done_by;
};

/// The tasks not done yet (oldest first), or the latest done ones (newest first); at most `limit`.
std::vector<call_task> call_tasks(SQLite::Database& db, bool done, int limit);

/// Marks a task done by `who` (an event "call_task done"); throws not_found for an unknown id and conflict
/// when it was already done.
call_task complete_call_task(SQLite::Database& db, const std::string& id, std::int64_t now,
                             const domain::actor& who);

}  // namespace relais::notify
