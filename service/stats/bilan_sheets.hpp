#pragma once

#include "core/dictionary.hpp"
#include "domain/city_time.hpp"
#include "stats/report.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// The bilan as people read it: each table of a StatsSummary body as a titled sheet in one language, with
// headers and labels in words (not the JSON's codes), typed cells and weeks shown by their dates in the
// city's time. The localized CSV (GET /api/v1/stats/export.csv?lang=) and the workbook
// (GET /api/v1/stats/export.xlsx) are both written from it, so they say the same thing.
namespace relais::stats {

enum class cell_type {
    empty,    ///< no value (a delay no request reached)
    text,     ///< a label
    integer,  ///< a count
    decimal,  ///< a measure (hours)
    rate      ///< a fraction shown as a percentage (0.625: 62.5 %)
};

struct bilan_cell {
    cell_type type = cell_type::empty;
    std::string text;   ///< text cells
    double number = 0;  ///< integer, decimal and rate cells
};

struct bilan_sheet {
    std::string
        table;         ///< the summary's table (csv_table_names()), or "about" for the workbook's first sheet
    std::string name;  ///< the sheet's tab: at most 31 characters, none of []:*?/\ (spreadsheets refuse them)
    std::string title;  ///< what the table holds, in a sentence
    std::vector<std::string> headers;
    std::vector<std::vector<bilan_cell>> rows;
};

/// What the sheets are written with: the language's words and the city's calendar.
struct bilan_language {
    const core::dictionary& words;
    const domain::city_time& city;
    bool english = false;  ///< categories' label_en instead of label_fr
};

/// One table of a StatsSummary body (a name of csv_table_names()) as a sheet.
bilan_sheet bilan_table(const boost::json::value& summary_body, std::string_view table,
                        const bilan_language& l);

/// The workbook's sheets: the period, the programme and when it was computed, then every table in the order
/// of csv_table_names().
std::vector<bilan_sheet> bilan_sheets(const boost::json::value& summary_body, const bilan_language& l,
                                      std::string_view programme_name, std::int64_t computed_at);

/// A week by its dates in the city ("du 16/03/2020 au 22/03/2020"): its days in [lo, hi).
std::string week_span_label(std::int64_t lo, std::int64_t hi, const bilan_language& l);

/// "16/03/2020": the city's date of `utc`.
std::string city_date(std::int64_t utc, const domain::city_time& city);

/// `text` made a valid sheet name: []:*?/\ replaced by spaces, cut to 31 characters (not bytes).
std::string sheet_name(std::string_view text);

/// A sheet as CSV in `dialect`: its header row then its rows; rates as percentages, decimals with the
/// dialect's decimal mark.
std::string bilan_csv(const bilan_sheet& sheet, csv_dialect dialect, const core::dictionary& words);

}  // namespace relais::stats
