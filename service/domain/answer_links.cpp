#include "domain/answer_links.hpp"

#include "core/error.hpp"
#include "domain/link_token.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::domain {

namespace {

struct link_row {
    std::string mission_id, volunteer_id;
    std::int64_t expires_at = 0;
    bool used = false;
};

link_row find_link(SQLite::Database& db, std::string_view token) {
    if (!link_token_well_formed(token))
        throw not_found("This link is not valid.");
    auto q =
        store::prepare(db,
                       "SELECT mission_id, volunteer_id, expires_at, used_at IS NOT NULL FROM answer_link "
                       "WHERE token_hash = ?");
    q->bind(1, link_token_hash(token));
    if (!q->executeStep())
        throw not_found("This link is not valid.");
    return {q->getColumn(0).getString(), q->getColumn(1).getString(), q->getColumn(2).getInt64(),
            q->getColumn(3).getInt() != 0};
}

}  // namespace

std::string issue_answer_link(SQLite::Database& db, const std::string& mission_id,
                              const std::string& volunteer_id, std::int64_t expires_at) {
    const std::string token = new_link_token();
    auto q = store::prepare(
        db, "INSERT INTO answer_link(token_hash, mission_id, volunteer_id, expires_at) VALUES (?,?,?,?)");
    q->bind(1, link_token_hash(token));
    q->bind(2, mission_id);
    q->bind(3, volunteer_id);
    q->bind(4, static_cast<std::int64_t>(expires_at));
    q->exec();
    return token;
}

answer_link_view view_answer_link(SQLite::Database& db, std::string_view token, std::int64_t now) {
    const auto l = find_link(db, token);
    answer_link_view v;
    v.mission = load_mission(db, l.mission_id);
    if (l.used)
        v.status = answer_link_view::state::used;
    else if (v.mission.status != "proposed")
        v.status = answer_link_view::state::answered;
    else if (now >= l.expires_at)
        v.status = answer_link_view::state::expired;
    return v;
}

mission_record answer_by_link(SQLite::Database& db, std::string_view token, bool accept, std::int64_t now) {
    const auto l = find_link(db, token);
    if (l.used)
        throw conflict("This link has already been used.");
    if (now >= l.expires_at)
        throw conflict("This proposal has expired.");
    auto used =
        store::prepare(db, "UPDATE answer_link SET used_at = ? WHERE token_hash = ? AND used_at IS NULL");
    used->bind(1, static_cast<std::int64_t>(now));
    used->bind(2, link_token_hash(token));
    used->exec();
    return answer_as_volunteer(db, l.mission_id, l.volunteer_id, accept, now);
}

mission_record answer_as_volunteer(SQLite::Database& db, const std::string& mission_id,
                                   const std::string& volunteer_id, bool accept, std::int64_t now) {
    const auto m = load_mission(db, mission_id);
    if (m.status != "proposed" || m.volunteer_id != volunteer_id)
        throw conflict("This mission is no longer waiting for an answer.");
    // The volunteer answers: their account is the actor (the event log names who answered).
    actor who{"", "volunteer"};
    {
        auto u = store::prepare(db, "SELECT id FROM users WHERE volunteer_id = ? AND disabled_at IS NULL");
        u->bind(1, volunteer_id);
        who.id = u->executeStep() ? u->getColumn(0).getString() : volunteer_id;
    }
    if (accept)
        accept_mission(db, mission_id, now, who);
    else
        decline_mission(db, mission_id, "not_available", std::nullopt, now, who);
    return load_mission(db, mission_id);
}

}  // namespace relais::domain
