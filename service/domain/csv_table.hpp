#pragma once

#include <cstddef>
#include <optional>
#include <span>
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
    /// "where: field: problem" ("where: problem" without a field): how every caller shows it.
    std::string text() const { return where + ": " + (field.empty() ? "" : field + ": ") + problem; }
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

/// Faults gathered up to `cap` (enough to fix a file; the rest would be the same mistakes again).
struct fault_list {
    std::vector<import_fault>& out;
    std::size_t cap = 200;
    void add(const std::string& where, const std::string& field, const std::string& problem) {
        if (out.size() < cap)
            out.push_back({where, field, problem});
    }
};

/// A column of an import file, named in English or in French (a French spreadsheet's header).
struct csv_column {
    const char* en;
    const char* fr;
    bool required = true;
};

/// An import file's rows with its columns found: `columns[i]` is the index of the i-th column asked for (-1
/// when absent).
struct csv_sheet {
    csv_table table;
    std::vector<int> columns;
    std::string field(const csv_row& r, std::size_t column) const { return table.field(r, columns[column]); }
};

/// Reads `text` as an import file of `columns`; nullopt with faults for an empty file, a header without a
/// required column (naming what the header must hold), no row, or more than `max_rows` rows (`what` names a
/// row: "volunteers").
std::optional<csv_sheet> open_csv_sheet(std::string_view text, std::span<const csv_column> columns,
                                        std::size_t max_rows, std::string_view what, fault_list& faults);

/// The items of a list inside a field, separated by '|', ',' or ';' (a ',' or ';' that also separates the
/// file's fields reaches a field only quoted), trimmed, empty ones dropped.
std::vector<std::string> csv_list_items(const std::string& field);

/// `s` with ASCII letters in lower case (codes and names compared without case).
std::string ascii_lower(std::string s);

/// One CSV line's fields separated by `sep`.
std::vector<std::string> csv_fields(std::string_view line, char sep);

/// Splits `text` into its header and rows.
csv_table read_csv_table(std::string_view text);

}  // namespace relais::domain
