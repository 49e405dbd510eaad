#include "domain/csv_table.hpp"

#include <algorithm>
#include <cctype>

namespace relais::domain {

std::vector<std::string> csv_fields(std::string_view line, char sep) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == sep) {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    for (auto& f : out) {
        const auto a = f.find_first_not_of(" \t"), b = f.find_last_not_of(" \t");
        f = a == std::string::npos ? std::string() : f.substr(a, b - a + 1);
    }
    return out;
}

int csv_table::column(std::string_view name) const {
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name)
            return static_cast<int>(i);
    return -1;
}

std::string csv_table::field(const csv_row& r, int c) const {
    return c >= 0 && static_cast<std::size_t>(c) < r.fields.size() ? r.fields[static_cast<std::size_t>(c)]
                                                                   : std::string();
}

csv_table read_csv_table(std::string_view text) {
    csv_table t;
    std::vector<std::string> lines;
    std::string cur;
    for (char c : text) {
        if (c == '\n') {
            if (!cur.empty() && cur.back() == '\r')
                cur.pop_back();
            lines.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty())
        lines.push_back(std::move(cur));
    if (lines.empty())
        return t;
    if (lines[0].starts_with("\xEF\xBB\xBF"))
        lines[0].erase(0, 3);  // a spreadsheet's byte order mark
    t.separator = lines[0].find(';') != std::string::npos ? ';' : ',';
    t.header = csv_fields(lines[0], t.separator);
    for (std::size_t n = 1; n < lines.size(); ++n) {
        if (lines[n].find_first_not_of(" \t,;") == std::string::npos)
            continue;  // a blank line
        t.rows.push_back({n + 1, csv_fields(lines[n], t.separator)});
    }
    return t;
}

std::optional<csv_sheet> open_csv_sheet(std::string_view text, std::span<const csv_column> columns,
                                        std::size_t max_rows, std::string_view what, fault_list& faults) {
    csv_sheet sheet{read_csv_table(text), {}};
    if (sheet.table.header.empty()) {
        faults.add("line 1", "", "the file is empty: a header line naming the columns is expected");
        return std::nullopt;
    }
    std::string required, optional;
    for (const auto& c : columns) {
        std::string& list = c.required ? required : optional;
        list += (list.empty() ? "" : ", ") + std::string(c.en);
    }
    bool complete = true;
    for (const auto& c : columns) {
        int i = sheet.table.column(c.en);
        if (i < 0)
            i = sheet.table.column(c.fr);
        sheet.columns.push_back(i);
        if (i < 0 && c.required) {
            faults.add("line 1", c.en,
                       "the header must name the columns " + required +
                           (optional.empty() ? "" : " (optionally " + optional + ")"));
            complete = false;
        }
    }
    if (!complete)
        return std::nullopt;
    if (sheet.table.rows.empty()) {
        faults.add("line 2", "", "the file has no " + std::string(what));
        return std::nullopt;
    }
    if (sheet.table.rows.size() > max_rows) {
        faults.add("file", "",
                   "more than " + std::to_string(max_rows) + " " + std::string(what) + ": split the file");
        return std::nullopt;
    }
    return sheet;
}

std::vector<std::string> csv_list_items(const std::string& field) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : field + "|") {
        if (c == '|' || c == ',' || c == ';') {
            const auto a = cur.find_first_not_of(" \t"), b = cur.find_last_not_of(" \t");
            if (a != std::string::npos)
                out.push_back(cur.substr(a, b - a + 1));
            cur.clear();
        } else {
            cur += c;
        }
    }
    return out;
}

std::string ascii_lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

}  // namespace relais::domain
