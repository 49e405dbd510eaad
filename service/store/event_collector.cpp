#include "store/event_collector.hpp"

#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json/parse.hpp>

namespace relais::store {

namespace {

std::optional<std::string> text_or_null(SQLite::Statement& q, int i) {
    if (q.getColumn(i).isNull())
        return std::nullopt;
    return q.getColumn(i).getString();
}

}  // namespace

std::vector<committed_event> event_collector::collect(SQLite::Database& db) {
    std::vector<committed_event> out;
    if (empty())
        return out;
    // Row ids of the log only grow (INTEGER PRIMARY KEY, append-only): every row in [low, high] was
    // inserted by this transaction; the ones rolled back are simply absent.
    auto q_lease =
        prepare(db,
                "SELECT seq, at, actor, entity, entity_id, action, from_status, to_status, reason, "
                "data FROM event WHERE seq BETWEEN ? AND ? ORDER BY seq");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(low_));
    q.bind(2, static_cast<std::int64_t>(high_));
    discard();
    while (q.executeStep()) {
        committed_event e;
        e.seq = q.getColumn(0).getInt64();
        e.at = q.getColumn(1).getInt64();
        e.actor = q.getColumn(2).getString();
        e.entity = q.getColumn(3).getString();
        e.entity_id = q.getColumn(4).getString();
        e.action = q.getColumn(5).getString();
        e.from_status = text_or_null(q, 6);
        e.to_status = text_or_null(q, 7);
        e.reason = text_or_null(q, 8);
        boost::system::error_code ec;
        auto data = boost::json::parse(q.getColumn(9).getString(), ec);
        if (!ec && data.is_object())
            e.data = std::move(data.as_object());
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace relais::store
