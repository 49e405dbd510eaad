#include "domain/queue_state.hpp"

#include "domain/events.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::domain {

const std::vector<std::string> queue_stages{"new",       "no_candidate", "flagged", "proposed",
                                            "scheduled", "weekly",       "closed"};

const char* queue_stage_sql() {
    return "(CASE WHEN r.status = 'closed' THEN 'closed' "
           "WHEN EXISTS (SELECT 1 FROM mission m WHERE m.request_id = r.id AND m.status = 'proposed') "
           "THEN 'proposed' "
           "WHEN r.redispatch = 1 THEN 'flagged' "
           "WHEN r.status = 'matched' AND r.recurrence = 'weekly' THEN 'weekly' "
           "WHEN r.status = 'matched' THEN 'scheduled' "
           "WHEN r.no_candidate_at IS NOT NULL THEN 'no_candidate' "
           "ELSE 'new' END)";
}

queue_state read_queue_state(SQLite::Database& db, const request_record& r) {
    queue_state out;
    {
        auto q =
            store::prepare(db, std::string("SELECT ") + queue_stage_sql() +
                                   ", p.first_name, p.last_name, p.erased_at FROM request r JOIN resident "
                                   "p ON p.id = r.resident_id WHERE r.id = ?");
        q->bind(1, r.id);
        if (!q->executeStep())
            return out;
        out.stage = q->getColumn(0).getString();
        if (q->getColumn(3).isNull())
            out.resident_name = q->getColumn(1).getString() + " " + q->getColumn(2).getString();
    }
    if (out.stage == "proposed" || out.stage == "scheduled" || out.stage == "weekly") {
        // The live mission's deadline (proposed) or start (accepted), the soonest first.
        auto q = store::prepare(
            db, out.stage == "proposed"
                    ? "SELECT MIN(expires_at) FROM mission WHERE request_id = ? AND status = 'proposed'"
                    : "SELECT MIN(starts_at) FROM mission WHERE request_id = ? AND status = 'accepted'");
        q->bind(1, r.id);
        if (q->executeStep() && !q->getColumn(0).isNull())
            out.until = q->getColumn(0).getInt64();
    }
    return out;
}

void mark_no_candidate(SQLite::Database& db, const request_record& r, std::int64_t now) {
    if (r.status == "closed")
        return;
    auto q = store::prepare(db, "UPDATE request SET no_candidate_at = ? WHERE id = ?");
    q->bind(1, static_cast<std::int64_t>(now));
    q->bind(2, r.id);
    q->exec();
    append_event(
        db, now, system_actor(),
        {"request", r.id, "no_candidate", r.status, r.status, std::nullopt, {{"category", r.category}}});
}

}  // namespace relais::domain
