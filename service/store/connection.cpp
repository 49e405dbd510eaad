#include "store/connection.hpp"

#include <sys/stat.h>

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

namespace relais::store {

namespace {

void apply_common(SQLite::Database& db) {
    db.setBusyTimeout(5000);
    db.exec("PRAGMA foreign_keys=ON");
    db.exec("PRAGMA temp_store=MEMORY");
}

}  // namespace

SQLite::Database open_writer(const std::string& path, sync_mode sync) {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
    apply_common(db);
    // journal_mode returns a row; it must be read through a statement.
    SQLite::Statement wal(db, "PRAGMA journal_mode=WAL");
    wal.executeStep();
    db.exec(sync == sync_mode::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA wal_autocheckpoint=4000");
    // Erased personal data must not linger in free pages of the database file.
    db.exec("PRAGMA secure_delete=ON");
    return db;
}

SQLite::Database open_reader(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
    apply_common(db);
    db.exec("PRAGMA query_only=ON");
    return db;
}

bool configure_sqlite() {
    const bool ok = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK &&
                    sqlite3_config(SQLITE_CONFIG_MULTITHREAD) == SQLITE_OK;
    return sqlite3_initialize() == SQLITE_OK && ok;
}

void exec(SQLite::Database& db, const char* sql) {
    db.exec(sql);
}

std::vector<std::string> files_open_to_others(const std::string& path) {
    std::vector<std::string> open;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        struct stat st {};
        const std::string file = path + suffix;
        if (::stat(file.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
            open.push_back(file);
    }
    return open;
}

}  // namespace relais::store
