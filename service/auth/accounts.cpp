#include "auth/accounts.hpp"
#include "store/statement_cache.hpp"

#include "auth/password.hpp"
#include "auth/sessions.hpp"
#include "auth/token.hpp"
#include "core/error.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <cctype>

namespace relais::auth {

std::string normalize_email(std::string_view email) {
    while (!email.empty() && std::isspace(static_cast<unsigned char>(email.front())))
        email.remove_prefix(1);
    while (!email.empty() && std::isspace(static_cast<unsigned char>(email.back())))
        email.remove_suffix(1);
    std::string out(email);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool plausible_email(std::string_view email) {
    if (email.size() < 3 || email.size() > 254)
        return false;
    auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
        return false;
    auto domain = email.substr(at + 1);
    if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
        domain.back() == '.')
        return false;
    for (unsigned char c : email)
        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"')
            return false;
    return true;
}

namespace {

account read_account(SQLite::Statement& q) {
    account a;
    a.seq = q.getColumn(0).getInt64();
    a.id = q.getColumn(1).getString();
    a.email = q.getColumn(2).getString();
    a.r = role_from_string(q.getColumn(3).getString()).value_or(role::volunteer);
    a.volunteer_id = q.getColumn(4).isNull() ? "" : q.getColumn(4).getString();
    a.partner_id = q.getColumn(5).isNull() ? "" : q.getColumn(5).getString();
    a.created_at = q.getColumn(6).getInt64();
    if (!q.getColumn(7).isNull())
        a.disabled_at = q.getColumn(7).getInt64();
    return a;
}

constexpr const char* account_columns =
    "SELECT seq, id, email, role, volunteer_id, partner_id, created_at, disabled_at FROM users ";

bool exists(SQLite::Database& db, const char* sql, const std::string& id) {
    auto q_lease = store::prepare(db, sql);
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    return q.executeStep();
}

}  // namespace

const char* dummy_password_hash() {
    // Generated once with crypto_pwhash_str_alg (Argon2id, interactive limits) from 32 random bytes that
    // were then thrown away.
    return "$argon2id$v=19$m=65536,t=2,p=1$A/"
           "8nPDSz9QDLyVebisyVmQ$D5qDouhE2vlOZr+twjZ3ObYX6jt06V9uveeKfe+HnIU";
}

std::optional<login_account> find_login_account(SQLite::Database& db, std::string_view email) {
    auto q_lease =
        store::prepare(db,
                       "SELECT u.id, u.role, u.email, u.password_hash, COALESCE(u.volunteer_id, ''), "
                       "       COALESCE(u.partner_id, ''), v.status, v.erased_at "
                       "FROM users u LEFT JOIN volunteer v ON v.id = u.volunteer_id "
                       "WHERE u.email = ? AND u.disabled_at IS NULL");
    SQLite::Statement& q = *q_lease;
    q.bind(1, std::string(email));
    if (!q.executeStep())
        return std::nullopt;
    login_account a;
    a.id = q.getColumn(0).getString();
    auto r = role_from_string(q.getColumn(1).getString());
    a.r = r.value_or(role::volunteer);
    a.email = q.getColumn(2).getString();
    a.password_hash = q.getColumn(3).getString();
    a.volunteer_id = q.getColumn(4).getString();
    a.partner_id = q.getColumn(5).getString();
    a.usable = r.has_value();
    if (a.r == role::volunteer)
        a.usable = a.usable && !a.volunteer_id.empty() && !q.getColumn(6).isNull() &&
                   q.getColumn(6).getString() != "withdrawn" && q.getColumn(7).isNull();
    a.awaiting_validation =
        a.r == role::volunteer && !q.getColumn(6).isNull() && q.getColumn(6).getString() == "registered";
    if (a.r == role::partner)
        a.usable = a.usable && !a.partner_id.empty();
    return a;
}

std::string insert_account(SQLite::Database& db, const new_account& a, std::int64_t now) {
    if (a.r == role::volunteer &&
        (a.volunteer_id.empty() || !exists(db, "SELECT 1 FROM volunteer WHERE id = ?", a.volunteer_id)))
        throw validation_error({{"volunteer_id", "must name an existing volunteer registration"}});
    if (a.r == role::partner &&
        (a.partner_id.empty() || !exists(db, "SELECT 1 FROM partner WHERE id = ?", a.partner_id)))
        throw validation_error({{"partner_id", "must name an existing partner"}});
    if (a.r != role::partner && !a.partner_id.empty())
        throw validation_error({{"partner_id", "is only for partner accounts"}});
    if (exists(db, "SELECT 1 FROM users WHERE email = ? AND disabled_at IS NULL", a.email))
        throw conflict("An account with this email already exists.");
    const std::string id = new_id("usr_");
    auto ins_lease = store::prepare(
        db,
        "INSERT INTO users(id, email, role, password_hash, volunteer_id, partner_id, created_at, "
        "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    SQLite::Statement& ins = *ins_lease;
    ins.bind(1, id);
    ins.bind(2, a.email);
    ins.bind(3, std::string(to_string(a.r)));
    ins.bind(4, a.password_hash);
    if (a.volunteer_id.empty())
        ins.bind(5);
    else
        ins.bind(5, a.volunteer_id);
    if (a.partner_id.empty())
        ins.bind(6);
    else
        ins.bind(6, a.partner_id);
    ins.bind(7, now);
    ins.bind(8, now);
    try {
        ins.exec();
    } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
            throw conflict("An account with this email already exists.");
        throw;
    }
    return id;
}

std::optional<account> find_account(SQLite::Database& db, std::string_view id) {
    auto q_lease = store::prepare(db, std::string(account_columns) + "WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, std::string(id));
    if (!q.executeStep())
        return std::nullopt;
    return read_account(q);
}

std::vector<account> list_accounts(SQLite::Database& db, std::int64_t after_seq, int limit,
                                   std::optional<role> only) {
    auto q_lease = store::prepare(db, std::string(account_columns) +
                                          "WHERE seq > ? AND (? IS NULL OR role = ?) "
                                          "ORDER BY seq LIMIT ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, after_seq);
    if (only) {
        q.bind(2, std::string(to_string(*only)));
        q.bind(3, std::string(to_string(*only)));
    }
    q.bind(4, limit);
    std::vector<account> out;
    while (q.executeStep())
        out.push_back(read_account(q));
    return out;
}

std::optional<std::string> password_hash_of(SQLite::Database& db, std::string_view user_id) {
    auto q_lease = store::prepare(db, "SELECT password_hash FROM users WHERE id = ? AND disabled_at IS NULL");
    SQLite::Statement& q = *q_lease;
    q.bind(1, std::string(user_id));
    if (!q.executeStep())
        return std::nullopt;
    return q.getColumn(0).getString();
}

void set_password_hash(SQLite::Database& db, std::string_view user_id, const std::string& hash,
                       std::int64_t now) {
    auto q_lease =
        store::prepare(db, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, hash);
    q.bind(2, now);
    q.bind(3, std::string(user_id));
    q.exec();
}

bool disable_account(SQLite::Database& db, std::string_view user_id, std::int64_t now) {
    if (!exists(db, "SELECT 1 FROM users WHERE id = ?", std::string(user_id)))
        return false;
    auto q_lease =
        store::prepare(db, "UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL");
    SQLite::Statement& q = *q_lease;
    q.bind(1, now);
    q.bind(2, std::string(user_id));
    q.exec();
    end_user_sessions(db, user_id);
    return true;
}

}  // namespace relais::auth
