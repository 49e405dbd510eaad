#pragma once

#include "store/committed_event.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace relais::store {

/// The events of the group commit in progress, for the writer thread only.
///
/// The writer's update hook notes the row id of every row inserted into the event log while the
/// transaction is open; just before COMMIT, `collect` reads back, inside that transaction, the noted rows
/// that still exist. A job rolled back to its savepoint, and a savepoint a domain function rolled back
/// inside a job (a weekly continuation that could not be proposed, a plan item refused by
/// engine::commit), took their rows with them, so they contribute nothing: what is collected is exactly
/// what the commit makes durable, in log (commit) order. Keeping copies in memory as append_event runs
/// would have to mirror every nested SAVEPOINT/ROLLBACK TO of the domain code to be as exact.
class event_collector {
  public:
    /// A row inserted into the event log (from the update hook).
    void noted(std::int64_t rowid) noexcept {
        low_ = rowid < low_ ? rowid : low_;
        high_ = rowid > high_ ? rowid : high_;
    }

    /// True if nothing was noted since the last collect or discard.
    bool empty() const noexcept { return high_ < low_; }

    /// Inside the open transaction: the noted events still there, in sequence order; forgets the notes.
    std::vector<committed_event> collect(SQLite::Database& db);

    /// Forgets the notes (a new transaction begins; a failed one is gone).
    void discard() noexcept {
        low_ = std::numeric_limits<std::int64_t>::max();
        high_ = std::numeric_limits<std::int64_t>::min();
    }

  private:
    std::int64_t low_ = std::numeric_limits<std::int64_t>::max();
    std::int64_t high_ = std::numeric_limits<std::int64_t>::min();
};

}  // namespace relais::store
