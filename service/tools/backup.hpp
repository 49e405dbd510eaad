#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace relais::tools {

/// What a backup copied.
struct backup_summary {
    int pages = 0;
    long long bytes = 0;
    std::string integrity;  ///< the copy's `PRAGMA integrity_check` ("ok" when sound)
};

/// Copies the database `db` to `out` with SQLite's online backup API, safe while a server writes to it:
/// the copy is one snapshot (a single backup step inside one read transaction, which in WAL mode does not
/// hold up the writer), written to `out.tmp`, synced, checked with `PRAGMA integrity_check`, then renamed
/// to `out`. Refuses to overwrite an existing `out`. Restoring is starting relais on the copy. Throws
/// std::runtime_error on failure (nothing is left at `out`).
backup_summary backup_database(const std::string& db, const std::string& out);

/// `relais backup --db PATH --out FILE`: prints a one-line summary on `out`; returns 0, 64 on a usage
/// error, 1 on failure (including a copy that fails its integrity check). `args` start after "backup".
int run_backup_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace relais::tools
