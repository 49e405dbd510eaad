#include "match/idle.hpp"
#include "store/statement_cache.hpp"

#include "domain/volunteers.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::match {

std::vector<idle_volunteer> idle_volunteers(SQLite::Database& db, std::int64_t now, int weeks,
                                            const idle_cursor& after, int limit,
                                            std::optional<idle_cursor>& next) {
    auto q_lease = store::prepare(
        db,
        "WITH s AS (SELECT v.seq, v.id, v.first_name, v.neighbourhood, v.skills, v.validated_at, "
        " (SELECT MAX(m.starts_at) FROM mission m WHERE m.volunteer_id = v.id AND m.status = 'done')"
        "   AS last_done, "
        " EXISTS (SELECT 1 FROM mission m WHERE m.volunteer_id = v.id "
        "   AND m.status IN ('accepted','done','missed','dropped')) AS mobilised "
        " FROM volunteer v WHERE v.status = 'active') "
        "SELECT seq, id, first_name, neighbourhood, skills, validated_at, last_done, mobilised "
        "FROM s WHERE (last_done IS NULL OR last_done < :cut) "
        "AND (COALESCE(last_done, -1), seq) > (:after_last, :after_seq) "
        "ORDER BY COALESCE(last_done, -1), seq LIMIT :n");
    SQLite::Statement& q = *q_lease;
    q.bind(":cut", static_cast<std::int64_t>(now - static_cast<std::int64_t>(weeks) * 7 * 86400));
    q.bind(":after_last", static_cast<std::int64_t>(after.last));
    q.bind(":after_seq", static_cast<std::int64_t>(after.seq));
    q.bind(":n", limit + 1);
    std::vector<idle_volunteer> out;
    next.reset();
    while (q.executeStep()) {
        if (static_cast<int>(out.size()) == limit) {
            next = idle_cursor{out.back().last_mission_at.value_or(-1), out.back().seq};
            break;
        }
        idle_volunteer v;
        v.seq = q.getColumn(0).getInt64();
        v.id = q.getColumn(1).getString();
        v.first_name = q.getColumn(2).getString();
        v.neighbourhood = q.getColumn(3).getString();
        v.skills = domain::strings_from_json(q.getColumn(4).getString());
        if (!q.getColumn(5).isNull())
            v.validated_at = q.getColumn(5).getInt64();
        if (!q.getColumn(6).isNull())
            v.last_mission_at = q.getColumn(6).getInt64();
        v.never_mobilised = q.getColumn(7).getInt() == 0;
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace relais::match
