#pragma once

#include "domain/csv_table.hpp"

#include <SQLiteCpp/Database.h>

#include <cstddef>
#include <functional>
#include <string>

// `relais import addresses` (issue 16): a file of the Base Adresse Nationale into the address table, read as
// a stream of lines (domain::ban_reader), all or nothing.
namespace relais::domain {

struct address_import_result {
    std::size_t imported = 0;      ///< addresses written (new or replaced)
    std::size_t faulty_lines = 0;  ///< lines with at least one fault (all of them, past the faults' cap)
};

/// Reads a BAN file through `next_line` (the header line first, then one line per call, without its line
/// end; false at the end) and writes its addresses in the caller's transaction, each replacing the one of the
/// same BAN id (a later file of the same département updates, another département adds), then rebuilds the
/// search index. A faulty line stops the writing but not the reading: every fault is listed (up to the
/// list's cap) and counted; the caller rolls back when `faulty_lines` is not 0. An empty file, a header
/// without the needed columns or a file without addresses is a fault too.
address_import_result import_addresses(SQLite::Database& db,
                                       const std::function<bool(std::string& line)>& next_line,
                                       fault_list& faults);

}  // namespace relais::domain
