#include "domain/privacy.hpp"
#include "domain/reserve.hpp"
#include "store/statement_cache.hpp"

#include "core/error.hpp"
#include "domain/missions.hpp"
#include "domain/requests.hpp"
#include "domain/volunteers.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

namespace relais::domain {

namespace json = boost::json;

namespace {

constexpr const char* erased_text = "(effacé)";

/// Every column of every row `sql` returns, as JSON objects (column names as keys).
json::array rows(SQLite::Database& db, const std::string& sql, const std::string& id) {
    auto q_lease = store::prepare(db, sql);
    SQLite::Statement& q = *q_lease;
    for (int i = 1; i <= q.getBindParameterCount(); ++i)
        q.bind(i, id);
    json::array out;
    while (q.executeStep()) {
        json::object o;
        for (int c = 0; c < q.getColumnCount(); ++c) {
            auto col = q.getColumn(c);
            const std::string name = q.getColumnName(c);
            if (name == "password_hash" || name == "tracking_hash" || name == "token_hash" ||
                name == "csrf_token")
                continue;  // secrets are not personal data to hand out, and must never leave the server
            if (col.isNull())
                o[name] = nullptr;
            else if (col.isInteger())
                o[name] = col.getInt64();
            else if (col.isFloat())
                o[name] = col.getDouble();
            else
                o[name] = col.getString();
        }
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace

json::object export_resident(SQLite::Database& db, const std::string& id) {
    auto person = rows(db, "SELECT * FROM resident WHERE id = ?", id);
    if (person.empty())
        throw not_found("No such resident.");
    return {{"resident", person[0]},
            {"requests", rows(db, "SELECT * FROM request WHERE resident_id = ?", id)},
            {"supports", rows(db, "SELECT * FROM support WHERE resident_id = ?", id)},
            {"missions", rows(db,
                              "SELECT m.* FROM mission m JOIN request r ON r.id = m.request_id "
                              "WHERE r.resident_id = ?",
                              id)},
            {"audit",
             rows(db, "SELECT * FROM audit_log WHERE subject_type = 'resident' AND subject_id = ?", id)}};
}

json::object export_volunteer(SQLite::Database& db, const std::string& id) {
    auto person = rows(db, "SELECT * FROM volunteer WHERE id = ?", id);
    if (person.empty())
        throw not_found("No such volunteer.");
    return {
        {"volunteer", person[0]},
        {"accounts",
         rows(db, "SELECT id, email, role, created_at, disabled_at FROM users WHERE volunteer_id = ?", id)},
        {"missions", rows(db, "SELECT * FROM mission WHERE volunteer_id = ?", id)},
        {"supports",
         rows(db, "SELECT * FROM support WHERE volunteer_id = ? OR standin_volunteer_id = ?", id)},
        {"collective_signups", rows(db, "SELECT * FROM collective_signup WHERE volunteer_id = ?", id)},
        {"audit",
         rows(db, "SELECT * FROM audit_log WHERE subject_type = 'volunteer' AND subject_id = ?", id)}};
}

namespace {

/// The messages sent to the person (their address and texts) and their delivery logs (the outbox,
/// migration 10).
void erase_messages(SQLite::Database& db, const char* recipient_kind, const std::string& id) {
    // Those out of the queue by outbox_recipient, those queued by outbox_due (migration 28).
    for (const char* which : {"status <> 'queued'", "status = 'queued'"}) {
        const std::string rows =
            std::string("FROM outbox WHERE ") + which + " AND recipient_kind = ? AND recipient_id = ?";
        auto l = store::prepare(db, "DELETE FROM outbox_log WHERE message_id IN (SELECT id " + rows + ")");
        l->bind(1, recipient_kind);
        l->bind(2, id);
        l->exec();
        auto q = store::prepare(db, "DELETE " + rows);
        q->bind(1, recipient_kind);
        q->bind(2, id);
        q->exec();
    }
    // The texts they sent us (migration 11).
    auto t = store::prepare(db, "DELETE FROM inbound_sms WHERE sender_kind = ? AND sender_id = ?");
    t->bind(1, recipient_kind);
    t->bind(2, id);
    t->exec();
}

}  // namespace

void erase_resident(SQLite::Database& db, const std::string& id, const std::string& reason, std::int64_t now,
                    const actor& who) {
    auto r = load_resident(db, id);
    if (r.erased_at)
        throw conflict("This resident's data has already been erased.");
    {
        auto open_lease =
            store::prepare(db, "SELECT id FROM request WHERE resident_id = ? AND status <> 'closed'");
        SQLite::Statement& open = *open_lease;
        open.bind(1, id);
        std::vector<std::string> ids;
        while (open.executeStep())
            ids.push_back(open.getColumn(0).getString());
        for (const auto& req : ids)
            close_request(db, req, "cancelled", std::string("erasure"), now, who);
    }
    auto q_lease = store::prepare(
        db,
        "UPDATE resident SET first_name = ?, last_name = ?, phone = '', email = NULL, address = '', "
        "lat = NULL, lon = NULL, erased_at = ?, updated_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, erased_text);
    q.bind(2, erased_text);
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, static_cast<std::int64_t>(now));
    q.bind(5, id);
    q.exec();
    // Free text about the person: request details, closing reasons, mission and report notes.
    auto rq_lease =
        store::prepare(db, "UPDATE request SET details = '', close_reason = NULL WHERE resident_id = ?");
    SQLite::Statement& rq = *rq_lease;
    rq.bind(1, id);
    rq.exec();
    auto mq_lease = store::prepare(
        db,
        "UPDATE mission SET note = NULL, welfare_note = NULL, welfare_ack_note = NULL WHERE request_id IN "
        "(SELECT id FROM request WHERE resident_id = ?)");
    SQLite::Statement& mq = *mq_lease;
    mq.bind(1, id);
    mq.exec();
    auto sq_lease = store::prepare(db, "UPDATE support SET handover_note = NULL WHERE resident_id = ?");
    SQLite::Statement& sq = *sq_lease;
    sq.bind(1, id);
    sq.exec();
    erase_messages(db, "resident", id);
    auto ct = store::prepare(db, "DELETE FROM call_task WHERE resident_id = ?");  // migration 11
    ct->bind(1, id);
    ct->exec();
    append_event(db, now, who, {"resident", id, "erased", std::nullopt, std::nullopt, reason, {}});
}

void erase_volunteer(SQLite::Database& db, const std::string& id, const std::string& reason, std::int64_t now,
                     const actor& who) {
    auto v = load_volunteer(db, id);
    if (v.erased_at)
        throw conflict("This volunteer's data has already been erased.");
    if (v.status != "withdrawn")
        withdraw_volunteer(db, id, "other", std::nullopt, now, who);
    auto q_lease = store::prepare(
        db,
        "UPDATE volunteer SET first_name = ?, last_name = ?, email = ?, phone = '', lat = NULL, "
        "lon = NULL, withdrawal_note = NULL, erased_at = ?, updated_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, erased_text);
    q.bind(2, erased_text);
    q.bind(3, "erased+" + id + "@invalid");
    q.bind(4, static_cast<std::int64_t>(now));
    q.bind(5, static_cast<std::int64_t>(now));
    q.bind(6, id);
    q.exec();
    auto u_lease =
        store::prepare(db,
                       "UPDATE users SET email = 'erased+' || id || '@invalid', password_hash = '!', "
                       "disabled_at = COALESCE(disabled_at, ?) WHERE volunteer_id = ?");
    SQLite::Statement& u = *u_lease;
    u.bind(1, static_cast<std::int64_t>(now));
    u.bind(2, id);
    u.exec();
    auto m_lease = store::prepare(db, "UPDATE mission SET note = NULL WHERE volunteer_id = ?");
    SQLite::Statement& m = *m_lease;
    m.bind(1, id);
    m.exec();
    erase_messages(db, "volunteer", id);
    auto tr = store::prepare(db, "DELETE FROM volunteer_training WHERE volunteer_id = ?");  // migration 23
    tr->bind(1, id);
    tr->exec();
    auto cp = store::prepare(db, "DELETE FROM contact_preference WHERE volunteer_id = ?");  // migration 11
    cp->bind(1, id);
    cp->exec();
    auto ps = store::prepare(db, "DELETE FROM push_subscription WHERE volunteer_id = ?");  // migration 13
    ps->bind(1, id);
    ps->exec();
    for (const char* table : {"sign_in_code", "email_confirmation"}) {  // migration 12 (auth/sign_in_codes)
        auto sc = store::prepare(db, std::string("DELETE FROM ") + table +
                                         " WHERE user_id IN (SELECT id FROM users WHERE volunteer_id = ?)");
        sc->bind(1, id);
        sc->exec();
    }
    append_event(db, now, who, {"volunteer", id, "erased", std::nullopt, std::nullopt, reason, {}});
}

namespace {

// The retention rule for one resident `p` (alias) and one volunteer, each with one parameter: the limit.
// Shared by the search over all and the re-check of one.
constexpr const char* resident_expired =
    "p.erased_at IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM request r WHERE r.resident_id = p.id AND r.status <> 'closed') "
    "AND COALESCE((SELECT MAX(closed_at) FROM request r WHERE r.resident_id = p.id), p.created_at) < ?";
constexpr const char* volunteer_expired = "erased_at IS NULL AND status = 'withdrawn' AND withdrawn_at < ?";

std::int64_t retention_limit(SQLite::Database& db, std::int64_t now, int days) {
    if (days < 0)
        days = db.execAndGet("SELECT retention_days FROM programme WHERE id = 1").getInt();
    return now - static_cast<std::int64_t>(days) * 86400;
}

std::vector<std::string> ids_where(SQLite::Database& db, const std::string& sql, std::int64_t limit) {
    auto q = store::prepare(db, sql);
    q->bind(1, static_cast<std::int64_t>(limit));
    std::vector<std::string> out;
    while (q->executeStep())
        out.push_back(q->getColumn(0).getString());
    return out;
}

bool still_expired(SQLite::Database& db, const std::string& sql, const std::string& id, std::int64_t limit) {
    auto q = store::prepare(db, sql);
    q->bind(1, static_cast<std::int64_t>(limit));
    q->bind(2, id);
    return q->executeStep();
}

}  // namespace

retention_candidates find_retention_candidates(SQLite::Database& db, std::int64_t now, int days) {
    const std::int64_t limit = retention_limit(db, now, days);
    return {ids_where(db, std::string("SELECT p.id FROM resident p WHERE ") + resident_expired, limit),
            ids_where(db, std::string("SELECT id FROM volunteer WHERE ") + volunteer_expired, limit)};
}

retention_result apply_retention(SQLite::Database& db, std::int64_t now, const retention_candidates& found,
                                 int days) {
    const std::int64_t limit = retention_limit(db, now, days);
    retention_result out;
    for (const auto& id : found.residents)
        if (still_expired(db,
                          std::string("SELECT 1 FROM resident p WHERE ") + resident_expired + " AND p.id = ?",
                          id, limit)) {
            erase_resident(db, id, "retention", now, system_actor());
            ++out.residents;
        }
    for (const auto& id : found.volunteers)
        if (still_expired(db,
                          std::string("SELECT 1 FROM volunteer WHERE ") + volunteer_expired + " AND id = ?",
                          id, limit)) {
            erase_volunteer(db, id, "retention", now, system_actor());
            ++out.volunteers;
        }
    // Reserve members are kept while they confirm their consent at least once a year; then they go.
    for (const auto& id : lapsed_reserve_members(db, now)) {
        withdraw_volunteer(db, id, "reserve_lapsed", std::nullopt, now, system_actor());
        erase_volunteer(db, id, "retention", now, system_actor());
        ++out.volunteers;
    }
    return out;
}

retention_result apply_retention(SQLite::Database& db, std::int64_t now, int days) {
    return apply_retention(db, now, find_retention_candidates(db, now, days), days);
}

}  // namespace relais::domain
