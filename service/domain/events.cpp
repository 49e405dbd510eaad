#include "domain/events.hpp"
#include "store/statement_cache.hpp"

#include "domain/stats_recorder.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json/serialize.hpp>

namespace relais::domain {

void append_event(SQLite::Database& db, std::int64_t at, const actor& who, const event_entry& e) {
    auto q_lease = store::prepare(
        db,
        "INSERT INTO event(at, actor, entity, entity_id, action, from_status, to_status, reason, data) "
        "VALUES (?,?,?,?,?,?,?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, who.id);
    q.bind(3, e.entity);
    q.bind(4, e.entity_id);
    q.bind(5, e.action);
    if (e.from_status)
        q.bind(6, *e.from_status);
    if (e.to_status)
        q.bind(7, *e.to_status);
    if (e.reason)
        q.bind(8, *e.reason);
    q.bind(9, boost::json::serialize(e.data));
    q.exec();
    // The statistics follow the log in the same transaction (domain/stats_recorder.hpp).
    stats::record_event(db, db.getLastInsertRowid(), at, e.entity, e.entity_id, e.action, e.reason, e.data);
}

}  // namespace relais::domain
