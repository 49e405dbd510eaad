#include "domain/charter.hpp"

#include "core/error.hpp"
#include "domain/programmes.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::domain {

namespace {

charter_record read_charter(SQLite::Statement& q) {
    charter_record c;
    c.seq = q.getColumn(0).getInt64();
    c.programme_id = q.getColumn(1).getString();
    c.version = q.getColumn(2).getString();
    c.text_fr = q.getColumn(3).getString();
    c.text_en = q.getColumn(4).getString();
    c.published_at = q.getColumn(5).getInt64();
    return c;
}

}  // namespace

std::optional<charter_record> current_charter(SQLite::Database& db) {
    auto q_lease =
        store::prepare(db,
                       "SELECT c.seq, c.programme_id, c.version, c.text_fr, c.text_en, c.published_at "
                       "FROM charter c JOIN programme_period p ON p.id = c.programme_id "
                       "WHERE p.status = 'current' ORDER BY c.seq DESC LIMIT 1");
    SQLite::Statement& q = *q_lease;
    if (!q.executeStep())
        return std::nullopt;
    return read_charter(q);
}

charter_record publish_charter(SQLite::Database& db, const std::string& programme_id,
                               const std::string& version, const std::string& text_fr,
                               const std::string& text_en, std::int64_t now, const actor& who) {
    {
        auto q_lease = store::prepare(db, "SELECT status FROM programme_period WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, programme_id);
        if (!q.executeStep())
            throw not_found("No such programme.");
        if (q.getColumn(0).getString() != "current")
            throw conflict("This programme is closed; its charter can no longer change.");
    }
    {
        auto q_lease = store::prepare(db, "SELECT 1 FROM charter WHERE programme_id = ? AND version = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, programme_id);
        q.bind(2, version);
        if (q.executeStep())
            throw conflict(
                "This programme already has a charter with this version: give the new text a new "
                "version.");
    }
    auto q_lease = store::prepare(
        db, "INSERT INTO charter(programme_id, version, text_fr, text_en, published_at) VALUES (?,?,?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, programme_id);
    q.bind(2, version);
    q.bind(3, text_fr);
    q.bind(4, text_en);
    q.bind(5, static_cast<std::int64_t>(now));
    q.exec();
    charter_record c{db.getLastInsertRowid(), programme_id, version, text_fr, text_en, now};
    boost::json::object data{{"version", version}};
    append_event(db, now, who,
                 {"programme", programme_id, "charter_published", std::nullopt, std::nullopt, std::nullopt,
                  std::move(data)});
    return c;
}

void accept_charter(SQLite::Database& db, const std::string& volunteer_id, const std::string& version,
                    std::int64_t now, const actor& who, const char* field) {
    const auto c = current_charter(db);
    if (!c)
        throw validation_error({{field, "there is no charter to accept"}});
    if (c->version != version)
        throw validation_error(
            {{field, "the charter has changed since you read it: please read the new version (" + c->version +
                         ") and accept it"}});
    auto q_lease = store::prepare(
        db,
        "INSERT OR IGNORE INTO charter_acceptance(volunteer_id, charter_seq, accepted_at) VALUES (?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, volunteer_id);
    q.bind(2, static_cast<std::int64_t>(c->seq));
    q.bind(3, static_cast<std::int64_t>(now));
    if (q.exec() == 0)
        return;
    boost::json::object data{{"programme_id", c->programme_id}, {"version", c->version}};
    append_event(db, now, who,
                 {"volunteer", volunteer_id, "charter_accepted", std::nullopt, std::nullopt, std::nullopt,
                  std::move(data)});
}

std::optional<charter_acceptance_record> latest_acceptance(SQLite::Database& db,
                                                           const std::string& volunteer_id) {
    auto q_lease = store::prepare(db,
                                  "SELECT c.programme_id, c.version, a.accepted_at FROM charter_acceptance a "
                                  "JOIN charter c ON c.seq = a.charter_seq WHERE a.volunteer_id = ? "
                                  "ORDER BY a.charter_seq DESC LIMIT 1");
    SQLite::Statement& q = *q_lease;
    q.bind(1, volunteer_id);
    if (!q.executeStep())
        return std::nullopt;
    return charter_acceptance_record{q.getColumn(0).getString(), q.getColumn(1).getString(),
                                     q.getColumn(2).getInt64()};
}

}  // namespace relais::domain
