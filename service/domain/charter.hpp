#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>

// The volunteers' charter (issue 16): the commitments a volunteer accepts at registration (confidentiality,
// no money handled without a receipt, tell the coordination of any worry...). Its text is versioned per
// programme: each programme publishes its own, and a correction publishes a new version. While the current
// programme has a charter, registering requires accepting its current version; a volunteer from an earlier
// programme accepts the new one from their app. Every acceptance is kept as the record of the agreement.
namespace relais::domain {

struct charter_record {
    std::int64_t seq = 0;
    std::string programme_id, version, text_fr, text_en;
    std::int64_t published_at = 0;
};

struct charter_acceptance_record {
    std::string programme_id, version;
    std::int64_t accepted_at = 0;
};

/// The current programme's latest charter, if it has one.
std::optional<charter_record> current_charter(SQLite::Database& db);

/// Publishes a version of a programme's charter (409 if the programme is closed or already has this
/// version; 404 for an unknown programme). Returns it.
charter_record publish_charter(SQLite::Database& db, const std::string& programme_id,
                               const std::string& version, const std::string& text_fr,
                               const std::string& text_en, std::int64_t now, const actor& who);

/// Records that the volunteer accepts the current charter, given as the version they read: 422 on `field`
/// when it is not the current version (it changed while they read) or when there is no charter at all.
/// Accepting the same version again is a no-op.
void accept_charter(SQLite::Database& db, const std::string& volunteer_id, const std::string& version,
                    std::int64_t now, const actor& who, const char* field);

/// The volunteer's latest acceptance, if any.
std::optional<charter_acceptance_record> latest_acceptance(SQLite::Database& db,
                                                           const std::string& volunteer_id);

}  // namespace relais::domain
