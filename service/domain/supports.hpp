#pragma once

#include "domain/events.hpp"
#include "domain/volunteers.hpp"

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <vector>

namespace relais::domain {

/// A request matched with a volunteer. A weekly need is one support with many missions.
struct support_record {
    std::string id, request_id, resident_id, volunteer_id, status;
    std::optional<std::string> standin_volunteer_id, partner_id, handover_note;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> ended_at;
    std::optional<std::int64_t>
        handover_consent_at;  ///< when the resident agreed their contact goes to the partner
    std::string category, recurrence;
};

struct support_filter {
    std::optional<std::string> status, volunteer_id, partner_id, request_id;
    std::int64_t after_seq = 0;
    int limit = 50;
};

/// The active support of a request, if any.
std::optional<support_record> active_support(SQLite::Database& db, const std::string& request_id);

/// Creates the active support of a request with `volunteer_id` (on the first accepted mission).
std::string create_support(SQLite::Database& db, const std::string& request_id,
                           const std::string& volunteer_id, std::int64_t now, const actor& who);

support_record load_support(SQLite::Database& db, const std::string& id);
std::vector<support_record> list_supports(SQLite::Database& db, const support_filter& f, page_info& page);

/// Names (or clears) the stand-in volunteer; the stand-in must be active and not the main volunteer.
void set_standin(SQLite::Database& db, const std::string& id, const std::optional<std::string>& volunteer_id,
                 std::int64_t now, const actor& who);
/// Ends a support (its request stays as it is).
void end_support(SQLite::Database& db, const std::string& id, const std::string& reason, std::int64_t now,
                 const actor& who);
/// The same for support `s` as read in this transaction since its last change (active_support's answer).
void end_support(SQLite::Database& db, const support_record& s, const std::string& reason, std::int64_t now,
                 const actor& who);
/// Hands a support over to a partner association (end of programme): recorded, support status handed_over,
/// with the time the resident agreed that their contact goes to the partner (the caller checked they did).
void handover_support(SQLite::Database& db, const std::string& id, const std::string& partner_id,
                      const std::optional<std::string>& note, std::int64_t now, const actor& who);

}  // namespace relais::domain
