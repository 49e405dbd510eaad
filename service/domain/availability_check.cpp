#include "domain/availability_check.hpp"

#include "core/error.hpp"
#include "domain/programme.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::domain {

namespace {

bool minute_covered(const std::vector<availability_slot>& slots, int week_minute) {
    const int day = week_minute / 1440, minute = week_minute % 1440;
    for (const auto& s : slots)
        if (s.day == day && s.start <= minute && minute < s.end)
            return true;
    return false;
}

}  // namespace

bool slot_within_availability(const std::vector<availability_slot>& slots, const city_time& city,
                              std::int64_t starts_at, std::int64_t ends_at) {
    if (ends_at <= starts_at)
        return false;
    // Minute by minute (a mission lasts at most 12 hours: 720 looks), so that a change of offset inside the
    // slot is read as the wall clock shows it.
    for (std::int64_t t = starts_at; t < ends_at; t += 60)
        if (!minute_covered(slots, city.week_minute(t)))
            return false;
    return true;
}

bool volunteer_available_for(SQLite::Database& db, const std::string& volunteer_id, std::int64_t starts_at,
                             std::int64_t ends_at) {
    auto q_lease = store::prepare(db, "SELECT availability FROM volunteer WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, volunteer_id);
    if (!q.executeStep())
        throw not_found("No such volunteer.");
    const auto slots = availability_from_json(q.getColumn(0).getString());
    q.reset();
    return slot_within_availability(slots, city_time(load_programme(db).timezone), starts_at, ends_at);
}

}  // namespace relais::domain
