#include "domain/secret_handover.hpp"

#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::domain {

namespace {

bool handing_over(SQLite::Database& db) {
    auto t = store::prepare(db, "SELECT 1 FROM sqlite_temp_master WHERE name = 'fresh_secret'");
    const bool yes = t->executeStep();
    t->reset();
    return yes;
}

}  // namespace

void hand_over_secrets(SQLite::Database& db) {
    db.exec("PRAGMA temp_store = MEMORY");
    db.exec(
        "CREATE TEMP TABLE IF NOT EXISTS fresh_secret(kind TEXT NOT NULL, id TEXT NOT NULL, secret TEXT NOT "
        "NULL, PRIMARY KEY (kind, id))");
}

void keep_secret(SQLite::Database& db, std::string_view kind, const std::string& id,
                 const std::string& secret) {
    if (!handing_over(db))
        return;
    auto k =
        store::prepare(db, "INSERT OR REPLACE INTO temp.fresh_secret(kind, id, secret) VALUES (?, ?, ?)");
    k->bind(1, std::string(kind));
    k->bind(2, id);
    k->bind(3, secret);
    k->exec();
}

std::optional<std::string> take_secret(SQLite::Database& db, std::string_view kind, const std::string& id) {
    if (!handing_over(db))
        return std::nullopt;
    auto q = store::prepare(db, "DELETE FROM temp.fresh_secret WHERE kind = ? AND id = ? RETURNING secret");
    q->bind(1, std::string(kind));
    q->bind(2, id);
    if (!q->executeStep())
        return std::nullopt;
    std::string secret = q->getColumn(0).getString();
    while (q->executeStep()) {
    }
    return secret;
}

void drop_secrets(SQLite::Database& db) {
    if (!handing_over(db))
        return;
    auto q = store::prepare(db, "DELETE FROM temp.fresh_secret");
    q->exec();
}

}  // namespace relais::domain
