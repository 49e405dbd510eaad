#include "tools/import_command.hpp"
#include "domain/address_import.hpp"
#include "domain/neighbourhood_map.hpp"
#include "domain/outreach.hpp"
#include "domain/programme.hpp"
#include "domain/volunteer_import.hpp"
#include "store/connection.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "tools/command_line.hpp"
#include "tools/text_lines.hpp"

#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <sstream>

namespace relais::tools {

namespace {

constexpr const char* usage =
    "usage: relais import neighbourhoods --db PATH [--dry-run] FILE\n"
    "       relais import volunteers --db PATH [--dry-run] FILE\n"
    "       relais import register --db PATH [--dry-run] FILE\n"
    "       relais import addresses --db PATH [--dry-run] FILE\n"
    "  FILE: a GeoJSON FeatureCollection of Polygons or MultiPolygons with a `name` property (and "
    "optionally\n"
    "  `code`), or a CSV with the columns name,lat,lon (and optionally code). The file replaces the city's\n"
    "  neighbourhoods: those in it are added or updated, the others removed unless residents, volunteers or\n"
    "  statistics still refer to them. All or nothing: every faulty feature or line is listed and nothing "
    "is\n"
    "  written. --dry-run checks the file and says what would change.\n"
    "  volunteers: a CSV of an existing list with the columns first_name, last_name, email, phone,\n"
    "  neighbourhood and optionally skills, availability, languages (lists separated by |). Everyone starts\n"
    "  in the reserve (consent source: import); a reserve campaign invites them. All or nothing: every\n"
    "  faulty line is listed as `line N: field: problem` and nothing is written.\n"
    "  register: the city's register of vulnerable residents to call in a crisis (heatwave register), a CSV\n"
    "  with the columns first_name, last_name, phone, address, neighbourhood and optionally needs,\n"
    "  languages, email. Residents already known (same phone and last name) are not recorded twice. All or\n"
    "  nothing, like volunteers.\n"
    "  addresses: a file of the Base Adresse Nationale (one per departement, adresses-35.csv or\n"
    "  adresses-35.csv.gz), read as it comes; the request forms then complete addresses and place them on\n"
    "  the map. An address already imported (same BAN id) is replaced. All or nothing, like volunteers.\n";

constexpr std::uintmax_t max_file_bytes = 64ull << 20;

/// The positional arguments apart from the --options (each `--name value` or `--name=value`; --dry-run
/// alone).
void split(const std::vector<std::string>& args, std::vector<std::string>& options,
           std::vector<std::string>& positional) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--dry-run" || a == "--help") {
            options.push_back(a == "--dry-run" ? "--dry-run=yes" : a);
        } else if (a.starts_with("--")) {
            options.push_back(a);
            if (a.find('=') == std::string::npos && i + 1 < args.size())
                options.push_back(args[++i]);
        } else {
            positional.push_back(a);
        }
    }
}

/// The file's text, or nullopt with the reason on `err`.
std::optional<std::string> read_file(const std::string& file, std::ostream& err) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) {
        err << "relais import: cannot read " << file << ": " << ec.message() << "\n";
        return std::nullopt;
    }
    if (size > max_file_bytes) {
        err << "relais import: " << file << " is larger than 64 MiB\n";
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Lists `faults`; `faulty_lines`, when given, is how many lines were faulty in all (past the list's cap).
void print_faults(const std::vector<domain::import_fault>& faults, std::ostream& err,
                  std::size_t faulty_lines = 0) {
    for (const auto& f : faults)
        err << f.text() << "\n";
    err << "relais import: nothing imported (" << faults.size() << " fault"
        << (faults.size() == 1 ? "" : "s");
    if (faulty_lines > 0)
        err << " listed, " << faulty_lines << " faulty line" << (faulty_lines == 1 ? "" : "s") << " in all";
    err << ")\n";
}

/// The database, migrated, for one import transaction (a running server's commits wait or are waited for).
std::optional<SQLite::Database> open_database(const std::string& db_path, std::ostream& err) {
    if (!std::filesystem::exists(db_path)) {
        err << "relais import: no database at " << db_path << "\n";
        return std::nullopt;
    }
    store::migrate(db_path);
    auto db = store::open_writer(db_path, store::sync_mode::full);
    db.setBusyTimeout(30000);  // a running server commits in short batches; wait for a gap
    return db;
}

std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// A list's import (volunteers, the register): `run` imports `text` in the open transaction and says what it
/// did in words, or fills `faults`; the transaction commits unless faulty or a dry run.
using list_import =
    std::function<std::string(SQLite::Database&, const std::string& text, const domain::phone_plan&,
                              bool dry_run, std::vector<domain::import_fault>& faults)>;

int import_list(const std::string& db_path, const std::string& file, bool dry_run, std::ostream& out,
                std::ostream& err, const list_import& run) {
    const auto text = read_file(file, err);
    if (!text)
        return 1;
    auto db = open_database(db_path, err);
    if (!db)
        return 1;
    SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
    const domain::phone_plan phones(domain::load_programme(*db).country);
    std::vector<domain::import_fault> faults;
    const std::string said = run(*db, *text, phones, dry_run, faults);
    if (!faults.empty()) {
        print_faults(faults, err);
        return 1;
    }
    if (!dry_run)
        tx.commit();  // else rolled back when tx goes
    out << said << "\n";
    spdlog::info("import from the command line{}: {}", dry_run ? " (dry run)" : "", said);
    return 0;
}

std::string import_volunteers(SQLite::Database& db, const std::string& text, const domain::phone_plan& phones,
                              bool dry_run, std::vector<domain::import_fault>& faults) {
    auto r = domain::import_volunteers(db, text, phones, now_s(), {"system", "system"});
    faults = std::move(r.faults);
    return std::string(dry_run ? "would import " : "imported ") + std::to_string(r.imported) +
           " volunteers into the reserve (consent source: import)";
}

std::string import_register(SQLite::Database& db, const std::string& text, const domain::phone_plan& phones,
                            bool dry_run, std::vector<domain::import_fault>& faults) {
    auto r = domain::import_register(db, text, phones, now_s(), {"system", "system"});
    faults = std::move(r.faults);
    return std::string(dry_run ? "would put " : "put ") + std::to_string(r.added + r.existing) +
           " residents on the register (" + std::to_string(r.added) + " new, " + std::to_string(r.existing) +
           " already known)";
}

int import_neighbourhoods(const std::string& db_path, const std::string& file, bool dry_run,
                          std::ostream& out, std::ostream& err) {
    const auto text = read_file(file, err);
    if (!text)
        return 1;
    const auto parsed = domain::parse_neighbourhood_file(*text);
    if (!parsed.faults.empty()) {
        print_faults(parsed.faults, err);
        return 1;
    }
    auto db = open_database(db_path, err);
    if (!db)
        return 1;
    SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
    const auto r = domain::import_neighbourhoods(*db, parsed.items, now_s(), {"system", "system"});
    if (!dry_run)
        tx.commit();  // else rolled back when tx goes
    std::size_t shapes = 0;
    for (const auto& s : parsed.items)
        shapes += s.polygons.empty() ? 0 : 1;
    out << (dry_run ? "would import " : "imported ") << parsed.items.size() << " neighbourhoods (" << shapes
        << " with their shape): " << r.added << " new, " << r.updated << " updated, " << r.removed
        << " removed\n";
    for (const auto& code : r.kept)
        out << "kept " << code << ": not in the file, but still in use\n";
    spdlog::info("neighbourhoods {} from the command line: {} new, {} updated, {} removed, {} kept",
                 dry_run ? "checked" : "imported", r.added, r.updated, r.removed, r.kept.size());
    return 0;
}

/// The addresses of a BAN file, streamed line by line (plain or gzip) into one transaction.
int import_addresses(const std::string& db_path, const std::string& file, bool dry_run, std::ostream& out,
                     std::ostream& err) {
    text_lines lines(file);
    if (!lines.ok()) {
        err << "relais import: cannot read " << file << ": " << lines.problem() << "\n";
        return 1;
    }
    auto db = open_database(db_path, err);
    if (!db)
        return 1;
    SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
    std::vector<domain::import_fault> listed;
    domain::fault_list faults{listed};
    const auto r = domain::import_addresses(
        *db, [&lines](std::string& line) { return lines.next(line); }, faults);
    if (!lines.problem().empty()) {
        err << "relais import: " << file << ": " << lines.problem() << "\nrelais import: nothing imported\n";
        return 1;
    }
    if (r.faulty_lines > 0) {
        print_faults(listed, err, r.faulty_lines);
        return 1;
    }
    if (!dry_run)
        tx.commit();  // else rolled back when tx goes
    out << (dry_run ? "would import " : "imported ") << r.imported << " addresses\n";
    spdlog::info("addresses {} from the command line: {}", dry_run ? "checked" : "imported", r.imported);
    return 0;
}

}  // namespace

int run_import_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || (args[0] != "neighbourhoods" && args[0] != "volunteers" && args[0] != "register" &&
                         args[0] != "addresses")) {
        err << "relais import: what to import? neighbourhoods, volunteers, register or addresses\n" << usage;
        return 64;
    }
    std::vector<std::string> options, positional;
    split({args.begin() + 1, args.end()}, options, positional);
    command_line cl("import", options, {"db", "dry-run"}, usage, out, err);
    if (cl.stop())
        return cl.exit_code();
    const std::string db_path = cl.get("db").value_or("");
    if (db_path.empty())
        return cl.fail("--db is required");
    if (positional.size() != 1)
        return cl.fail("give exactly one FILE to import");
    try {
        const bool dry_run = cl.get("dry-run").has_value();
        if (args[0] == "volunteers")
            return import_list(db_path, positional[0], dry_run, out, err, import_volunteers);
        if (args[0] == "register")
            return import_list(db_path, positional[0], dry_run, out, err, import_register);
        if (args[0] == "addresses")
            return import_addresses(db_path, positional[0], dry_run, out, err);
        return import_neighbourhoods(db_path, positional[0], dry_run, out, err);
    } catch (const std::exception& e) {
        err << "relais import: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace relais::tools
