#include "domain/resident_merge.hpp"

#include "core/error.hpp"
#include "domain/privacy.hpp"
#include "domain/requests.hpp"
#include "domain/stats_recorder.hpp"
#include "store/statement_cache.hpp"

namespace relais::domain {

void merge_residents(SQLite::Database& db, const std::string& keep_id, const std::string& duplicate_id,
                     std::int64_t now, const actor& who) {
    if (keep_id == duplicate_id)
        throw validation_error({{"duplicate_id", "must be another resident than the one kept"}});
    const auto keep = load_resident(db, keep_id);
    const auto duplicate = load_resident(db, duplicate_id);
    if (keep.erased_at || duplicate.erased_at)
        throw conflict("An erased resident cannot be merged.");
    for (const char* table : {"request", "support", "call_task"}) {
        auto q =
            store::prepare(db, std::string("UPDATE ") + table + " SET resident_id = ? WHERE resident_id = ?");
        q->bind(1, keep_id);
        q->bind(2, duplicate_id);
        q->exec();
    }
    {
        // Earlier merges into the duplicate now lead to the resident kept.
        auto q = store::prepare(db, "UPDATE resident SET merged_into = ? WHERE id = ? OR merged_into = ?");
        q->bind(1, keep_id);
        q->bind(2, duplicate_id);
        q->bind(3, duplicate_id);
        q->exec();
    }
    append_event(db, now, who,
                 {"resident", keep_id, "merged", std::nullopt, std::nullopt, std::nullopt,
                  boost::json::object{{"duplicate_id", duplicate_id}}});
    erase_resident(db, duplicate_id, "merged", now, who);
    stats::rebuild(db);
}

}  // namespace relais::domain
