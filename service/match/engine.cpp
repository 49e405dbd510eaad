#include "match/engine.hpp"

#include "domain/queue_state.hpp"
#include "store/statement_cache.hpp"

#include "domain/missions.hpp"
#include "domain/requests.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>

namespace relais::match {

void engine::reload(SQLite::Database& db, std::int64_t now) {
    full_load(index_, db, now);
}

std::size_t engine::catch_up(SQLite::Database& db, std::int64_t now) {
    return match::catch_up(index_, db, now);
}

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
            o.mission_id = domain::propose_mission(db, it.request_id, it.volunteer_id, it.starts_at,
                                                   it.ends_at, now, who);
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

std::optional<std::string> engine::propose_best(SQLite::Database& db, const domain::request_record& r,
                                                const match_request& mr, const match_settings& settings,
                                                std::int64_t now) {
    // Rank from the index, then re-read the best inside this transaction: the index reflects committed
    // data only, and this transaction may hold newer (its own decline, for one).
    auto ranked = rank_candidates(index_, mr, settings, now, auto_candidates);
    std::vector<std::string> ids;
    for (const auto& c : ranked)
        ids.push_back(c.volunteer_id);
    if (ids.empty())
        return std::nullopt;
    auto fresh =
        evaluate_entries(index_, index_.compile(load_volunteer_rows(db, ids, now)), mr, settings, now);
    for (const auto& c : fresh) {
        db.exec("SAVEPOINT auto_dispatch");
        try {
            auto id = domain::propose_mission(db, r.id, c.volunteer_id, c.starts_at, c.ends_at, now,
                                              domain::system_actor());
            db.exec("RELEASE auto_dispatch");
            return id;
        } catch (const error&) {
            db.exec("ROLLBACK TO auto_dispatch");
            db.exec("RELEASE auto_dispatch");
        }
    }
    return std::nullopt;
}

namespace {

/// True if the request has a proposed or accepted mission (for a weekly one: overlapping [from, until)).
bool has_live_mission(SQLite::Database& db, const domain::request_record& r, std::int64_t from,
                      std::int64_t until) {
    auto q_lease =
        store::prepare(db,
                       "SELECT 1 FROM mission WHERE request_id = ? AND status IN ('proposed','accepted') "
                       "AND (? = 'once' OR (starts_at < ? AND ends_at > ?)) LIMIT 1");
    SQLite::Statement& q = *q_lease;
    q.bind(1, r.id);
    q.bind(2, r.recurrence);
    q.bind(3, static_cast<std::int64_t>(until));
    q.bind(4, static_cast<std::int64_t>(from));
    return q.executeStep();
}

}  // namespace

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
    if (has_live_mission(db, r, mr.window_from, mr.window_until))
        return std::nullopt;  // someone is already on it
    auto id = propose_best(db, r, mr, settings.match, now);
    if (id)
        spdlog::info("auto-dispatch: request {} proposed again (mission {}) after mission {} was {}", r.id,
                     *id, m.id, m.status);
    return id;
}

std::optional<std::string> engine::dispatch_new(SQLite::Database& db, const std::string& request_id,
                                                std::int64_t now) {
    const auto settings = load_settings(db);
    if (!settings.auto_dispatch)
        return std::nullopt;
    const auto r = domain::load_request(db, request_id);
    if (r.status != "new" || r.window_until <= now || has_live_mission(db, r, r.window_from, r.window_until))
        return std::nullopt;
    // Nobody ever proposed (a coordinator may have acted first, or declined proposals exist): first time
    // only.
    if (r.first_proposed_at)
        return std::nullopt;
    auto id = propose_best(db, r, load_match_request(db, r), settings.match, now);
    if (id)
        spdlog::info("auto-dispatch: new request {} proposed (mission {})", r.id, *id);
    else
        domain::mark_no_candidate(db, r, now);  // the queue says so: the coordinator has to find someone
    return id;
}

maintenance_result engine::maintain(SQLite::Database& db, std::int64_t now, std::int64_t after_seq) {
    maintenance_result out;
    out.expired = domain::expire_proposals(db, now);
    // Missions freed (declined, dropped, expired, released by a withdrawal) and requests created since the
    // last tick, in log order. NOT INDEXED: the range of the log since the last tick, never the index of an
    // action (without statistics SQLite took event_action and read every "created" event ever written,
    // 300,000 after a minute of public requests, at each run: half the writer's time, measured).
    std::vector<std::pair<bool, std::string>> work;  // (is a freed mission, id)
    {
        auto q_lease = store::prepare(db,
                                      "SELECT entity, entity_id, json_extract(data, '$.mission_id') FROM "
                                      "event NOT INDEXED WHERE seq > ? "
                                      "AND ((action = 'redispatch_flagged' "
                                      "      AND reason IN ('declined','dropped','expired','cancelled')) "
                                      "  OR (entity = 'request' AND action = 'created')) ORDER BY seq");
        SQLite::Statement& q = *q_lease;
        q.bind(1, static_cast<std::int64_t>(after_seq));
        while (q.executeStep()) {
            if (!q.getColumn(2).isNull())
                work.emplace_back(true, q.getColumn(2).getString());
            else if (q.getColumn(0).getString() == "request")
                work.emplace_back(false, q.getColumn(1).getString());
        }
    }
    for (const auto& [freed, id] : work)
        if (freed ? redispatch_after(db, id, now) : dispatch_new(db, id, now))
            ++out.proposed;
    out.swept_to = last_event_seq(db);
    return out;
}

}  // namespace relais::match
