#include "domain/supports.hpp"
#include "store/statement_cache.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/rows.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::domain {

namespace {

constexpr const char* support_columns =
    "s.seq, s.id, s.request_id, s.resident_id, s.volunteer_id, s.status, s.standin_volunteer_id, "
    "s.partner_id, "
    "s.handover_note, s.created_at, s.ended_at, r.category, r.recurrence, s.handover_consent_at";

support_record read_support(SQLite::Statement& q) {
    support_record s;
    auto opt = [&](int i) -> std::optional<std::string> {
        if (q.getColumn(i).isNull())
            return std::nullopt;
        return q.getColumn(i).getString();
    };
    s.id = q.getColumn(1).getString();
    s.request_id = q.getColumn(2).getString();
    s.resident_id = q.getColumn(3).getString();
    s.volunteer_id = q.getColumn(4).getString();
    s.status = q.getColumn(5).getString();
    s.standin_volunteer_id = opt(6);
    s.partner_id = opt(7);
    s.handover_note = opt(8);
    s.created_at = q.getColumn(9).getInt64();
    if (!q.getColumn(10).isNull())
        s.ended_at = q.getColumn(10).getInt64();
    s.category = q.getColumn(11).getString();
    s.recurrence = q.getColumn(12).getString();
    if (!q.getColumn(13).isNull())
        s.handover_consent_at = q.getColumn(13).getInt64();
    return s;
}

void require_active(const support_record& s) {
    if (s.status != "active")
        throw conflict("The support is " + s.status + "; only an active support can be changed.");
}

support_record load_active(SQLite::Database& db, const std::string& id) {
    auto s = load_support(db, id);
    require_active(s);
    return s;
}

void close_support(SQLite::Database& db, const support_record& s, const std::string& to,
                   const std::string& reason, std::int64_t now, const actor& who,
                   boost::json::object data = {}) {
    auto q_lease = store::prepare(db, "UPDATE support SET status = ?, ended_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, to);
    q.bind(2, static_cast<std::int64_t>(now));
    q.bind(3, s.id);
    q.exec();
    data["request_id"] = s.request_id;
    data["volunteer_id"] = s.volunteer_id;
    append_event(
        db, now, who,
        {"support", s.id, to == "ended" ? "ended" : "handed_over", s.status, to, reason, std::move(data)});
}

}  // namespace

std::optional<support_record> active_support(SQLite::Database& db, const std::string& request_id) {
    static const std::string sql = std::string("SELECT ") + support_columns +
                                   " FROM support s JOIN request r ON r.id = s.request_id "
                                   "WHERE s.request_id = ? AND s.status = 'active'";
    auto q_lease = store::prepare(db, sql);
    SQLite::Statement& q = *q_lease;
    q.bind(1, request_id);
    if (!q.executeStep())
        return std::nullopt;
    return read_support(q);
}

std::string create_support(SQLite::Database& db, const std::string& request_id,
                           const std::string& volunteer_id, std::int64_t now, const actor& who) {
    const std::string id = new_id("sup");
    auto q_lease =
        store::prepare(db,
                       "INSERT INTO support(id, request_id, resident_id, volunteer_id, status, created_at) "
                       "SELECT ?, id, resident_id, ?, 'active', ? FROM request WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    q.bind(2, volunteer_id);
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, request_id);
    q.exec();
    auto c_lease = store::prepare(db, "SELECT category, recurrence, resident_id FROM request WHERE id = ?");
    SQLite::Statement& c = *c_lease;
    c.bind(1, request_id);
    c.executeStep();
    append_event(db, now, who,
                 {"support",
                  id,
                  "created",
                  std::nullopt,
                  "active",
                  std::nullopt,
                  {{"request_id", request_id},
                   {"volunteer_id", volunteer_id},
                   {"resident_id", c.getColumn(2).getString()},
                   {"category", c.getColumn(0).getString()},
                   {"recurrence", c.getColumn(1).getString()}}});
    return id;
}

support_record load_support(SQLite::Database& db, const std::string& id) {
    static const std::string sql = std::string("SELECT ") + support_columns +
                                   " FROM support s JOIN request r ON r.id = s.request_id WHERE s.id = ?";
    auto q_lease = store::prepare(db, sql);
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    if (!q.executeStep())
        throw not_found("No such support.");
    return read_support(q);
}

std::vector<support_record> list_supports(SQLite::Database& db, const support_filter& f, page_info& page) {
    std::string sql = std::string("SELECT ") + support_columns +
                      " FROM support s JOIN request r ON r.id = s.request_id WHERE s.seq > :after";
    if (f.status)
        sql += " AND s.status = :status";
    if (f.volunteer_id)
        sql += " AND (s.volunteer_id = :vol OR s.standin_volunteer_id = :vol)";
    if (f.partner_id)
        sql += " AND s.partner_id = :partner";
    if (f.request_id)
        sql += " AND s.request_id = :request";
    sql += " ORDER BY s.seq LIMIT :limit";
    auto s_lease = store::prepare(db, sql);
    SQLite::Statement& s = *s_lease;
    s.bind(":after", static_cast<std::int64_t>(f.after_seq));
    if (f.status)
        s.bind(":status", *f.status);
    if (f.volunteer_id)
        s.bind(":vol", *f.volunteer_id);
    if (f.partner_id)
        s.bind(":partner", *f.partner_id);
    if (f.request_id)
        s.bind(":request", *f.request_id);
    s.bind(":limit", f.limit + 1);
    return read_seq_page(s, f.limit, page, read_support);
}

void set_standin(SQLite::Database& db, const std::string& id, const std::optional<std::string>& volunteer_id,
                 std::int64_t now, const actor& who) {
    auto s = load_active(db, id);
    if (volunteer_id) {
        auto v = load_volunteer(db, *volunteer_id);
        if (v.status != "active")
            throw conflict("The stand-in must be an active volunteer (this one is " + v.status + ").");
        if (*volunteer_id == s.volunteer_id)
            throw conflict("The stand-in must be another volunteer than the support's own.");
    }
    auto q_lease = store::prepare(db, "UPDATE support SET standin_volunteer_id = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    if (volunteer_id)
        q.bind(1, *volunteer_id);
    q.bind(2, id);
    q.exec();
    boost::json::object data{{"request_id", s.request_id}};
    data["standin_volunteer_id"] =
        volunteer_id ? boost::json::value(*volunteer_id) : boost::json::value(nullptr);
    append_event(db, now, who,
                 {"support", id, "standin_set", s.status, s.status, std::nullopt, std::move(data)});
}

void end_support(SQLite::Database& db, const std::string& id, const std::string& reason, std::int64_t now,
                 const actor& who) {
    end_support(db, load_support(db, id), reason, now, who);
}

void end_support(SQLite::Database& db, const support_record& s, const std::string& reason, std::int64_t now,
                 const actor& who) {
    require_active(s);
    close_support(db, s, "ended", reason, now, who);
}

void handover_support(SQLite::Database& db, const std::string& id, const std::string& partner_id,
                      const std::optional<std::string>& note, std::int64_t now, const actor& who) {
    auto s = load_active(db, id);
    auto p_lease = store::prepare(db, "SELECT 1 FROM partner WHERE id = ?");
    SQLite::Statement& p = *p_lease;
    p.bind(1, partner_id);
    if (!p.executeStep())
        throw validation_error({{"partner_id", "is not a known partner"}});
    auto q_lease = store::prepare(
        db, "UPDATE support SET partner_id = ?, handover_note = ?, handover_consent_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, partner_id);
    if (note)
        q.bind(2, *note);
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, id);
    q.exec();
    close_support(db, s, "handed_over", "handover", now, who, {{"partner_id", partner_id}});
}

}  // namespace relais::domain
