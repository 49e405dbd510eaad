#pragma once

#include "stats/summary.hpp"

#include <SQLiteCpp/Database.h>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The summary as the API shows it (JSON, CSV). Breakdowns list every known category, neighbourhood, channel
// and withdrawal reason (zeros included) with their labels, then any other value met in the data.
namespace relais::stats {

struct labelled {
    std::string code, label_fr, label_en;
};

/// Labels and order of the breakdowns' values.
struct reference {
    std::vector<labelled> categories;      ///< in the programme's order
    std::vector<labelled> neighbourhoods;  ///< by name
};

/// Reads the categories (all, inactive included) and neighbourhoods of the database.
reference load_reference(SQLite::Database& db);

/// The JSON body of GET /api/v1/stats/summary (schema StatsSummary in proto/openapi.yaml); the weeks' dates
/// are the city's.
boost::json::value summary_json(const summary& s, const reference& ref, const domain::city_time& city);

/// Reads a StatsSummary body back (drops zero rows, as the computations do); the weeks' dates are the
/// city's. Throws std::exception if `v` is not one.
summary summary_from_json(const boost::json::value& v, const domain::city_time& city);

/// The tables of the CSV export, in the order of the page: figures, request_outcomes, by_category,
/// by_neighbourhood, by_channel, weekly, declines_and_dropouts, withdrawals, delays, retention, collectives,
/// engagement, engagement_answers.
const std::vector<std::string>& csv_table_names();

/// A table's JSON in a StatsSummary body: its member of the same name, except the engagement's two tables,
/// drawn from the `engagement` object: `engagement` (its figures and the reserve's, as one object: hours
/// and the reserve's figures prefixed `reserve_`) and `engagement_answers` (its answers_by_category).
boost::json::value table_value(const boost::json::value& summary_body, std::string_view table);

enum class csv_dialect {
    comma,     ///< RFC 4180: ',' between fields, '.' in decimals
    semicolon  ///< for French spreadsheets: UTF-8 byte order mark, ';' between fields, ',' in decimals
};

/// One table of a StatsSummary body as CSV (header row, CRLF line ends, fields quoted when needed). nullopt
/// for an unknown table name.
std::optional<std::string> csv_export(const boost::json::value& summary_body, std::string_view table,
                                      csv_dialect dialect);

/// Appends one CSV line of already-quoted `fields` to `out`, separated by `separator`, ended by CRLF (the one
/// line writer of the CSV exports, code-named and localized).
void append_csv_line(std::string& out, const std::vector<std::string>& fields, char separator);

/// One CSV field, quoted if it holds the separator, a quote, CR or LF; text that a spreadsheet would take
/// for a formula (=, +, -, @ first) is prefixed with an apostrophe.
std::string csv_field(std::string_view text, char separator, bool is_text = true);

}  // namespace relais::stats
