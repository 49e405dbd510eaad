#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

namespace relais::domain {

/// Everything held on one resident (right of access): identity, requests, supports, missions with their
/// reports, and the audit entries about them.
boost::json::object export_resident(SQLite::Database& db, const std::string& id);
/// Everything held on one volunteer: profile, account (without its password hash), missions, supports,
/// collective sign-ups, audit entries.
boost::json::object export_volunteer(SQLite::Database& db, const std::string& id);

/// Erases a resident's personal data (right to erasure, or retention): identity, contact, address and
/// every free-text note about them are replaced; ids, categories, neighbourhoods, statuses, times and the
/// event log stay, so statistics are unchanged. Live missions are cancelled and open requests closed first.
/// Idempotent refusal: 409 if already erased.
void erase_resident(SQLite::Database& db, const std::string& id, const std::string& reason, std::int64_t now,
                    const actor& who);
/// Erases a volunteer's personal data likewise (withdrawing them first if needed); their account is
/// disabled.
void erase_volunteer(SQLite::Database& db, const std::string& id, const std::string& reason, std::int64_t now,
                     const actor& who);

struct retention_result {
    int residents = 0;
    int volunteers = 0;
};

/// The retention rule: residents whose requests are all closed, the last one more than `days` ago, and
/// volunteers withdrawn more than `days` ago, are erased; so are reserve members who have not confirmed
/// their consent for a year (withdrawn first, reason `reserve_lapsed`). `days` defaults to the programme's
/// retention_days when negative.
retention_result apply_retention(SQLite::Database& db, std::int64_t now, int days = -1);

}  // namespace relais::domain
