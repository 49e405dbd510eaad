#include "store/migrations.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace relais::store {

namespace {

void ensure_version_table(SQLite::Database& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
}

}  // namespace

int schema_version(SQLite::Database& db) {
    if (!db.tableExists("schema_version"))
        return 0;
    SQLite::Statement q(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
    q.executeStep();
    return q.getColumn(0).getInt();
}

int apply_migrations(SQLite::Database& db, std::span<const migration> migrations) {
    ensure_version_table(db);
    const int current = schema_version(db);
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest) {
        throw schema_too_new("the database has schema version " + std::to_string(current) +
                             " but this relais only knows up to version " + std::to_string(latest) +
                             "; use a newer relais binary (refusing to open it, nothing was changed)");
    }
    int applied = 0;
    for (const auto& m : migrations) {
        if (m.version <= current)
            continue;
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(m.sql);
        if (std::string_view(m.sql).find("writable_schema") != std::string_view::npos) {
            // A migration that edited a table's declaration in place (the documented way to loosen a CHECK
            // constraint the rows already satisfy): other connections must read the schema again.
            const int v = db.execAndGet("PRAGMA schema_version").getInt();
            db.exec("PRAGMA schema_version = " + std::to_string(v + 1));
        }
        SQLite::Statement rec(db, "INSERT INTO schema_version(version, name) VALUES (?, ?)");
        rec.bind(1, m.version);
        rec.bind(2, m.name);
        rec.exec();
        tx.commit();
        spdlog::info("schema migration {} ({}) applied", m.version, m.name);
        ++applied;
    }
    return applied;
}

}  // namespace relais::store
