#include "stats/bilan_workbook.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace relais::stats {

namespace {

namespace fs = std::filesystem;

/// A private directory (0700, mkdtemp) removed with everything in it when the scope ends.
class private_dir {
  public:
    private_dir() {
        std::string pattern = (fs::temp_directory_path() / "relais-xlsx-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("cannot create a temporary directory for the workbook");
        path_ = pattern;
    }
    private_dir(const private_dir&) = delete;
    private_dir& operator=(const private_dir&) = delete;
    ~private_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const noexcept { return path_; }

  private:
    fs::path path_;
};

/// Closes (and so frees) the workbook if it was not closed on the normal path.
struct workbook_closer {
    lxw_workbook* wb = nullptr;
    ~workbook_closer() {
        if (wb)
            workbook_close(wb);
    }
};

void check(lxw_error e, const char* what) {
    if (e != LXW_NO_ERROR)
        throw std::runtime_error(std::string("the workbook could not be written (") + what +
                                 "): " + lxw_strerror(e));
}

/// Characters (not bytes) of UTF-8 text: a column's width is counted in characters.
std::size_t chars(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string xlsx_workbook(const std::vector<bilan_sheet>& sheets, const std::string& title) {
    private_dir dir;
    const std::string file = (dir.path() / "bilan.xlsx").string();
    // The library's own temporary files go to the same private directory.
    std::string tmpdir = dir.path().string();
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;
    options.tmpdir = tmpdir.data();
    options.use_zip64 = LXW_FALSE;
    workbook_closer closer{workbook_new_opt(file.c_str(), &options)};
    lxw_workbook* wb = closer.wb;
    if (!wb)
        throw std::runtime_error("the workbook could not be created");

    std::string doc_title = title;
    lxw_doc_properties props{};
    props.title = doc_title.data();
    check(workbook_set_properties(wb, &props), "properties");

    lxw_format* title_fmt = workbook_add_format(wb);
    format_set_bold(title_fmt);
    format_set_font_size(title_fmt, 12);
    lxw_format* header_fmt = workbook_add_format(wb);
    format_set_bold(header_fmt);
    format_set_bottom(header_fmt, LXW_BORDER_THIN);
    format_set_text_wrap(header_fmt);
    lxw_format* decimal_fmt = workbook_add_format(wb);
    format_set_num_format(decimal_fmt, "0.00");
    lxw_format* rate_fmt = workbook_add_format(wb);
    format_set_num_format(rate_fmt, "0.0%");

    for (const auto& sheet : sheets) {
        lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.c_str());
        if (!ws)
            throw std::runtime_error("the workbook could not be written (a sheet's name)");
        check(worksheet_write_string(ws, 0, 0, sheet.title.c_str(), title_fmt), "title");
        std::vector<std::size_t> widths(sheet.headers.size(), 8);
        for (std::size_t c = 0; c < sheet.headers.size(); ++c) {
            const auto col = static_cast<lxw_col_t>(c);
            check(worksheet_write_string(ws, 1, col, sheet.headers[c].c_str(), header_fmt), "header");
            widths[c] = std::max(widths[c], chars(sheet.headers[c]));
        }
        lxw_row_t row = 2;
        for (const auto& cells : sheet.rows) {
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const auto& cell = cells[c];
                const auto col = static_cast<lxw_col_t>(c);
                switch (cell.type) {
                    case cell_type::empty:
                        break;
                    case cell_type::text:
                        check(worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr), "text");
                        if (c < widths.size())
                            widths[c] = std::max(widths[c], chars(cell.text));
                        break;
                    case cell_type::integer:
                        check(worksheet_write_number(ws, row, col, cell.number, nullptr), "number");
                        break;
                    case cell_type::decimal:
                        check(worksheet_write_number(ws, row, col, cell.number, decimal_fmt), "number");
                        break;
                    case cell_type::rate:
                        check(worksheet_write_number(ws, row, col, cell.number, rate_fmt), "rate");
                        break;
                }
            }
            ++row;
        }
        for (std::size_t c = 0; c < widths.size(); ++c) {
            // A little room beside the longest text; a header wraps rather than making a column too wide.
            const double w = static_cast<double>(std::min<std::size_t>(widths[c] + 2, 48));
            const auto col = static_cast<lxw_col_t>(c);
            check(worksheet_set_column(ws, col, col, w, nullptr), "column");
        }
        worksheet_freeze_panes(ws, 2, 0);
    }

    closer.wb = nullptr;  // workbook_close frees it, whatever it answers
    check(workbook_close(wb), "close");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::runtime_error("the workbook could not be read back");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace relais::stats
