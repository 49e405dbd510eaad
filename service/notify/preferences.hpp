#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// A volunteer's contact preferences (migration 11, contact_preference): the channels in their order, their
// quiet hours, whether they want the optional messages, and the language of their messages (migration 15).
// Without a row, the defaults below.
namespace relais::notify {

struct contact_preferences {
    std::vector<std::string> channels{"sms",
                                      "email"};  ///< tried in this order; "sms" and "email" at most once
    int quiet_from = 21 * 60;                    ///< minutes after local midnight: no text from then...
    int quiet_until = 8 * 60;                    ///< ...until then (the next morning if earlier)
    bool optional_messages = true;               ///< reminders and "did it happen?"
    std::string language;  ///< their messages' language ("fr", "en"); empty: the first of their languages
};

/// Messages one may decline (reminders, "did it happen?", the morning digest); the others are essential
/// (a proposal, a cancellation, a validation) and go by any channel that reaches the person when their
/// preferred ones do not.
bool optional_kind(std::string_view kind);

/// Messages someone is waiting for now, or that are worth nothing late: a sign-in code, a confirmation or
/// password link, a proposal, a mission's change or cancellation, its reminders, "a volunteer is coming", a
/// welfare concern. They go ahead of any backlog of the others (a receipt, a validation, a partner's update,
/// the digest, a reserve call, the thanks, "did it happen?"), and never wait while the server is saturated,
/// when the others yield to the requests (notify/sender.hpp). Migration 30 lists the same kinds.
bool urgent_kind(std::string_view kind);

contact_preferences load_preferences(SQLite::Database& db, const std::string& volunteer_id);

/// Replaces the volunteer's preferences (an event "volunteer preferences_changed", without their values).
void save_preferences(SQLite::Database& db, const std::string& volunteer_id, const contact_preferences& p,
                      std::int64_t now, const domain::actor& who);

/// A coordinator's messages (welfare concerns at once, the morning digest): their language ("fr" unless they
/// chose) and whether they want the digest (users.message_language, users.optional_messages).
struct coordinator_preferences {
    std::string language = "fr";
    bool morning_digest = true;
};

coordinator_preferences load_coordinator_preferences(SQLite::Database& db, const std::string& user_id);

/// Replaces them (an event "user preferences_changed", without their values).
void save_coordinator_preferences(SQLite::Database& db, const std::string& user_id,
                                  const coordinator_preferences& p, std::int64_t now,
                                  const domain::actor& who);

}  // namespace relais::notify
