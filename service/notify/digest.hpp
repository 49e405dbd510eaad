#pragma once

#include "notify/planner.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>

namespace relais::notify {

/// What waits for the coordination this morning.
struct desk_counts {
    std::int64_t new_requests = 0;         ///< open requests at the queue's "new" stage: nobody proposed yet
    std::int64_t no_candidate = 0;         ///< requests the matching found no candidate for
    std::int64_t expiring_today = 0;       ///< proposals still unanswered whose deadline is before tonight
    std::int64_t flagged = 0;              ///< requests flagged for another volunteer, no proposal out
    std::int64_t awaiting_validation = 0;  ///< volunteers registered, not validated yet
};
desk_counts count_desk(SQLite::Database& db, std::int64_t tonight);

/// The coordinators' morning digest: from 08:00 city time, once a day, every active coordinator with an
/// email address gets today's counts (desk_counts) and a link to the console, when email is on and anything
/// waits. Idempotent (the outbox says whether today's went): the sender calls it every minute. Returns how
/// many were queued.
int queue_morning_digests(SQLite::Database& db, std::int64_t now, const planner_settings& s);

}  // namespace relais::notify
