#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The reserve (issue 16): volunteers who stepped back but agreed to be called again. A member is `paused`
// (never proposed a mission) with a membership row recording their consent (date, text version, source).
// Retention keeps members while their consent is confirmed at least once a year; a member who does not
// confirm is withdrawn and erased. Reactivation campaigns send members a message with a personal one-tap
// link: "I'm available again" (back to active), "not now" (consent confirmed) or "leave the reserve".
namespace relais::domain {

/// How long a reserve member's consent lasts without being confirmed.
inline constexpr std::int64_t reserve_consent_span = 365 * 86400;
/// How long a campaign's links can be answered.
inline constexpr std::int64_t campaign_link_span = 60 * 86400;

struct reserve_membership {
    std::int64_t joined_at = 0, confirmed_at = 0;
    std::string consent_version, source;  ///< source: volunteer | coordinator | import
};

/// The volunteer's current membership, if they are in the reserve.
std::optional<reserve_membership> reserve_of(SQLite::Database& db, const std::string& volunteer_id);

/// Puts an active or paused volunteer in the reserve (409 otherwise, or if a member already): status
/// `paused`, their future missions released, consent recorded with the programme's consent version.
void join_reserve(SQLite::Database& db, const std::string& volunteer_id, const std::string& source,
                  std::int64_t now, const actor& who);
/// A member leaves: withdrawn (reason `left_reserve`). 409 if not a member.
void leave_reserve(SQLite::Database& db, const std::string& volunteer_id, std::int64_t now, const actor& who);
/// A member confirms their consent (renewed for a year).
void confirm_reserve(SQLite::Database& db, const std::string& volunteer_id, std::int64_t now,
                     const actor& who);
/// Ends a membership, if any, for `reason` (reactivated, or a withdrawal's reason); called by the volunteer
/// lifecycle. Returns whether there was one.
bool end_reserve_membership(SQLite::Database& db, const std::string& volunteer_id, const std::string& reason,
                            std::int64_t now);
/// Members whose consent was last confirmed before `now - reserve_consent_span`.
std::vector<std::string> lapsed_reserve_members(SQLite::Database& db, std::int64_t now);

/// Who to call back: all filters optional.
struct reserve_filter {
    std::vector<std::string> skills;     ///< has one of them
    std::vector<std::string> languages;  ///< speaks one of them
    std::optional<std::string> neighbourhood;
    std::optional<int> inactive_days;  ///< no mission done in that many days
};

struct reserve_entry {
    std::string volunteer_id, first_name, last_name, neighbourhood;
    std::vector<std::string> skills, languages;
    std::int64_t joined_at = 0, confirmed_at = 0;
    std::optional<std::int64_t> last_active_at;  ///< the end of their last mission done
};

/// Current members matching `f`, the longest-standing first; `total` is how many match (the list stops at
/// `limit`).
std::vector<reserve_entry> list_reserve(SQLite::Database& db, const reserve_filter& f, std::int64_t now,
                                        int limit, std::int64_t& total);

boost::json::object filter_json(const reserve_filter& f);

struct campaign_funnel {
    std::int64_t queued = 0, sent = 0, delivered = 0, failed = 0, unreachable = 0;
    std::int64_t opened = 0, reactivated = 0, stayed = 0, declined = 0;
};

struct campaign_record {
    std::string id, created_by_name, message;
    boost::json::object filter;
    std::int64_t created_at = 0, recipients = 0;
    campaign_funnel funnel;
    /// Seconds from the campaign to its 10th, 50th and 100th reactivation (none: not reached).
    std::optional<std::int64_t> first_10, first_50, first_100;
};

/// Creates a campaign to the members matching `f` (422 `filter` when none does); its message is sent to each
/// (the notification planner reacts to its `created` event). Returns its id.
std::string create_campaign(SQLite::Database& db, const std::string& message, const reserve_filter& f,
                            std::int64_t now, const actor& who);
/// How many members a campaign with `f` would reach.
std::int64_t count_campaign(SQLite::Database& db, const reserve_filter& f, std::int64_t now);
campaign_record load_campaign(SQLite::Database& db, const std::string& id);
std::vector<campaign_record> list_campaigns(SQLite::Database& db, int limit);
/// A campaign's recipients (their ids).
std::vector<std::string> campaign_recipients(SQLite::Database& db, const std::string& campaign_id);

/// Makes the personal link token of a recipient (returned once, for their message).
std::string issue_campaign_link(SQLite::Database& db, const std::string& campaign_id,
                                const std::string& volunteer_id, std::int64_t now);

/// What a campaign link shows.
struct reserve_link_view {
    enum class state { open, answered, expired } status = state::open;
    std::string campaign_id, volunteer_id, message, first_name;
    std::optional<std::string> answer;
};

/// Opens a link (the first opening is counted in the funnel); throws not_found for an unknown or malformed
/// token.
reserve_link_view open_reserve_link(SQLite::Database& db, std::string_view token, std::int64_t now);

extern const std::vector<std::string> reserve_answers;  ///< available | stay | leave

/// Answers a link once: `available` reactivates the volunteer (active again), `stay` confirms their consent,
/// `leave` withdraws them. not_found for an unknown token; conflict when answered, expired, or no longer a
/// member (e.g. reactivated meanwhile by the coordination).
reserve_link_view answer_reserve_link(SQLite::Database& db, std::string_view token, const std::string& answer,
                                      std::int64_t now);

}  // namespace relais::domain
