#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace relais::tools {

/// `relais retention --db PATH [--days N]`: applies the retention rule now (domain::apply_retention, one
/// transaction), with the programme's retention_days unless --days is given, and prints the counts
/// ("residents erased: N" and "volunteers erased: M") on `out`. Safe while a server runs on the same
/// database (SQLite's locking; the erasures are in the event log like any other change). Returns 0, 64 on a
/// usage error, 1 on failure. `args` start after "retention".
int run_retention_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace relais::tools
