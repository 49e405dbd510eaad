#include "auth/sign_in_codes.hpp"

#include "auth/token.hpp"
#include "domain/events.hpp"
#include "domain/secret_handover.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <sodium.h>

#include <cstdio>

namespace relais::auth {

namespace {

/// The account a code for `to` goes to: a live volunteer account (login's rules: not withdrawn, not erased).
std::optional<login_account> account_at(SQLite::Database& db, const code_address& to) {
    std::string email = to.value;
    if (to.k == code_address::kind::phone) {
        auto q = store::prepare(db,
                                "SELECT u.email FROM volunteer v JOIN users u ON u.volunteer_id = v.id "
                                "WHERE v.phone = ? AND v.erased_at IS NULL AND u.disabled_at IS NULL "
                                "ORDER BY u.seq DESC LIMIT 1");
        q->bind(1, to.value);
        if (!q->executeStep())
            return std::nullopt;
        email = q->getColumn(0).getString();
        q->reset();
    }
    auto a = find_login_account(db, email);
    if (!a || !a->usable || a->r != role::volunteer)
        return std::nullopt;
    return a;
}

/// A code's hash is keyed by its row's id, so two equal codes do not look alike.
std::string code_hash(const std::string& id, std::string_view code) {
    return hash_token(id + ":" + std::string(code));
}

bool six_digits(std::string_view code) {
    if (code.size() != 6)
        return false;
    for (char c : code)
        if (c < '0' || c > '9')
            return false;
    return true;
}

void log_user_event(SQLite::Database& db, std::int64_t now, const std::string& user_id, const char* action,
                    boost::json::object data) {
    domain::append_event(
        db, now, {user_id, "volunteer"},
        {"user", user_id, action, std::nullopt, std::nullopt, std::nullopt, std::move(data)});
}

/// Spends code `id` and signs in: the account as login sees it.
code_check spend(SQLite::Database& db, const std::string& id, const std::string& user_id,
                 const std::string& channel, std::int64_t now) {
    auto u = store::prepare(db, "UPDATE sign_in_code SET used_at = ? WHERE id = ?");
    u->bind(1, now);
    u->bind(2, id);
    u->exec();
    if (channel == "email") {
        // The code arrived at that address: it is theirs.
        auto c = store::prepare(
            db, "UPDATE users SET email_confirmed_at = ? WHERE id = ? AND email_confirmed_at IS NULL");
        c->bind(1, now);
        c->bind(2, user_id);
        c->exec();
    }
    auto e = store::prepare(db, "SELECT email FROM users WHERE id = ? AND disabled_at IS NULL");
    e->bind(1, user_id);
    if (!e->executeStep())
        return {std::nullopt, true};
    const std::string email = e->getColumn(0).getString();
    e->reset();
    auto a = find_login_account(db, email);
    if (!a || !a->usable || a->r != role::volunteer)
        return {std::nullopt, true};
    log_user_event(db, now, user_id, "signed_in_by_code", {{"channel", channel}});
    return {std::move(a), false};
}

}  // namespace

bool issue_sign_in_code(SQLite::Database& db, const code_address& to, std::int64_t now) {
    const auto account = account_at(db, to);
    if (!account)
        return false;
    auto recent =
        store::prepare(db, "SELECT COUNT(*) FROM sign_in_code WHERE user_id = ? AND created_at > ?");
    recent->bind(1, account->id);
    recent->bind(2, now - 3600);
    recent->executeStep();
    const int issued = recent->getColumn(0).getInt();
    recent->reset();
    if (issued >= sign_in_codes_per_hour)
        return false;
    // The previous codes stop working: only the latest message counts.
    auto spent =
        store::prepare(db, "UPDATE sign_in_code SET used_at = ? WHERE user_id = ? AND used_at IS NULL");
    spent->bind(1, now);
    spent->bind(2, account->id);
    spent->exec();

    char digits[8];
    std::snprintf(digits, sizeof digits, "%06u", static_cast<unsigned>(randombytes_uniform(1000000)));
    const std::string code(digits, 6);
    const std::string link = new_token();
    const std::string id = new_id("sic");
    const char* channel = to.k == code_address::kind::email ? "email" : "sms";
    auto q =
        store::prepare(db,
                       "INSERT INTO sign_in_code(id, user_id, channel, code_hash, link_hash, created_at, "
                       "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    q->bind(1, id);
    q->bind(2, account->id);
    q->bind(3, channel);
    q->bind(4, code_hash(id, code));
    q->bind(5, hash_token(link));
    q->bind(6, now);
    q->bind(7, now + sign_in_code_lifetime);
    q->exec();
    log_user_event(db, now, account->id, "sign_in_code_sent", {{"channel", channel}});
    domain::keep_secret(db, "sign_in_code", account->id, code + " " + link);
    return true;
}

code_check check_sign_in_code(SQLite::Database& db, const code_address& to, std::string_view code,
                              std::int64_t now) {
    const auto account = account_at(db, to);
    if (!account)
        return {std::nullopt, false};
    auto q = store::prepare(db,
                            "SELECT id, code_hash, channel, tries FROM sign_in_code WHERE user_id = ? AND "
                            "used_at IS NULL AND expires_at > ? ORDER BY created_at DESC LIMIT 1");
    q->bind(1, account->id);
    q->bind(2, now);
    if (!q->executeStep())
        return {std::nullopt, true};
    const std::string id = q->getColumn(0).getString();
    const std::string stored = q->getColumn(1).getString();
    const std::string channel = q->getColumn(2).getString();
    const int tries = q->getColumn(3).getInt();
    q->reset();
    if (tries >= sign_in_code_tries)
        return {std::nullopt, true};
    if (six_digits(code) && constant_time_equal(code_hash(id, code), stored))
        return spend(db, id, account->id, channel, now);
    auto t = store::prepare(db, "UPDATE sign_in_code SET tries = tries + 1 WHERE id = ?");
    t->bind(1, id);
    t->exec();
    return {std::nullopt, tries + 1 >= sign_in_code_tries};
}

code_check check_sign_in_link(SQLite::Database& db, std::string_view link, std::int64_t now) {
    if (!well_formed_token(link))
        return {std::nullopt, true};
    auto q =
        store::prepare(db,
                       "SELECT id, user_id, channel FROM sign_in_code WHERE link_hash = ? AND used_at IS "
                       "NULL AND expires_at > ? AND tries < ?");
    q->bind(1, hash_token(link));
    q->bind(2, now);
    q->bind(3, sign_in_code_tries);
    if (!q->executeStep())
        return {std::nullopt, true};
    const std::string id = q->getColumn(0).getString();
    const std::string user_id = q->getColumn(1).getString();
    const std::string channel = q->getColumn(2).getString();
    q->reset();
    return spend(db, id, user_id, channel, now);
}

void issue_email_confirmation(SQLite::Database& db, const std::string& user_id, std::int64_t now) {
    auto e = store::prepare(db, "SELECT email FROM users WHERE id = ?");
    e->bind(1, user_id);
    if (!e->executeStep())
        return;
    const std::string email = e->getColumn(0).getString();
    e->reset();
    const std::string token = new_token();
    auto q =
        store::prepare(db,
                       "INSERT INTO email_confirmation(token_hash, user_id, email, created_at, expires_at) "
                       "VALUES (?, ?, ?, ?, ?)");
    q->bind(1, hash_token(token));
    q->bind(2, user_id);
    q->bind(3, email);
    q->bind(4, now);
    q->bind(5, now + email_confirmation_lifetime);
    q->exec();
    log_user_event(db, now, user_id, "email_confirmation_sent", {});
    domain::keep_secret(db, "email_confirmation", user_id, token);
}

resend resend_email_confirmation(SQLite::Database& db, const std::string& user_id, std::int64_t now) {
    auto q =
        store::prepare(db,
                       "SELECT u.email_confirmed_at IS NOT NULL, (SELECT COUNT(*) FROM email_confirmation c "
                       "WHERE c.user_id = u.id AND c.created_at > ?) FROM users u WHERE u.id = ?");
    q->bind(1, now - 3600);
    q->bind(2, user_id);
    if (!q->executeStep())
        return resend::already_confirmed;  // (a session's account exists: not reached)
    const bool confirmed = q->getColumn(0).getInt() != 0;
    const int recent = q->getColumn(1).getInt();
    q->reset();
    if (confirmed)
        return resend::already_confirmed;
    if (recent >= email_confirmations_per_hour)
        return resend::too_soon;
    issue_email_confirmation(db, user_id, now);
    return resend::sent;
}

bool confirm_changed_email(SQLite::Database& db, const std::string& volunteer_id, std::int64_t now) {
    auto q = store::prepare(db,
                            "SELECT id FROM users WHERE volunteer_id = ? AND disabled_at IS NULL "
                            "AND email_confirmed_at IS NULL");
    q->bind(1, volunteer_id);
    if (!q->executeStep())
        return false;
    const std::string user_id = q->getColumn(0).getString();
    q->reset();
    issue_email_confirmation(db, user_id, now);
    return true;
}

confirmation confirm_email(SQLite::Database& db, std::string_view token, std::int64_t now) {
    if (!well_formed_token(token))
        return confirmation::unknown;
    auto q = store::prepare(db,
                            "SELECT c.user_id, c.used_at IS NOT NULL, u.email_confirmed_at IS NOT NULL "
                            "FROM email_confirmation c JOIN users u ON u.id = c.user_id "
                            "WHERE c.token_hash = ? AND c.expires_at > ? AND u.email = c.email "
                            "AND u.disabled_at IS NULL");
    q->bind(1, hash_token(token));
    q->bind(2, now);
    if (!q->executeStep())
        return confirmation::unknown;
    const std::string user_id = q->getColumn(0).getString();
    const bool used = q->getColumn(1).getInt() != 0;
    const bool confirmed = q->getColumn(2).getInt() != 0;
    q->reset();
    if (used || confirmed)
        return confirmation::already;
    auto u = store::prepare(db, "UPDATE email_confirmation SET used_at = ? WHERE token_hash = ?");
    u->bind(1, now);
    u->bind(2, hash_token(token));
    u->exec();
    auto c = store::prepare(db, "UPDATE users SET email_confirmed_at = ? WHERE id = ?");
    c->bind(1, now);
    c->bind(2, user_id);
    c->exec();
    log_user_event(db, now, user_id, "email_confirmed", {});
    return confirmation::confirmed;
}

std::int64_t purge_sign_in_codes(SQLite::Database& db, std::int64_t now) {
    auto a = store::prepare(db, "DELETE FROM sign_in_code WHERE expires_at < ?");
    a->bind(1, now - 86400);
    a->exec();
    std::int64_t n = db.getChanges();
    auto b = store::prepare(db, "DELETE FROM email_confirmation WHERE expires_at < ?");
    b->bind(1, now - 86400);
    b->exec();
    return n + db.getChanges();
}

}  // namespace relais::auth
