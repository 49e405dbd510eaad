#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

// Training records (issue 16): a kind of help may require a training (accompanying someone to a medical
// appointment, for one). Only volunteers with a record for the category are its candidates: the matching
// index leaves the skill out of an untrained volunteer's profile (match/index_sync.cpp), and a proposal to
// an untrained volunteer is refused (409 /problems/training-required), except to the volunteer already
// holding the request's support.
namespace relais::domain {

inline constexpr const char* training_required_type = "/problems/training-required";

struct training_record {
    std::string category, trained_on;  ///< trained_on: YYYY-MM-DD
    std::string note;
    std::int64_t recorded_at = 0;
};

/// The volunteer's training records, by category code.
std::vector<training_record> trainings_of(SQLite::Database& db, const std::string& volunteer_id);

/// Records (or replaces) a training of the volunteer for a category. 404 for an unknown volunteer or
/// category; 409 for an erased volunteer.
training_record record_training(SQLite::Database& db, const std::string& volunteer_id,
                                const std::string& category, const std::string& trained_on,
                                const std::string& note, std::int64_t now, const actor& who);

/// Removes a record (404 if there is none).
void remove_training(SQLite::Database& db, const std::string& volunteer_id, const std::string& category,
                     std::int64_t now, const actor& who);

/// Throws a 409 /problems/training-required when the category needs a training the volunteer lacks.
void check_trained(SQLite::Database& db, const std::string& volunteer_id, const std::string& category);

/// SQL of a volunteer's skills that count for matching (those whose category requires no training, or
/// for which they are trained), as a JSON array, for a query over the `volunteer` table.
extern const char* const matching_skills_sql;

}  // namespace relais::domain
