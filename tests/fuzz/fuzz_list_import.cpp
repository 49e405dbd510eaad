// libFuzzer target: the lists a city imports (`relais import volunteers`, `relais import register`, and their
// pages), CSV files from whoever kept them. Invariants: an import never throws on content; it either names
// faults and leaves the database as it was, or imports every row of the file (counted), into the reserve or
// onto the register. Each input runs in a savepoint rolled back after, on a database migrated once.
#include "domain/outreach.hpp"
#include "domain/volunteer_import.hpp"
#include "store/migrations.hpp"
#include "support/demo_map.hpp"

#include <SQLiteCpp/Database.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

SQLite::Database& database() {
    static SQLite::Database db = [] {
        SQLite::Database d(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        d.exec("PRAGMA foreign_keys = ON");
        relais::store::apply_migrations(d, relais::store::schema_migrations());
        relais::testing::add_demo_map(d);  // the rows' neighbourhoods (a new database has none)
        return d;
    }();
    return db;
}

long long count(SQLite::Database& db, const char* sql) {
    return db.execAndGet(sql).getInt64();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    auto& db = database();
    const relais::domain::phone_plan phones("FR");
    const relais::domain::actor who{"fuzz", "system"};
    const auto volunteers = count(db, "SELECT COUNT(*) FROM volunteer");
    const auto residents = count(db, "SELECT COUNT(*) FROM register_entry");

    db.exec("SAVEPOINT fuzz");
    const auto v = relais::domain::import_volunteers(db, in, phones, 1'800'000'000, who);
    const auto after_v = count(db, "SELECT COUNT(*) FROM volunteer");
    if (!v.faults.empty() && after_v != volunteers)
        std::abort();  // faults, yet something was written
    if (v.faults.empty() &&
        (v.imported <= 0 || after_v != volunteers + v.imported ||
         count(db, "SELECT COUNT(*) FROM reserve_member WHERE source = 'import'") < v.imported))
        std::abort();  // no fault: every row is in, in the reserve
    db.exec("ROLLBACK TO fuzz");

    const auto r = relais::domain::import_register(db, in, phones, 1'800'000'000, who);
    const auto after_r = count(db, "SELECT COUNT(*) FROM register_entry");
    if (!r.faults.empty() && after_r != residents)
        std::abort();
    if (r.faults.empty() && (r.added + r.existing <= 0 || after_r > residents + r.added + r.existing))
        std::abort();
    db.exec("ROLLBACK TO fuzz");
    db.exec("RELEASE fuzz");
    return 0;
}
