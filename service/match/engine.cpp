#include "match/engine.hpp"

#include "domain/missions.hpp"
#include "domain/requests.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>

namespace relais::match {

void engine::reload(SQLite::Database& db, std::int64_t now) { full_load(index_, db, now); }

std::size_t engine::catch_up(SQLite::Database& db, std::int64_t now) { return match::catch_up(index_, db, now); }

commit_result engine::commit(SQLite::Database& db, const std::vector<commit_item>& items, std::int64_t now,
                             const domain::actor& who) {
    commit_result out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& it = items[i];
        commit_outcome o;
        o.index = i;
        o.request_id = it.request_id;
        o.volunteer_id = it.volunteer_id;
        db.exec("SAVEPOINT dispatch_commit");
        try {
            o.mission_id = domain::propose_mission(db, it.request_id, it.volunteer_id, it.starts_at, it.ends_at, now, who);
            db.exec("RELEASE dispatch_commit");
            out.created.push_back(std::move(o));
        } catch (const error& e) {
            db.exec("ROLLBACK TO dispatch_commit");
            db.exec("RELEASE dispatch_commit");
            o.error = e.kind();
            o.detail = e.detail();
            o.fields = e.fields;
            out.skipped.push_back(std::move(o));
        }
    }
    return out;
}

std::optional<std::string> engine::redispatch_after(SQLite::Database& db, const std::string& mission_id,
                                                    std::int64_t now) {
    auto m = domain::load_mission(db, mission_id);
    const bool released = m.status == "declined" || m.status == "dropped" || m.status == "expired" ||
                          (m.status == "cancelled" && m.reason == "volunteer_withdrawn");
    if (!released)
        return std::nullopt;
    const auto settings = load_settings(db);
    if (!settings.auto_dispatch)
        return std::nullopt;
    const auto r = domain::load_request(db, m.request_id);
    if (r.status == "closed" || !r.redispatch)
        return std::nullopt;
    auto mr = load_match_request(db, r);
    if (r.recurrence == "weekly" && !mr.support_only.empty()) {
        // A weekly support lost one week's visit: fill that visit's slot, not the first week's window.
        mr.window_from = m.starts_at;
        mr.window_until = m.ends_at;
    }
    {
        SQLite::Statement q(db,
                            "SELECT 1 FROM mission WHERE request_id = ? AND status IN ('proposed','accepted') "
                            "AND (? = 'once' OR (starts_at < ? AND ends_at > ?)) LIMIT 1");
        q.bind(1, r.id);
        q.bind(2, r.recurrence);
        q.bind(3, static_cast<std::int64_t>(mr.window_until));
        q.bind(4, static_cast<std::int64_t>(mr.window_from));
        if (q.executeStep())
            return std::nullopt;  // someone is already on it
    }
    // Rank from the index, then re-read the best inside this transaction: the index reflects committed
    // data only, and this transaction may hold newer (its own decline, for one).
    auto ranked = rank_candidates(index_, mr, settings.match, now, auto_candidates);
    std::vector<std::string> ids;
    for (const auto& c : ranked)
        ids.push_back(c.volunteer_id);
    if (ids.empty())
        return std::nullopt;
    auto fresh = evaluate_entries(index_, index_.compile(load_volunteer_rows(db, ids, now)), mr, settings.match, now);
    for (const auto& c : fresh) {
        db.exec("SAVEPOINT auto_dispatch");
        try {
            auto id = domain::propose_mission(db, r.id, c.volunteer_id, c.starts_at, c.ends_at, now,
                                              domain::system_actor());
            db.exec("RELEASE auto_dispatch");
            spdlog::info("auto-dispatch: request {} proposed to volunteer {} (mission {}) after mission {} was {}",
                         r.id, c.volunteer_id, id, m.id, m.status);
            return id;
        } catch (const error&) {
            db.exec("ROLLBACK TO auto_dispatch");
            db.exec("RELEASE auto_dispatch");
        }
    }
    return std::nullopt;
}

maintenance_result engine::maintain(SQLite::Database& db, std::int64_t now, std::int64_t after_seq) {
    maintenance_result out;
    out.expired = domain::expire_proposals(db, now);
    std::vector<std::string> missions;
    {
        SQLite::Statement q(db,
                            "SELECT json_extract(data, '$.mission_id') FROM event WHERE seq > ? "
                            "AND action = 'redispatch_flagged' "
                            "AND reason IN ('declined','dropped','expired','cancelled') ORDER BY seq");
        q.bind(1, static_cast<std::int64_t>(after_seq));
        while (q.executeStep())
            if (!q.getColumn(0).isNull())
                missions.push_back(q.getColumn(0).getString());
    }
    for (const auto& id : missions)
        if (redispatch_after(db, id, now))
            ++out.proposed;
    out.swept_to = last_event_seq(db);
    return out;
}

}  // namespace relais::match
