#include "auth/sessions.hpp"
#include "store/statement_cache.hpp"

#include "auth/token.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <chrono>

namespace relais::auth {

std::int64_t wall_now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::optional<session_record> find_session(SQLite::Database& db, std::string_view token_hash,
                                           std::int64_t now, std::int64_t idle_s) {
    auto q_lease = store::prepare(
        db,
        "SELECT u.id, u.role, u.email, COALESCE(u.volunteer_id, ''), COALESCE(u.partner_id, ''), "
        "       s.csrf_hash, s.last_seen_at, s.expires_at, u.disabled_at, v.status, v.erased_at "
        "FROM session s JOIN users u ON u.id = s.user_id "
        "LEFT JOIN volunteer v ON v.id = u.volunteer_id "
        "WHERE s.token_hash = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, std::string(token_hash));
    if (!q.executeStep())
        return std::nullopt;
    const auto r = role_from_string(q.getColumn(1).getString());
    const std::int64_t last_seen = q.getColumn(6).getInt64();
    const std::int64_t expires = q.getColumn(7).getInt64();
    if (!r || now >= expires || now - last_seen > idle_s || !q.getColumn(8).isNull())
        return std::nullopt;
    session_record s;
    s.user.user_id = q.getColumn(0).getString();
    s.user.r = *r;
    s.user.email = q.getColumn(2).getString();
    s.user.volunteer_id = q.getColumn(3).getString();
    s.user.partner_id = q.getColumn(4).getString();
    s.user.session_id = std::string(token_hash);
    s.csrf_hash = q.getColumn(5).getString();
    s.last_seen_at = last_seen;
    s.expires_at = expires;
    if (*r == role::volunteer) {
        // A volunteer account is only as alive as the registration it belongs to.
        if (s.user.volunteer_id.empty() || q.getColumn(9).isNull() ||
            q.getColumn(9).getString() == "withdrawn" || !q.getColumn(10).isNull())
            return std::nullopt;
        s.user.awaiting_validation = q.getColumn(9).getString() == "registered";
    }
    if (*r == role::partner && s.user.partner_id.empty())
        return std::nullopt;
    return s;
}

issued_session create_session(SQLite::Database& db, const std::string& user_id, std::int64_t now,
                              std::int64_t lifetime_s, std::int64_t idle_s, std::string_view replaced_hash) {
    if (!replaced_hash.empty())
        end_session(db, replaced_hash);
    {
        auto purge_lease =
            store::prepare(db, "DELETE FROM session WHERE expires_at <= ? OR last_seen_at < ?");
        SQLite::Statement& purge = *purge_lease;
        purge.bind(1, now);
        purge.bind(2, now - idle_s);
        purge.exec();
    }
    issued_session out;
    out.token = new_token();
    out.csrf_token = new_token();
    out.token_hash = hash_token(out.token);
    auto ins_lease = store::prepare(
        db,
        "INSERT INTO session(token_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    SQLite::Statement& ins = *ins_lease;
    ins.bind(1, out.token_hash);
    ins.bind(2, user_id);
    ins.bind(3, hash_token(out.csrf_token));
    ins.bind(4, now);
    ins.bind(5, now);
    ins.bind(6, now + lifetime_s);
    ins.exec();
    return out;
}

void touch_session(SQLite::Database& db, std::string_view token_hash, std::int64_t now) {
    auto q_lease =
        store::prepare(db, "UPDATE session SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, now);
    q.bind(2, std::string(token_hash));
    q.bind(3, now);
    q.exec();
}

void end_session(SQLite::Database& db, std::string_view token_hash) {
    auto q_lease = store::prepare(db, "DELETE FROM session WHERE token_hash = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, std::string(token_hash));
    q.exec();
}

int end_user_sessions(SQLite::Database& db, std::string_view user_id, std::string_view keep_hash) {
    auto q_lease = store::prepare(db, "DELETE FROM session WHERE user_id = ? AND token_hash <> ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, std::string(user_id));
    q.bind(2, std::string(keep_hash));
    return q.exec();
}

std::int64_t touch_interval_s(std::int64_t idle_s) {
    return std::clamp<std::int64_t>(idle_s / 4, 1, 60);
}

std::string_view session_cookie_name(bool secure) {
    return secure ? "__Host-relais_session" : "relais_session";
}

namespace {

std::string cookie_attributes(bool secure) {
    // No Max-Age: the browser forgets it when closed; the server enforces idle and absolute expiry anyway.
    std::string a = "; Path=/; HttpOnly; SameSite=Strict";
    if (secure)
        a += "; Secure";
    return a;
}

}  // namespace

std::string session_cookie(std::string_view token, bool secure) {
    return std::string(session_cookie_name(secure)) + "=" + std::string(token) + cookie_attributes(secure);
}

std::string cleared_session_cookie(bool secure) {
    return std::string(session_cookie_name(secure)) + "=" + cookie_attributes(secure) + "; Max-Age=0";
}

}  // namespace relais::auth
