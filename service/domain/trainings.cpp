#include "domain/trainings.hpp"

#include "core/error.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::domain {

const char* const matching_skills_sql =
    "(SELECT json_group_array(s.value) FROM json_each(volunteer.skills) s "
    "LEFT JOIN category c ON c.code = s.value WHERE c.training IS NULL OR EXISTS (SELECT 1 FROM "
    "volunteer_training t WHERE t.volunteer_id = volunteer.id AND t.category = s.value))";

std::vector<training_record> trainings_of(SQLite::Database& db, const std::string& volunteer_id) {
    auto q_lease = store::prepare(db,
                                  "SELECT category, trained_on, note, recorded_at FROM volunteer_training "
                                  "WHERE volunteer_id = ? ORDER BY category");
    SQLite::Statement& q = *q_lease;
    q.bind(1, volunteer_id);
    std::vector<training_record> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       q.getColumn(3).getInt64()});
    return out;
}

training_record record_training(SQLite::Database& db, const std::string& volunteer_id,
                                const std::string& category, const std::string& trained_on,
                                const std::string& note, std::int64_t now, const actor& who) {
    {
        auto q_lease = store::prepare(db, "SELECT erased_at FROM volunteer WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, volunteer_id);
        if (!q.executeStep())
            throw not_found("No such volunteer.");
        if (!q.getColumn(0).isNull())
            throw conflict("This volunteer's data has been erased.");
    }
    {
        auto q_lease = store::prepare(db, "SELECT 1 FROM category WHERE code = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, category);
        if (!q.executeStep())
            throw not_found("No such category.");
    }
    auto q_lease = store::prepare(db,
                                  "INSERT INTO volunteer_training(volunteer_id, category, trained_on, note, "
                                  "recorded_at) VALUES (?,?,?,?,?) ON CONFLICT(volunteer_id, category) DO "
                                  "UPDATE SET trained_on = excluded.trained_on, note = excluded.note, "
                                  "recorded_at = excluded.recorded_at");
    SQLite::Statement& q = *q_lease;
    q.bind(1, volunteer_id);
    q.bind(2, category);
    q.bind(3, trained_on);
    q.bind(4, note);
    q.bind(5, static_cast<std::int64_t>(now));
    q.exec();
    // A volunteer event: the matching index re-reads the volunteer, who may now be a candidate.
    boost::json::object data{{"category", category}};
    append_event(
        db, now, who,
        {"volunteer", volunteer_id, "trained", std::nullopt, std::nullopt, std::nullopt, std::move(data)});
    return {category, trained_on, note, now};
}

void remove_training(SQLite::Database& db, const std::string& volunteer_id, const std::string& category,
                     std::int64_t now, const actor& who) {
    auto q_lease =
        store::prepare(db, "DELETE FROM volunteer_training WHERE volunteer_id = ? AND category = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, volunteer_id);
    q.bind(2, category);
    if (q.exec() == 0)
        throw not_found("This volunteer has no training record for this category.");
    boost::json::object data{{"category", category}};
    append_event(db, now, who,
                 {"volunteer", volunteer_id, "training_removed", std::nullopt, std::nullopt, std::nullopt,
                  std::move(data)});
}

void check_trained(SQLite::Database& db, const std::string& volunteer_id, const std::string& category) {
    auto q_lease = store::prepare(db,
                                  "SELECT c.training FROM category c WHERE c.code = ?1 AND c.training IS NOT "
                                  "NULL AND NOT EXISTS (SELECT 1 FROM volunteer_training t WHERE "
                                  "t.volunteer_id = ?2 AND t.category = ?1)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, category);
    q.bind(2, volunteer_id);
    if (!q.executeStep())
        return;
    auto e = conflict("This kind of help requires a training (" + q.getColumn(0).getString() +
                      ") that the volunteer has not had: record it on their page first.");
    e.type = training_required_type;
    throw e;
}

}  // namespace relais::domain
