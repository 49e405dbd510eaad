#pragma once

#include "stats/bilan_sheets.hpp"

#include <string>
#include <vector>

namespace relais::stats {

/// The sheets as one XLSX workbook (its bytes): one worksheet per sheet, named after it, its title in the
/// first row, a bold header row frozen below it, numbers stored as numbers (rates with a percent format)
/// and columns as wide as their longest text. libxlsxwriter 1.1.4 writes only to files: the workbook and
/// the library's own temporary files go to a private directory (mode 0700) under the system's temporary
/// directory, read back and removed before returning, whatever happens. File work: call it off the I/O
/// threads. Throws std::runtime_error if the library fails.
std::string xlsx_workbook(const std::vector<bilan_sheet>& sheets, const std::string& title);

}  // namespace relais::stats
