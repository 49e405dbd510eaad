#include "domain/engagement.hpp"

#include "domain/time_format.hpp"
#include "domain/volunteers.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <map>

namespace relais::domain {

engagement_record engagement_of(SQLite::Database& db, const std::string& volunteer_id, std::int64_t from,
                                std::int64_t to) {
    load_volunteer(db, volunteer_id);  // 404 for an unknown volunteer
    engagement_record out;
    out.volunteer_id = volunteer_id;
    out.from = from;
    out.to = to;
    std::map<std::string, engagement_line> categories, months;
    {
        auto q = store::prepare(db,
                                "SELECT r.category, m.starts_at, "
                                "COALESCE(m.report_duration_minutes, (m.ends_at - m.starts_at) / 60) "
                                "FROM mission m JOIN request r ON r.id = m.request_id "
                                "WHERE m.volunteer_id = ? AND m.status = 'done' AND m.starts_at >= ? "
                                "AND m.starts_at < ? ORDER BY m.starts_at");
        q->bind(1, volunteer_id);
        q->bind(2, from);
        q->bind(3, to);
        while (q->executeStep()) {
            const std::string category = q->getColumn(0).getString();
            const std::int64_t at = q->getColumn(1).getInt64();
            const std::int64_t minutes = std::max<std::int64_t>(0, q->getColumn(2).getInt64());
            ++out.missions;
            out.minutes += minutes;
            if (!out.first_at)
                out.first_at = at;
            out.last_at = at;
            auto& c = categories[category];
            c.key = category;
            ++c.missions;
            c.minutes += minutes;
            const std::string month = format_iso8601(at).substr(0, 7);
            auto& m = months[month];
            m.key = month;
            ++m.missions;
            m.minutes += minutes;
        }
    }
    {
        auto q =
            store::prepare(db,
                           "SELECT COUNT(*), COALESCE(SUM((c.ends_at - c.starts_at) / 60), 0) "
                           "FROM collective_signup s JOIN collective_mission c ON c.id = s.collective_id "
                           "WHERE s.volunteer_id = ? AND s.attended = 1 AND c.starts_at >= ? "
                           "AND c.starts_at < ?");
        q->bind(1, volunteer_id);
        q->bind(2, from);
        q->bind(3, to);
        q->executeStep();
        out.collectives = q->getColumn(0).getInt64();
        out.collective_minutes = q->getColumn(1).getInt64();
    }
    for (auto& [k, v] : categories)
        out.by_category.push_back(v);
    std::sort(out.by_category.begin(), out.by_category.end(),
              [](const engagement_line& a, const engagement_line& b) {
                  return a.minutes != b.minutes ? a.minutes > b.minutes : a.key < b.key;
              });
    for (auto& [k, v] : months)
        out.by_month.push_back(v);
    return out;
}

}  // namespace relais::domain
