#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// A volunteer's contact preferences (migration 11, contact_preference): the channels in their order, their
// quiet hours, and whether they want the optional messages. Without a row, the defaults below.
namespace relais::notify {

struct contact_preferences {
    std::vector<std::string> channels{"sms",
                                      "email"};  ///< tried in this order; "sms" and "email" at most once
    int quiet_from = 21 * 60;                    ///< minutes after local midnight: no text from then...
    int quiet_until = 8 * 60;                    ///< ...until then (the next morning if earlier)
    bool optional_messages = true;               ///< reminders and "did it happen?"
};

/// Messages one may decline (reminders, "did it happen?", the morning digest); the others are essential
/// (a proposal, a cancellation, a validation) and go by any channel that reaches the person when their
/// preferred ones do not.
bool optional_kind(std::string_view kind);

contact_preferences load_preferences(SQLite::Database& db, const std::string& volunteer_id);

/// Replaces the volunteer's preferences (an event "volunteer preferences_changed", without their values).
void save_preferences(SQLite::Database& db, const std::string& volunteer_id, const contact_preferences& p,
                      std::int64_t now, const domain::actor& who);

}  // namespace relais::notify
