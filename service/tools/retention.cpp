#include "tools/retention.hpp"

#include "domain/privacy.hpp"
#include "notify/outbox.hpp"
#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "tools/command_line.hpp"

#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <ostream>

namespace relais::tools {

namespace {

constexpr const char* usage =
    "usage: relais retention --db PATH [--days N]\n"
    "  erases now the personal data of residents whose last request closed more than N days ago and of\n"
    "  volunteers withdrawn more than N days ago (N: the programme's retention_days unless given, 0..3650);\n"
    "  prints how many were erased. The server also does this every hour on its own.\n";

}  // namespace

int run_retention_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    command_line cl("retention", args, {"db", "days"}, usage, out, err);
    if (cl.stop())
        return cl.exit_code();
    const std::string db_path = cl.get("db").value_or("");
    int days = -1;
    if (!cl.number("days", days, 0, 3650))
        return cl.exit_code();
    if (db_path.empty())
        return cl.fail("--db is required");
    try {
        // An existing database only: a typo in --db must not create an empty one and report "0 erased".
        if (!std::filesystem::exists(db_path)) {
            err << "relais retention: no database at " << db_path << "\n";
            return 1;
        }
        store::migrate(db_path);
        auto db = store::open_writer(db_path, store::sync_mode::full);
        db.setBusyTimeout(30000);  // a running server commits in short batches; wait for a gap
        const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        const auto r = domain::apply_retention(db, now, days);
        const auto messages = notify::purge_outbox(db, now);  // past --outbox-retention-days
        tx.commit();
        // Counts only: the log never names the people erased.
        spdlog::info("retention run from the command line: {} residents and {} volunteers erased",
                     r.residents, r.volunteers);
        out << "residents erased: " << r.residents << "\n"
            << "volunteers erased: " << r.volunteers << "\n"
            << "messages deleted: " << messages << "\n";
        return 0;
    } catch (const store::schema_too_new& e) {
        err << "relais retention: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        err << "relais retention: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace relais::tools
