#pragma once

#include "core/error.hpp"
#include "domain/events.hpp"
#include "domain/requests.hpp"
#include "match/index_sync.hpp"
#include "match/request_loader.hpp"
#include "match/volunteer_index.hpp"

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relais::match {

/// One assignment of a plan the coordinator commits.
struct commit_item {
    std::string request_id, volunteer_id;
    std::int64_t starts_at = 0, ends_at = 0;
};

/// What became of one commit_item.
struct commit_outcome {
    std::size_t index = 0;  ///< position in the committed list
    std::string request_id, volunteer_id;
    std::optional<std::string> mission_id;  ///< when created
    std::optional<error_kind> error;        ///< when skipped
    std::string detail;                     ///< why it was skipped (no personal data: domain messages)
    std::vector<field_error> fields;
};

struct commit_result {
    std::vector<commit_outcome> created, skipped;
};

struct maintenance_result {
    int expired = 0;            ///< proposals that expired
    int proposed = 0;           ///< missions proposed automatically
    std::int64_t swept_to = 0;  ///< the event log was handled up to this sequence number
};

/// The matching engine of a running server: the volunteer index and the automatic re-dispatch. Owned by the
/// app context; its methods are called from database jobs (the kind of connection is named on each).
/// Thread-safe.
class engine {
public:
    volunteer_index& index() { return index_; }
    const volunteer_index& index() const { return index_; }

    /// Full load (start-up, and the periodic safety reload). `db` must see committed data only.
    void reload(SQLite::Database& db, std::int64_t now);

    /// Brings the index up to the committed state `db` sees (a reader). See index_sync.hpp.
    std::size_t catch_up(SQLite::Database& db, std::int64_t now);

    /// Write job: creates the proposed missions of `items`, each under its own savepoint, so that those that
    /// conflict with changes made since the plan (propose_mission refuses them) are skipped and reported
    /// while the others commit.
    commit_result commit(SQLite::Database& db, const std::vector<commit_item>& items, std::int64_t now,
                         const domain::actor& who);

    /// Write job, right after a mission changed: if it was declined, dropped, expired or released by a
    /// withdrawal, the programme's auto-dispatch is on, and its request is still flagged for re-dispatch with
    /// nothing live, proposes the next-best candidate (actor "system"). The candidates come from the index;
    /// the best ten are re-read inside this transaction and re-checked before proposing, and
    /// propose_mission enforces every invariant. Returns the new mission's id, if any.
    std::optional<std::string> redispatch_after(SQLite::Database& db, const std::string& mission_id,
                                                std::int64_t now);

    /// Write job: with auto-dispatch on, proposes the best candidate for a request still `new` that nobody
    /// was ever proposed for (the maintenance tick calls it for requests created since the last tick).
    std::optional<std::string> dispatch_new(SQLite::Database& db, const std::string& request_id, std::int64_t now);

    /// Write job, every maintenance tick: expires unanswered proposals, then (auto-dispatch on) re-dispatches
    /// every request flagged since event `after_seq` by a decline, a drop, an expiry or a withdrawal (which
    /// also covers flags raised outside the mission routes) and dispatches the requests created since.
    maintenance_result maintain(SQLite::Database& db, std::int64_t now, std::int64_t after_seq);

    /// The event sequence number the re-dispatch sweep has handled.
    std::int64_t sweep_seq() const { return sweep_seq_.load(); }
    void set_sweep_seq(std::int64_t seq) { sweep_seq_.store(seq); }

    /// How many candidates auto-dispatch re-checks before giving up (the request then stays flagged for
    /// the coordinator).
    static constexpr std::size_t auto_candidates = 10;

private:
    /// Proposes (actor "system") the first of the best candidates that propose_mission accepts, each try
    /// under its own savepoint.
    std::optional<std::string> propose_best(SQLite::Database& db, const domain::request_record& r,
                                            const match_request& mr, const match_settings& settings,
                                            std::int64_t now);

    volunteer_index index_;
    std::atomic<std::int64_t> sweep_seq_{0};
};

}  // namespace relais::match
