#include "stats/collective_summary.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

namespace relais::stats {

namespace json = boost::json;

namespace {

/// Per organiser; the volunteers column of the total is counted over every organiser (a volunteer who came
/// to the city's activity and to a partner's is one person), so it is its own query.
constexpr const char* per_organiser_sql = R"sql(
WITH c AS (
  SELECT id, partner_id, capacity, status FROM collective_mission WHERE starts_at >= :from AND starts_at < :until
), s AS (
  SELECT c.partner_id, g.volunteer_id, g.attended FROM c
  JOIN collective_signup g ON g.collective_id = c.id AND g.cancelled_at IS NULL
  WHERE c.status = 'open'
)
SELECT c.partner_id, COALESCE(p.name, (SELECT name FROM programme WHERE id = 1), ''),
  SUM(c.status = 'open'), SUM(c.status = 'cancelled'), SUM(CASE WHEN c.status = 'open' THEN c.capacity END),
  (SELECT COUNT(*) FROM s WHERE s.partner_id IS c.partner_id),
  (SELECT COUNT(*) FROM s WHERE s.partner_id IS c.partner_id AND s.attended = 1),
  (SELECT COUNT(*) FROM s WHERE s.partner_id IS c.partner_id AND s.attended = 0),
  (SELECT COUNT(DISTINCT volunteer_id) FROM s WHERE s.partner_id IS c.partner_id AND s.attended = 1)
FROM c LEFT JOIN partner p ON p.id = c.partner_id
GROUP BY c.partner_id
ORDER BY c.partner_id IS NOT NULL, p.name, c.partner_id
)sql";

constexpr const char* distinct_sql = R"sql(
SELECT COUNT(DISTINCT g.volunteer_id) FROM collective_mission c
JOIN collective_signup g ON g.collective_id = c.id AND g.cancelled_at IS NULL
WHERE c.starts_at >= :from AND c.starts_at < :until AND c.status = 'open' AND g.attended = 1
)sql";

std::int64_t int_or_zero(SQLite::Statement& q, int i) {
    return q.getColumn(i).isNull() ? 0 : q.getColumn(i).getInt64();
}

}  // namespace

std::vector<collective_row> collective_summary(SQLite::Database& db, const period& p) {
    std::vector<collective_row> rows;
    collective_row total{"all", ""};
    {
        auto q_lease = store::prepare(db, per_organiser_sql);
        SQLite::Statement& q = *q_lease;
        q.bind(":from", static_cast<std::int64_t>(p.from));
        q.bind(":until", static_cast<std::int64_t>(p.until));
        while (q.executeStep()) {
            collective_row r;
            r.organiser_id = q.getColumn(0).isNull() ? "city" : q.getColumn(0).getString();
            r.organiser = q.getColumn(1).getString();
            r.held = int_or_zero(q, 2);
            r.cancelled = int_or_zero(q, 3);
            r.places = int_or_zero(q, 4);
            r.signups = int_or_zero(q, 5);
            r.attended = int_or_zero(q, 6);
            r.absent = int_or_zero(q, 7);
            r.volunteers = int_or_zero(q, 8);
            total.held += r.held;
            total.cancelled += r.cancelled;
            total.places += r.places;
            total.signups += r.signups;
            total.attended += r.attended;
            total.absent += r.absent;
            rows.push_back(std::move(r));
        }
    }
    if (rows.empty())
        return rows;
    auto q_lease = store::prepare(db, distinct_sql);
    SQLite::Statement& q = *q_lease;
    q.bind(":from", static_cast<std::int64_t>(p.from));
    q.bind(":until", static_cast<std::int64_t>(p.until));
    q.executeStep();
    total.volunteers = q.getColumn(0).getInt64();
    rows.push_back(std::move(total));
    return rows;
}

json::value collectives_json(const std::vector<collective_row>& rows) {
    json::array out;
    for (const auto& r : rows)
        out.push_back(json::object{{"organiser_id", r.organiser_id},
                                   {"organiser", r.organiser},
                                   {"held", r.held},
                                   {"cancelled", r.cancelled},
                                   {"places", r.places},
                                   {"signups", r.signups},
                                   {"attended", r.attended},
                                   {"absent", r.absent},
                                   {"volunteers", r.volunteers}});
    return out;
}

}  // namespace relais::stats
