#include "auth/password_links.hpp"
#include "auth/sessions.hpp"
#include "auth/token.hpp"
#include "domain/events.hpp"
#include "domain/secret_handover.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::auth {

namespace {

constexpr const char* live_link_sql =
    "SELECT l.user_id, u.role FROM password_link l JOIN users u ON u.id = l.user_id "
    "WHERE l.token_hash = ? AND l.used_at IS NULL AND l.expires_at > ? AND u.disabled_at IS NULL";

}  // namespace

issued_link issue_password_link(SQLite::Database& db, const std::string& user_id, link_purpose purpose,
                                const std::string& by, std::int64_t now) {
    // Voided, not deleted: the table keeps when each link was issued and by whom.
    auto v = store::prepare(db, "UPDATE password_link SET used_at = ? WHERE user_id = ? AND used_at IS NULL");
    v->bind(1, now);
    v->bind(2, user_id);
    v->exec();
    issued_link out{new_token(), now + (purpose == link_purpose::set ? set_password_link_lifetime
                                                                     : reset_password_link_lifetime)};
    const char* name = purpose == link_purpose::set ? "set" : "reset";
    auto q = store::prepare(db,
                            "INSERT INTO password_link(token_hash, user_id, purpose, created_by, created_at, "
                            "expires_at) VALUES (?, ?, ?, ?, ?, ?)");
    q->bind(1, hash_token(out.token));
    q->bind(2, user_id);
    q->bind(3, name);
    q->bind(4, by);
    q->bind(5, now);
    q->bind(6, out.expires_at);
    q->exec();
    domain::append_event(db, now, {by, "admin"},
                         {"user", user_id, "password_link_issued", std::nullopt, std::nullopt, std::nullopt,
                          boost::json::object{{"purpose", name}}});
    // For the email the outbox planner sends with it (when email is on); never stored.
    domain::keep_secret(db, "password_link", user_id, out.token);
    return out;
}

std::optional<std::string> password_link_account(SQLite::Database& db, std::string_view token,
                                                 std::int64_t now) {
    if (!well_formed_token(token))
        return std::nullopt;
    auto q = store::prepare(db, live_link_sql);
    q->bind(1, hash_token(token));
    q->bind(2, now);
    if (!q->executeStep())
        return std::nullopt;
    return q->getColumn(0).getString();
}

std::optional<std::string> redeem_password_link(SQLite::Database& db, std::string_view token,
                                                const std::string& password_hash, std::int64_t now) {
    if (!well_formed_token(token))
        return std::nullopt;
    const std::string hash = hash_token(token);
    auto q = store::prepare(db, live_link_sql);
    q->bind(1, hash);
    q->bind(2, now);
    if (!q->executeStep())
        return std::nullopt;
    const std::string user_id = q->getColumn(0).getString();
    const std::string role = q->getColumn(1).getString();
    q->reset();
    auto spend = store::prepare(db, "UPDATE password_link SET used_at = ? WHERE token_hash = ?");
    spend->bind(1, now);
    spend->bind(2, hash);
    spend->exec();
    auto set = store::prepare(db, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?");
    set->bind(1, password_hash);
    set->bind(2, now);
    set->bind(3, user_id);
    set->exec();
    const int ended = end_user_sessions(db, user_id);
    domain::append_event(db, now, {user_id, role},
                         {"user", user_id, "password_set_by_link", std::nullopt, std::nullopt, std::nullopt,
                          boost::json::object{{"sessions_ended", ended}}});
    return role;
}

}  // namespace relais::auth
