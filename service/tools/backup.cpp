#include "tools/backup.hpp"

#include "tools/command_line.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <ostream>
#include <system_error>

namespace relais::tools {

namespace {

namespace fs = std::filesystem;

/// fsync of a file or a directory, so a rename survives a power loss.
void sync_path(const fs::path& p, bool directory) {
    const int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0)
        throw std::runtime_error("cannot open " + p.string() +
                                 " to sync it: " + std::error_code(errno, std::generic_category()).message());
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0)
        throw std::runtime_error("cannot sync " + p.string());
}

}  // namespace

backup_summary backup_database(const std::string& db, const std::string& out) {
    if (!fs::exists(db))
        throw std::runtime_error("no database at " + db);
    if (fs::exists(out))
        throw std::runtime_error(out + " already exists; choose a new file name");
    const fs::path target = fs::absolute(out);
    const fs::path tmp = target.string() + ".tmp";
    fs::remove(tmp);
    backup_summary sum;
    try {
        {
            // Read-write without CREATE: a WAL database's shared memory may need setting up, but nothing is
            // written to the source.
            SQLite::Database src(db, SQLite::OPEN_READWRITE);
            src.setBusyTimeout(10000);
            SQLite::Database dst(tmp.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            SQLite::Backup backup(dst, src);
            // One step copies every page under one read transaction: a consistent snapshot even while the
            // server commits (small steps would restart whenever another connection writes).
            backup.executeStep(-1);
            sum.pages = backup.getTotalPageCount();
        }
        {
            SQLite::Database copy(tmp.string(), SQLite::OPEN_READWRITE);
            SQLite::Statement check(copy, "PRAGMA integrity_check");
            while (check.executeStep()) {
                if (!sum.integrity.empty())
                    sum.integrity += "; ";
                sum.integrity += check.getColumn(0).getString();
            }
            // The copy keeps the source's WAL mode; fold everything into the main file so it stands alone.
            copy.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        if (sum.integrity != "ok")
            throw std::runtime_error("the copy failed its integrity check: " + sum.integrity.substr(0, 500));
        sync_path(tmp, false);
        fs::rename(tmp, target);
        sync_path(target.parent_path(), true);
        sum.bytes = static_cast<long long>(fs::file_size(target));
    } catch (...) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        fs::remove(tmp.string() + "-wal", ignored);
        fs::remove(tmp.string() + "-shm", ignored);
        throw;
    }
    std::error_code ignored;
    fs::remove(tmp.string() + "-wal", ignored);
    fs::remove(tmp.string() + "-shm", ignored);
    return sum;
}

int run_backup_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    static const char* usage =
        "usage: relais backup --db PATH --out FILE\n"
        "  copies the database (safe while the server runs) into a new FILE; restore by starting relais\n"
        "  with --db FILE (or by moving FILE into place while the server is stopped)\n";
    command_line cl("backup", args, {"db", "out"}, usage, out, err);
    if (cl.stop())
        return cl.exit_code();
    const std::string db = cl.get("db").value_or("");
    const std::string file = cl.get("out").value_or("");
    if (db.empty() || file.empty())
        return cl.fail("--db and --out are required");
    try {
        const auto started = std::chrono::steady_clock::now();
        auto s = backup_database(db, file);
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                .count();
        out << "backed up " << db << " to " << file << ": " << s.pages << " pages, " << s.bytes
            << " bytes, integrity " << s.integrity << ", " << ms << " ms\n";
        return 0;
    } catch (const std::exception& e) {
        err << "relais backup: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace relais::tools
