#pragma once

#include "domain/missions.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>

// One-tap answers to a proposal (issue 14): the proposal's message carries a link with a random token
// (256 bits) that lets the volunteer accept or decline that one mission without a password. The database
// keeps only the token's hash; a link is single use and valid until the proposal expires; it shows nothing
// the proposal's message does not (category, time, neighbourhood, deadline).
namespace relais::domain {

/// Makes a link token for `mission_id` (proposed to `volunteer_id`), valid until `expires_at`; returns the
/// token (shown once, in the message).
std::string issue_answer_link(SQLite::Database& db, const std::string& mission_id,
                              const std::string& volunteer_id, std::int64_t expires_at);

/// What a link leads to.
struct answer_link_view {
    enum class state { open, used, expired, answered } status = state::open;
    mission_record mission;  ///< the proposal (its category, time, neighbourhood, deadline)
};

/// The link's mission and whether it can still be answered; throws not_found for an unknown or malformed
/// token.
answer_link_view view_answer_link(SQLite::Database& db, std::string_view token, std::int64_t now);

/// Accepts (`accept` true) or declines ("not_available") the link's proposal as its volunteer, and uses the
/// link up. Throws not_found for an unknown token, conflict when it was used, has expired or the mission is
/// no longer proposed (and the mission's own rules as accept_mission/decline_mission do).
mission_record answer_by_link(SQLite::Database& db, std::string_view token, bool accept, std::int64_t now);

/// Accepts or declines ("not_available") `mission_id` as its volunteer told us outside a session (a link, a
/// text message): their account is the actor. Throws conflict unless the mission is proposed to
/// `volunteer_id`.
mission_record answer_as_volunteer(SQLite::Database& db, const std::string& mission_id,
                                   const std::string& volunteer_id, bool accept, std::int64_t now);

}  // namespace relais::domain
