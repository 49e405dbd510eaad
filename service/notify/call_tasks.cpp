#include "notify/call_tasks.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "store/statement_cache.hpp"

namespace relais::notify {

namespace {

constexpr const char* select_tasks =
    "SELECT t.id, t.kind, t.resident_id, r.first_name, r.last_name, r.phone, t.text, t.about_id, "
    "t.created_at, "
    "t.done_at, t.done_by FROM call_task t JOIN resident r ON r.id = t.resident_id ";

call_task read_task(SQLite::Statement& q) {
    call_task t;
    t.id = q.getColumn(0).getString();
    t.kind = q.getColumn(1).getString();
    t.resident_id = q.getColumn(2).getString();
    t.first_name = q.getColumn(3).getString();
    t.last_name = q.getColumn(4).getString();
    t.phone = q.getColumn(5).getString();
    t.text = q.getColumn(6).getString();
    if (!q.getColumn(7).isNull())
        t.about_id = q.getColumn(7).getString();
    t.created_at = q.getColumn(8).getInt64();
    if (!q.getColumn(9).isNull())
        t.done_at = q.getColumn(9).getInt64();
    if (!q.getColumn(10).isNull())
        t.done_by = q.getColumn(10).getString();
    return t;
}

}  // namespace

std::string add_call_task(SQLite::Database& db, const std::string& resident_id, const std::string& kind,
                          const std::string& about_id, const std::string& text, std::int64_t now,
                          std::int64_t keep_seconds) {
    const std::string id = domain::new_id("call");
    auto q =
        store::prepare(db,
                       "INSERT INTO call_task(id, created_at, due_at, kind, resident_id, about_id, text, "
                       "purge_after) VALUES (?,?,?,?,?,?,?,?)");
    q->bind(1, id);
    q->bind(2, static_cast<std::int64_t>(now));
    q->bind(3, static_cast<std::int64_t>(now));
    q->bind(4, kind);
    q->bind(5, resident_id);
    if (about_id.empty())
        q->bind(6);
    else
        q->bind(6, about_id);
    q->bind(7, text);
    q->bind(8, static_cast<std::int64_t>(now + keep_seconds));
    q->exec();
    return id;
}

std::vector<call_task> call_tasks(SQLite::Database& db, bool done, int limit) {
    auto q = store::prepare(
        db, std::string(select_tasks) +
                (done ? "WHERE t.done_at IS NOT NULL ORDER BY t.done_at DESC, t.seq DESC LIMIT ?"
                      : "WHERE t.done_at IS NULL ORDER BY t.due_at, t.seq LIMIT ?"));
    q->bind(1, limit);
    std::vector<call_task> out;
    while (q->executeStep())
        out.push_back(read_task(*q));
    return out;
}

call_task complete_call_task(SQLite::Database& db, const std::string& id, std::int64_t now,
                             const domain::actor& who) {
    auto u =
        store::prepare(db, "UPDATE call_task SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL");
    u->bind(1, static_cast<std::int64_t>(now));
    u->bind(2, who.id);
    u->bind(3, id);
    if (u->exec() == 0) {
        auto e = store::prepare(db, "SELECT 1 FROM call_task WHERE id = ?");
        e->bind(1, id);
        if (!e->executeStep())
            throw not_found("No such call task.");
        throw conflict("This call has already been made.");
    }
    domain::append_event(db, now, who, {"call_task", id, "done", "open", "done", std::nullopt, {}});
    auto q = store::prepare(db, std::string(select_tasks) + "WHERE t.id = ?");
    q->bind(1, id);
    q->executeStep();
    return read_task(*q);
}

}  // namespace relais::notify
