#pragma once

// The demo's Rennes for tests that write to a database directly (a new database has no neighbourhood since
// migration 25): its twelve neighbourhoods (data/demo/rennes-quartiers.csv, built into the binary) inserted
// as rows, without the event an import appends, so that tests counting events see only their own.
#include "domain/neighbourhood_map.hpp"
#include "replay/demo_map.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <stdexcept>
#include <string>

namespace relais::testing {

inline void add_demo_map(SQLite::Database& db) {
    const auto parsed = domain::parse_neighbourhood_file(replay::demo_neighbourhoods_csv());
    if (!parsed.faults.empty() || parsed.items.size() != 12)
        throw std::logic_error("data/demo/rennes-quartiers.csv does not read as twelve neighbourhoods");
    SQLite::Statement ins(db,
                          "INSERT OR IGNORE INTO neighbourhood(code, name, lat, lon) VALUES (?, ?, ?, ?)");
    for (const auto& n : parsed.items) {
        ins.reset();
        ins.bind(1, n.code);
        ins.bind(2, n.name);
        ins.bind(3, n.lat);
        ins.bind(4, n.lon);
        ins.exec();
    }
}

/// store::migrate(path), then the demo's map.
inline void migrate_with_demo_map(const std::string& path) {
    store::migrate(path);
    auto db = store::open_writer(path, store::sync_mode::normal);
    add_demo_map(db);
}

}  // namespace relais::testing
