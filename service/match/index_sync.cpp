#include "match/index_sync.hpp"
#include "domain/trainings.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <unordered_map>

namespace relais::match {

namespace {

// The skills column is the matching skills: a skill whose category needs a training the volunteer lacks
// is left out (domain/trainings.hpp).
const std::string row_columns = std::string("id, status, neighbourhood, lat, lon, ") +
                                domain::matching_skills_sql +
                                ", availability, languages, max_missions_per_week";

volunteer_row read_row(SQLite::Statement& q) {
    volunteer_row r;
    r.id = q.getColumn(0).getString();
    r.status = q.getColumn(1).getString();
    r.neighbourhood = q.getColumn(2).getString();
    if (!q.getColumn(3).isNull() && !q.getColumn(4).isNull())
        r.location = domain::geo{q.getColumn(3).getDouble(), q.getColumn(4).getDouble()};
    r.skills = domain::strings_from_json(q.getColumn(5).getString());
    r.availability = domain::availability_from_json(q.getColumn(6).getString());
    r.languages = domain::strings_from_json(q.getColumn(7).getString());
    r.max_missions_per_week = q.getColumn(8).getInt();
    return r;
}

// What the index keeps of missions: live ones, and proposed/accepted/done ones recent enough to count.
constexpr const char* mission_filter_sql =
    "(m.status IN ('proposed','accepted') OR (m.status = 'done' AND m.starts_at >= :cut))";
// "Mobilised": has accepted a mission at some point (accepted, then done, missed or dropped).
constexpr const char* summary_sql =
    "MAX(CASE WHEN m.status IN ('accepted','done') THEN m.starts_at END), "
    "MAX(m.status IN ('accepted','done','missed','dropped'))";

void read_mission(SQLite::Statement& q, int first, volunteer_row& r) {
    const std::string status = q.getColumn(first + 2).getString();
    r.missions.push_back(
        {q.getColumn(first).getInt64(), q.getColumn(first + 1).getInt64(), status != "done"});
}

}  // namespace

std::int64_t last_event_seq(SQLite::Database& db) {
    return db.execAndGet("SELECT COALESCE(MAX(seq), 0) FROM event").getInt64();
}

// The two reads below take the log's range (after, upto], NOT INDEXED: by the entity's index SQLite read
// every event of that entity ever written (see engine::maintain).
std::vector<std::string> volunteers_changed(SQLite::Database& db, std::int64_t after, std::int64_t upto) {
    auto q_lease = store::prepare(db,
                                  "SELECT entity_id FROM event NOT INDEXED WHERE seq > :a AND seq <= :b AND "
                                  "entity = 'volunteer' UNION SELECT m.volunteer_id FROM event e NOT INDEXED "
                                  "JOIN mission m ON m.id = e.entity_id "
                                  "WHERE e.seq > :a AND e.seq <= :b AND e.entity = 'mission'");
    SQLite::Statement& q = *q_lease;
    q.bind(":a", static_cast<std::int64_t>(after));
    q.bind(":b", static_cast<std::int64_t>(upto));
    std::vector<std::string> out;
    while (q.executeStep())
        out.push_back(q.getColumn(0).getString());
    return out;
}

bool categories_changed(SQLite::Database& db, std::int64_t after, std::int64_t upto) {
    auto q_lease =
        store::prepare(db,
                       "SELECT 1 FROM event NOT INDEXED WHERE seq > ? AND seq <= ? AND entity = 'category' "
                       "LIMIT 1");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(after));
    q.bind(2, static_cast<std::int64_t>(upto));
    return q.executeStep();
}

std::vector<volunteer_row> load_volunteer_rows(SQLite::Database& db, const std::vector<std::string>& ids,
                                               std::int64_t now) {
    auto v_lease = store::prepare(db, std::string("SELECT ") + row_columns + " FROM volunteer WHERE id = ?");
    SQLite::Statement& v = *v_lease;
    auto m_lease = store::prepare(db, std::string("SELECT m.starts_at, m.ends_at, m.status FROM mission m "
                                                  "WHERE m.volunteer_id = :id AND ") +
                                          mission_filter_sql + " ORDER BY m.starts_at");
    SQLite::Statement& m = *m_lease;
    auto s_lease =
        store::prepare(db, std::string("SELECT ") + summary_sql + " FROM mission m WHERE m.volunteer_id = ?");
    SQLite::Statement& s = *s_lease;
    std::vector<volunteer_row> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
        v.reset();
        v.bind(1, id);
        if (!v.executeStep()) {
            volunteer_row gone;
            gone.id = id;
            out.push_back(std::move(gone));
            continue;
        }
        volunteer_row r = read_row(v);
        if (r.status == "active") {
            m.reset();
            m.bind(":id", id);
            m.bind(":cut", static_cast<std::int64_t>(now - mission_memory_s));
            while (m.executeStep())
                read_mission(m, 0, r);
            s.reset();
            s.bind(1, id);
            if (s.executeStep()) {
                r.last_mission_at = s.getColumn(0).isNull() ? 0 : s.getColumn(0).getInt64();
                r.ever_mobilised = !s.getColumn(1).isNull() && s.getColumn(1).getInt() != 0;
            }
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<volunteer_row> load_active_rows(SQLite::Database& db, std::int64_t now) {
    std::vector<volunteer_row> out;
    std::unordered_map<std::string, std::size_t> at;
    {
        auto q_lease = store::prepare(db, std::string("SELECT ") + row_columns +
                                              " FROM volunteer WHERE status = 'active' ORDER BY seq");
        SQLite::Statement& q = *q_lease;
        while (q.executeStep()) {
            out.push_back(read_row(q));
            at.emplace(out.back().id, out.size() - 1);
        }
    }
    {
        auto q_lease = store::prepare(
            db, std::string("SELECT m.volunteer_id, m.starts_at, m.ends_at, m.status FROM mission m "
                            "JOIN volunteer v ON v.id = m.volunteer_id WHERE v.status = 'active' "
                            "AND ") +
                    mission_filter_sql + " ORDER BY m.starts_at");
        SQLite::Statement& q = *q_lease;
        q.bind(":cut", static_cast<std::int64_t>(now - mission_memory_s));
        while (q.executeStep()) {
            auto it = at.find(q.getColumn(0).getString());
            if (it != at.end())
                read_mission(q, 1, out[it->second]);
        }
    }
    {
        auto q_lease = store::prepare(db, std::string("SELECT m.volunteer_id, ") + summary_sql +
                                              " FROM mission m JOIN volunteer v ON v.id = m.volunteer_id "
                                              "WHERE v.status = 'active' GROUP BY m.volunteer_id");
        SQLite::Statement& q = *q_lease;
        while (q.executeStep()) {
            auto it = at.find(q.getColumn(0).getString());
            if (it == at.end())
                continue;
            auto& r = out[it->second];
            r.last_mission_at = q.getColumn(1).isNull() ? 0 : q.getColumn(1).getInt64();
            r.ever_mobilised = !q.getColumn(2).isNull() && q.getColumn(2).getInt() != 0;
        }
    }
    return out;
}

void full_load(volunteer_index& index, SQLite::Database& db, std::int64_t now) {
    // Sequence number first: any change after it is re-applied by the next catch-up, never lost. Within
    // one read transaction both reads see the same snapshot anyway.
    const std::int64_t seq = last_event_seq(db);
    index.replace_all(load_active_rows(db, now), seq);
}

std::size_t catch_up(volunteer_index& index, SQLite::Database& db, std::int64_t now) {
    const std::int64_t from = index.applied_seq();
    const std::int64_t upto = last_event_seq(db);
    if (upto <= from)
        return 0;
    auto ids = volunteers_changed(db, from, upto);
    // A long backlog (the server was busy, or a bulk import): cheaper to reload everything. So is a changed
    // category (rare): whether it needs a training changes who is a candidate for it.
    if (ids.size() > 20000 || categories_changed(db, from, upto)) {
        index.replace_all(load_active_rows(db, now), upto);
        return ids.size();
    }
    index.apply(load_volunteer_rows(db, ids, now), from, upto);
    return ids.size();
}

}  // namespace relais::match
