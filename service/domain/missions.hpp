#pragma once

#include "domain/events.hpp"
#include "domain/volunteers.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relais::domain {

extern const std::vector<std::string> decline_reasons;
extern const std::vector<std::string> drop_reasons;
extern const std::vector<std::string> cancel_reasons;
extern const std::vector<std::string> report_outcomes;

struct mission_report {
    int duration_minutes = 0;
    std::string outcome;
    bool welfare_concern = false;
    std::optional<std::string> note;
};

/// A mission with what a dispatcher needs to see of its request.
struct mission_record {
    std::string id, request_id, volunteer_id, status;
    std::optional<std::string> support_id, reason, note;
    std::int64_t starts_at = 0, ends_at = 0, proposed_at = 0, updated_at = 0;
    std::optional<std::int64_t> expires_at, answered_at, ended_at, welfare_ack_at;
    std::optional<std::string> welfare_ack_note;  ///< what the coordinator did about a welfare concern
    std::optional<mission_report> report;
    // From the request:
    std::string category, neighbourhood, details, recurrence, resident_id, urgency;
    bool home_visit = false;
    bool outreach = false;  ///< a call of an outreach round (the request's channel)
};

struct mission_filter {
    std::optional<std::string> status, volunteer_id, request_id;
    bool welfare_open = false;                ///< only reports with an unacknowledged welfare concern
    std::optional<std::int64_t> from, until;  ///< starts_at range
    std::int64_t after_seq = 0;
    int limit = 50;
};

/// Proposes a mission to a volunteer. Enforced here, in the write transaction: the request is open; the
/// volunteer is active, has not declined or dropped this request before, holds no proposed or accepted
/// mission overlapping the slot, and is under their weekly maximum; a request with a support in place only
/// goes to its volunteer or stand-in; a one-off request has at most one live mission.
std::string propose_mission(SQLite::Database& db, const std::string& request_id,
                            const std::string& volunteer_id, std::int64_t starts_at, std::int64_t ends_at,
                            std::int64_t now, const actor& who);

void accept_mission(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who);
void decline_mission(SQLite::Database& db, const std::string& id, const std::string& reason,
                     const std::optional<std::string>& note, std::int64_t now, const actor& who);
/// Completes a mission with its report. For a weekly support the next week's mission is proposed to the
/// same volunteer; a one-off request is closed as fulfilled.
void complete_mission(SQLite::Database& db, const std::string& id, const mission_report& report,
                      std::int64_t now, const actor& who);
void drop_mission(SQLite::Database& db, const std::string& id, const std::string& reason,
                  const std::optional<std::string>& note, std::int64_t now, const actor& who);
/// Cancels a proposed or accepted mission. For a weekly support this calls off one visit only: the next
/// week's mission is proposed to the same volunteer, as after a completed visit.
void cancel_mission(SQLite::Database& db, const std::string& id, const std::string& reason,
                    const std::optional<std::string>& note, std::int64_t now, const actor& who);
/// Marks an accepted mission missed. `reason` is free text: stored as the mission's note, not in the event
/// log.
void mark_missed(SQLite::Database& db, const std::string& id, const std::optional<std::string>& reason,
                 std::int64_t now, const actor& who);
/// A coordinator handled a report's welfare concern, with a note of what was done (optional).
void acknowledge_welfare(SQLite::Database& db, const std::string& id, const std::optional<std::string>& note,
                         std::int64_t now, const actor& who);

/// Proposals past their expiry become `expired` (treated as a decline). Returns how many expired.
int expire_proposals(SQLite::Database& db, std::int64_t now);

mission_record load_mission(SQLite::Database& db, const std::string& id);
std::vector<mission_record> list_missions(SQLite::Database& db, const mission_filter& f, page_info& page);

/// Releases a volunteer's future proposed/accepted missions (used on withdrawal).
void release_future_missions(SQLite::Database& db, const std::string& volunteer_id, std::int64_t now,
                             const actor& who);

/// Cancels a request's proposed and accepted missions (request closed or cancelled).
void cancel_live_missions(SQLite::Database& db, const std::string& request_id, const std::string& reason,
                          std::int64_t now, const actor& who);

/// Ends a request's active support(s).
void end_supports_of_request(SQLite::Database& db, const std::string& request_id, const std::string& reason,
                             std::int64_t now, const actor& who);

/// True if `from` -> `to` is a legal mission transition.
bool mission_transition_allowed(std::string_view from, std::string_view to);

}  // namespace relais::domain
