#pragma once

#include "domain/events.hpp"
#include "domain/volunteers.hpp"

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <vector>

namespace relais::domain {

struct partner_record {
    std::string id, name, kind;
    std::optional<std::string> contact_email, contact_phone;
    std::string message_language =
        "fr";  ///< what it is told of the residents it referred is in this language
    std::int64_t created_at = 0;
};

struct collective_input {
    std::optional<std::string> partner_id;  ///< none: run by the city itself
    std::string title, description, place;
    std::optional<std::string> neighbourhood;
    std::int64_t starts_at = 0, ends_at = 0;
    int capacity = 1;
};

/// A collective mission posted by a partner or run by the city itself: a shift with a capacity that active
/// volunteers sign up for.
struct collective_record {
    std::string id, title, description, place, status;
    std::optional<std::string> partner_id;  ///< none: run by the city
    std::string organiser_name;             ///< the partner's name, or the programme's for the city
    std::optional<std::string> neighbourhood;
    std::int64_t starts_at = 0, ends_at = 0, created_at = 0;
    int capacity = 0, signed_up = 0;
    int attended = 0;   ///< sign-ups the organiser marked as present
    bool mine = false;  ///< the asking volunteer is signed up
};

/// A volunteer holding a place, as the organiser sees them. The phone is the volunteer's only when they
/// agreed to share it with the organiser when signing up (staff see it in any case: they dispatch
/// volunteers).
struct collective_signup_record {
    std::string volunteer_id, first_name, last_name, phone;
    bool share_phone = false;
    std::int64_t signed_up_at = 0;
    std::optional<bool> attended;  ///< none: not recorded yet
};

struct attendance_mark {
    std::string volunteer_id;
    bool attended = false;
};

struct collective_filter {
    std::optional<std::string> partner_id, status;
    std::optional<std::int64_t> from;
    std::int64_t after_seq = 0;
    int limit = 50;
};

extern const std::vector<std::string> partner_kinds;

std::string create_partner(SQLite::Database& db, const std::string& name, const std::string& kind,
                           const std::optional<std::string>& email, const std::optional<std::string>& phone,
                           std::int64_t now, const actor& who, const std::string& message_language = "fr");

/// What an administrator changes of a partner: an absent field is left as it is; a contact present but
/// empty (nullopt inside) is cleared.
struct partner_changes {
    std::optional<std::string> name, kind, message_language;
    std::optional<std::optional<std::string>> contact_email, contact_phone;
};

/// Applies `c` to partner `id` (not_found if none). One event "partner updated" naming the fields that
/// changed, never their values; nothing when nothing changes.
void update_partner(SQLite::Database& db, const std::string& id, const partner_changes& c, std::int64_t now,
                    const actor& who);
partner_record load_partner(SQLite::Database& db, const std::string& id);
std::vector<partner_record> list_partners(SQLite::Database& db, std::int64_t after_seq, int limit,
                                          page_info& page);

std::string create_collective(SQLite::Database& db, const collective_input& in, std::int64_t now,
                              const actor& who);
collective_record load_collective(SQLite::Database& db, const std::string& id,
                                  const std::string& volunteer_id = "");
std::vector<collective_record> list_collectives(SQLite::Database& db, const collective_filter& f,
                                                const std::string& volunteer_id, page_info& page);
/// Signs an active volunteer up; 409 when full, cancelled, past, or already signed up.
collective_record signup_collective(SQLite::Database& db, const std::string& id,
                                    const std::string& volunteer_id, bool share_phone, std::int64_t now,
                                    const actor& who);
collective_record cancel_signup(SQLite::Database& db, const std::string& id, const std::string& volunteer_id,
                                std::int64_t now, const actor& who);
void cancel_collective(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who);
/// The places held (cancelled sign-ups left out), in sign-up order.
std::vector<collective_signup_record> list_signups(SQLite::Database& db, const std::string& id);
/// Records who came, all marks or none: 409 before the activity starts or when it was cancelled; 422
/// (field `attendance[i].volunteer_id`) for a volunteer holding no place. Appends collective/attendance.
void record_attendance(SQLite::Database& db, const std::string& id, const std::vector<attendance_mark>& marks,
                       std::int64_t now, const actor& who);

}  // namespace relais::domain
