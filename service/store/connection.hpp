#pragma once

#include <SQLiteCpp/Database.h>

#include <string>
#include <vector>

namespace relais::store {

/// How durable a commit is. `full` (the default) makes an acknowledged write survive power loss.
enum class sync_mode { full, normal };

/// Opens the read-write connection used by the writer thread: WAL, foreign keys, busy timeout.
SQLite::Database open_writer(const std::string& path, sync_mode sync);

/// Opens a read-only connection for a reader thread (query_only, so a bug cannot write through it).
SQLite::Database open_reader(const std::string& path);

/// Process-wide SQLite settings, before the first connection opens (later calls do nothing): no memory
/// statistics (SQLite would otherwise take one global mutex around every allocation of every thread),
/// and multi-thread mode (each connection is used by one thread at a time, so per-connection mutexes are
/// not needed). Returns false if SQLite was already initialised and the settings could not apply.
bool configure_sqlite();

/// The files of the database at `path` (itself, its -wal and -shm) that exist and that users other than
/// the owner may read or write (any group or other permission bit). Personal data must not be readable by
/// every account of the machine.
std::vector<std::string> files_open_to_others(const std::string& path);

/// Runs `sql` on `db` (a convenience for statements without results).
void exec(SQLite::Database& db, const char* sql);

}  // namespace relais::store
