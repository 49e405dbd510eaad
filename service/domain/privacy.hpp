#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

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

/// Who the retention rule would erase at `now` (the reserve's lapsed members aside: an indexed read). Finding
/// the residents reads every one of them, which takes a while on a large database (0.4 s for 300,000): the
/// server does it on a reader and hands the result to the writer, which re-checks each (below).
struct retention_candidates {
    std::vector<std::string> residents, volunteers;
};
retention_candidates find_retention_candidates(SQLite::Database& db, std::int64_t now, int days = -1);
/// The retention rule applied to candidates found earlier: each is erased only if the rule still holds of
/// them now (their own row read by id: someone who filed a new request since is kept); the reserve's lapsed
/// members are found here. A candidate who became one since is caught by the next run.
retention_result apply_retention(SQLite::Database& db, std::int64_t now, const retention_candidates& found,
                                 int days = -1);

}  // namespace relais::domain
