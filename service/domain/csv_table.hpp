#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// The CSV files a city imports (neighbourhoods, volunteers, a register of vulnerable residents): what
// spreadsheets write. Lines end with LF or CRLF; a byte order mark is skipped; fields are separated by ','
// or by ';' (French spreadsheets, which write ',' in decimals), as the header line shows; RFC 4180 quotes
// ("a, b" and "" inside quotes, on one line); spaces around fields are dropped.
namespace relais::domain {

/// A fault of an import file: where ("line 3", "feature 2"), which field, what is wrong.
struct import_fault {
    std::string where, field, problem;
};

struct csv_row {
    std::size_t line = 0;  ///< its line number in the file (the header is line 1)
    std::vector<std::string> fields;
};

struct csv_table {
    std::vector<std::string> header;  ///< empty for an empty file
    std::vector<csv_row> rows;        ///< blank lines skipped
    char separator = ',';

    /// The column named `name` (case and accents as written), or -1.
    int column(std::string_view name) const;
    /// Row `r`'s field in column `c` ("" when the column is absent or the row short).
    std::string field(const csv_row& r, int c) const;
};

/// One CSV line's fields separated by `sep`.
std::vector<std::string> csv_fields(std::string_view line, char sep);

/// Splits `text` into its header and rows.
csv_table read_csv_table(std::string_view text);

}  // namespace relais::domain
