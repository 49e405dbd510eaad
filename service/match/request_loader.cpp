#include "match/request_loader.hpp"
#include "store/statement_cache.hpp"

#include "domain/programme.hpp"
#include "domain/supports.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::match {

programme_settings load_settings(SQLite::Database& db) {
    auto p = domain::load_programme(db);
    programme_settings s;
    s.match.max_distance_km = p.max_distance_km;
    s.match.weights = score_weights::from_json(p.weights);
    s.match.city = domain::city_time(p.timezone);
    s.auto_dispatch = p.auto_dispatch;
    return s;
}

match_request load_match_request(SQLite::Database& db, const domain::request_record& r) {
    match_request m;
    m.request_id = r.id;
    m.resident_id = r.resident_id;
    m.category = r.category;
    m.urgency = r.urgency;
    m.window_from = r.window_from;
    m.window_until = r.window_until;
    {
        auto q_lease =
            store::prepare(db, "SELECT neighbourhood, lat, lon, languages FROM resident WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, r.resident_id);
        if (q.executeStep()) {
            m.neighbourhood = q.getColumn(0).getString();
            if (!q.getColumn(1).isNull() && !q.getColumn(2).isNull())
                m.location = domain::geo{q.getColumn(1).getDouble(), q.getColumn(2).getDouble()};
            m.languages = domain::strings_from_json(q.getColumn(3).getString());
        }
    }
    {
        auto q_lease = store::prepare(db,
                                      "SELECT DISTINCT volunteer_id FROM mission WHERE request_id = ? "
                                      "AND status IN ('declined','dropped','expired')");
        SQLite::Statement& q = *q_lease;
        q.bind(1, r.id);
        while (q.executeStep())
            m.excluded.push_back(q.getColumn(0).getString());
    }
    if (auto s = domain::active_support(db, r.id)) {
        m.support_only.push_back(s->volunteer_id);
        if (s->standin_volunteer_id)
            m.support_only.push_back(*s->standin_volunteer_id);
    }
    {
        auto q_lease = store::prepare(
            db,
            "SELECT volunteer_id, MAX(c) FROM ("
            " SELECT volunteer_id, 1.0 AS c FROM support WHERE resident_id = :res AND status = 'active'"
            " UNION ALL SELECT m.volunteer_id, 0.75 FROM mission m JOIN request q ON q.id = m.request_id"
            " WHERE q.resident_id = :res AND m.status = 'done') GROUP BY volunteer_id");
        SQLite::Statement& q = *q_lease;
        q.bind(":res", r.resident_id);
        while (q.executeStep())
            m.continuity.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getDouble());
    }
    return m;
}

std::vector<domain::request_record> open_requests(SQLite::Database& db, std::int64_t now, std::size_t limit) {
    auto q_lease = store::prepare(
        db,
        "SELECT r.id FROM request r WHERE r.status = 'new' AND r.window_until > ? "
        "AND NOT EXISTS (SELECT 1 FROM mission m WHERE m.request_id = r.id "
        "AND m.status IN ('proposed','accepted')) "
        "ORDER BY -r.redispatch, (CASE r.urgency WHEN 'today' THEN 0 WHEN '48h' THEN 1 ELSE 2 END), "
        "r.created_at, r.seq LIMIT ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, static_cast<std::int64_t>(limit));
    std::vector<std::string> ids;
    while (q.executeStep())
        ids.push_back(q.getColumn(0).getString());
    std::vector<domain::request_record> out;
    out.reserve(ids.size());
    for (const auto& id : ids)
        out.push_back(domain::load_request(db, id));
    return out;
}

}  // namespace relais::match
