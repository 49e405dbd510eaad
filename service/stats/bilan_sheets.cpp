#include "stats/bilan_sheets.hpp"

#include "domain/time_format.hpp"
#include "stats/report.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace relais::stats {

namespace json = boost::json;

namespace {

bilan_cell text(std::string s) {
    return {cell_type::text, std::move(s), 0};
}

bilan_cell integer(const json::value& v) {
    return {cell_type::integer, {}, static_cast<double>(v.to_number<std::int64_t>())};
}

std::int64_t instant(const json::value& v) {
    auto t = domain::parse_iso8601(v.as_string());
    if (!t)
        throw std::runtime_error("not a date-time");
    return *t;
}

/// The word for `code` under `prefix` ("bi.channel." + "web"), or the code itself when the dictionaries
/// have none (a value met in the data that no page names yet).
std::string word(const core::dictionary& words, std::string_view prefix, std::string_view code) {
    const std::string key = std::string(prefix) + std::string(code);
    auto w = words(key);
    return w == key ? std::string(code) : w;
}

/// Seconds as hours with two decimals (delays); empty when no request reached the stage.
bilan_cell hours(const json::value& v) {
    if (v.is_null())
        return {};
    const double h = static_cast<double>(v.to_number<std::int64_t>()) / 3600.0;
    return {cell_type::decimal, {}, std::round(h * 100.0) / 100.0};
}

/// The rows of a JSON array table, one per element.
template <class F>
std::vector<std::vector<bilan_cell>> rows_of(const json::value& table, F row) {
    std::vector<std::vector<bilan_cell>> out;
    for (const auto& e : table.as_array())
        out.push_back(row(e.as_object()));
    return out;
}

/// Decimal text of `x` with at most `digits` decimals (trailing zeros dropped) and `mark` as decimal mark.
std::string decimal_text(double x, int digits, char mark) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", digits, x);
    std::string s = buf;
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0')
            s.pop_back();
        if (s.back() == '.')
            s.pop_back();
    }
    std::replace(s.begin(), s.end(), '.', mark);
    return s;
}

/// The table's title and tab name keys, and its rows in words.
bilan_sheet table_sheet(const json::object& body, std::string_view table, const bilan_language& l) {
    const auto& w = l.words;
    bilan_sheet s;
    s.table = std::string(table);
    s.name = sheet_name(w("bi.sheet." + s.table));
    const auto v = table_value(body, table);
    const std::string req = w("bi.col.requests"), done = w("bi.col.missions_done"),
                      sup = w("bi.col.supports");
    if (table == "figures") {
        s.title = w("bi.h.figures");
        s.headers = {w("bi.col.figure"), w("bi.col.value")};
        for (const auto& [k, n] : v.as_object())
            s.rows.push_back({text(word(w, "bi.fig.", k)), integer(n)});
    } else if (table == "request_outcomes") {
        s.title = w("bi.table.outcomes");
        s.headers = {w("bi.col.class"), req};
        for (const auto& [k, n] : v.as_object())
            s.rows.push_back({text(word(w, "bi.outcome.", k)), integer(n)});
    } else if (table == "by_category") {
        s.title = w("bi.table.category");
        s.headers = {w("bi.col.type"), req, done, sup};
        s.rows = rows_of(v, [&](const json::object& r) {
            const auto& label = r.at(l.english ? "label_en" : "label_fr").as_string();
            return std::vector<bilan_cell>{text(std::string(label)), integer(r.at("requests")),
                                           integer(r.at("missions_done")), integer(r.at("supports"))};
        });
    } else if (table == "by_neighbourhood") {
        s.title = w("bi.table.neighbourhood");
        s.headers = {w("bi.col.neighbourhood"), req, done, sup, w("bi.col.volunteers_registered")};
        s.rows = rows_of(v, [&](const json::object& r) {
            return std::vector<bilan_cell>{text(std::string(r.at("name").as_string())),
                                           integer(r.at("requests")), integer(r.at("missions_done")),
                                           integer(r.at("supports")), integer(r.at("volunteers_registered"))};
        });
    } else if (table == "by_channel") {
        s.title = w("bi.chart.channel");
        s.headers = {w("bi.col.channel"), req, done, sup};
        s.rows = rows_of(v, [&](const json::object& r) {
            return std::vector<bilan_cell>{text(word(w, "bi.channel.", r.at("channel").as_string())),
                                           integer(r.at("requests")), integer(r.at("missions_done")),
                                           integer(r.at("supports"))};
        });
    } else if (table == "weekly") {
        s.title = w("bi.table.weekly");
        s.headers = {w("bi.col.week"), req, done, w("bi.col.volunteers_active"),
                     w("bi.col.volunteers_mobilised")};
        const auto& period = body.at("period");
        const std::int64_t from = instant(period.at("from")), until = instant(period.at("until"));
        s.rows = rows_of(v, [&](const json::object& r) {
            // The week [Monday, next Monday) in the calendar the summary counted in, cut to the period.
            const auto monday = l.city.midnight_of(r.at("starts_on").as_string());
            if (!monday)
                throw std::runtime_error("not a date");
            const std::int64_t lo = std::max(*monday, from);
            const std::int64_t hi = std::min(l.city.midnight(l.city.day_of(*monday) + 7), until);
            return std::vector<bilan_cell>{text(week_span_label(lo, hi, l)), integer(r.at("requests")),
                                           integer(r.at("missions_done")), integer(r.at("volunteers_active")),
                                           integer(r.at("volunteers_mobilised"))};
        });
    } else if (table == "declines_and_dropouts") {
        s.title = w("bi.table.setbacks");
        s.headers = {w("bi.col.type"), w("bi.col.reason"), w("bi.col.missions")};
        s.rows = rows_of(v, [&](const json::object& r) {
            return std::vector<bilan_cell>{text(word(w, "bi.kind.", r.at("kind").as_string())),
                                           text(word(w, "bi.reason.", r.at("reason").as_string())),
                                           integer(r.at("count"))};
        });
    } else if (table == "withdrawals") {
        s.title = w("bi.table.withdrawals");
        s.headers = {w("bi.col.reason"), w("bi.col.withdrawals"), w("bi.col.after_validation")};
        s.rows = rows_of(v, [&](const json::object& r) {
            return std::vector<bilan_cell>{text(word(w, "bi.reason.", r.at("reason").as_string())),
                                           integer(r.at("count")), integer(r.at("after_validation"))};
        });
    } else if (table == "delays") {
        s.title = w("bi.table.delays");
        s.headers = {w("bi.col.stage"), req, w("bi.col.median_hours"), w("bi.col.p90_hours")};
        s.rows = rows_of(v, [&](const json::object& r) {
            return std::vector<bilan_cell>{text(word(w, "bi.stage.", r.at("stage").as_string())),
                                           integer(r.at("requests")), hours(r.at("median_seconds")),
                                           hours(r.at("p90_seconds"))};
        });
    } else if (table == "retention") {
        s.title = w("bi.table.retention");
        s.headers = {w("bi.col.after"), w("bi.col.validated"), w("bi.col.retained"), w("bi.col.rate")};
        s.rows = rows_of(v, [&](const json::object& r) {
            const auto weeks = std::to_string(r.at("weeks").to_number<std::int64_t>());
            const auto& rate = r.at("rate");
            return std::vector<bilan_cell>{
                text(w("bi.weeks", {{"count", weeks}})), integer(r.at("cohort")), integer(r.at("retained")),
                rate.is_null() ? bilan_cell{} : bilan_cell{cell_type::rate, {}, rate.to_number<double>()}};
        });
    } else if (table == "collectives") {
        s.title = w("bi.table.collectives");
        s.headers = {w("bi.col.organiser"),
                     w("bi.col.held"),
                     w("bi.col.cancelled_activities"),
                     w("bi.col.places"),
                     w("bi.col.signups"),
                     w("bi.col.attended"),
                     w("bi.col.absent"),
                     w("bi.col.volunteers_present")};
        s.rows = rows_of(v, [&](const json::object& r) {
            const auto& id = r.at("organiser_id").as_string();
            const std::string name =
                id == "all" ? w("bi.col.total") : std::string(r.at("organiser").as_string());
            return std::vector<bilan_cell>{text(name),
                                           integer(r.at("held")),
                                           integer(r.at("cancelled")),
                                           integer(r.at("places")),
                                           integer(r.at("signups")),
                                           integer(r.at("attended")),
                                           integer(r.at("absent")),
                                           integer(r.at("volunteers"))};
        });
    } else if (table == "engagement") {
        s.title = w("bi.h.engagement");
        s.headers = {w("bi.col.figure"), w("bi.col.value")};
        for (const auto& [k, n] : v.as_object()) {
            const std::string key(k);
            const cell_type type = key.ends_with("_rate")                   ? cell_type::rate
                                   : key.find("hours") != std::string::npos ? cell_type::decimal
                                                                            : cell_type::integer;
            if (n.is_null())
                s.rows.push_back({text(word(w, "bi.eng.", key)), bilan_cell{}});
            else
                s.rows.push_back(
                    {text(word(w, "bi.eng.", key)),
                     bilan_cell{type,
                                {},
                                type == cell_type::decimal ? std::round(n.to_number<double>() * 100.0) / 100.0
                                                           : n.to_number<double>()}});
        }
    } else if (table == "engagement_answers") {
        s.title = w("bi.table.answers");
        s.headers = {w("bi.col.type"),        w("bi.col.proposals"), w("bi.col.accepted"),
                     w("bi.col.declined"),    w("bi.col.expired"),   w("bi.col.acceptance_rate"),
                     w("bi.col.decline_rate")};
        std::map<std::string, std::string> labels;
        for (const auto& c : body.at("by_category").as_array())
            labels[std::string(c.at("category").as_string())] =
                std::string(c.at(l.english ? "label_en" : "label_fr").as_string());
        auto rate = [](const json::value& x) {
            return x.is_null() ? bilan_cell{} : bilan_cell{cell_type::rate, {}, x.to_number<double>()};
        };
        s.rows = rows_of(v, [&](const json::object& r) {
            const std::string code(r.at("category").as_string());
            return std::vector<bilan_cell>{text(labels.count(code) ? labels[code] : code),
                                           integer(r.at("proposals")),
                                           integer(r.at("accepted")),
                                           integer(r.at("declined")),
                                           integer(r.at("expired")),
                                           rate(r.at("acceptance_rate")),
                                           rate(r.at("decline_rate"))};
        });
    } else {
        throw std::invalid_argument("unknown table");
    }
    return s;
}

}  // namespace

std::string city_date(std::int64_t utc, const domain::city_time& city) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{city.day_of(utc)}}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(ymd.day()),
                  static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
    return buf;
}

std::string week_span_label(std::int64_t lo, std::int64_t hi, const bilan_language& l) {
    // The last day is the one holding the week's last instant (hi is excluded).
    return l.words("bi.week_span", {{"from", city_date(lo, l.city)}, {"until", city_date(hi - 1, l.city)}});
}

std::string sheet_name(std::string_view text) {
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size() && chars < 31;) {
        const auto c = static_cast<unsigned char>(text[i]);
        // The length of the UTF-8 sequence starting here (a stray continuation byte counts as one).
        const std::size_t n = c < 0x80           ? 1
                              : (c >> 5) == 0x6  ? 2
                              : (c >> 4) == 0xE  ? 3
                              : (c >> 3) == 0x1E ? 4
                                                 : 1;
        const std::string_view piece = text.substr(i, n);
        out += piece.size() == 1 && std::string_view("[]:*?/\\").find(piece[0]) != std::string_view::npos
                   ? std::string(" ")
                   : std::string(piece);
        i += n;
        ++chars;
    }
    // A name may not start or end with an apostrophe either.
    while (!out.empty() && out.front() == '\'')
        out.erase(out.begin());
    while (!out.empty() && out.back() == '\'')
        out.pop_back();
    return out.empty() ? std::string("Sheet") : out;
}

bilan_sheet bilan_table(const json::value& summary_body, std::string_view table, const bilan_language& l) {
    return table_sheet(summary_body.as_object(), table, l);
}

std::vector<bilan_sheet> bilan_sheets(const json::value& summary_body, const bilan_language& l,
                                      std::string_view programme_name, std::int64_t computed_at) {
    const auto& body = summary_body.as_object();
    const auto& w = l.words;
    const auto& period = body.at("period");
    const std::int64_t from = instant(period.at("from")), until = instant(period.at("until"));
    std::vector<bilan_sheet> out;
    bilan_sheet about;
    about.table = "about";
    about.name = sheet_name(w("bi.sheet.about"));
    about.title = w("bi.page.h1");
    about.headers = {w("bi.col.figure"), w("bi.col.value")};
    about.rows = {
        {text(w("bi.about.programme")), text(std::string(programme_name))},
        {text(w("bi.page.from")), text(city_date(from, l.city))},
        {text(w("bi.page.until")), text(city_date(until - 1, l.city))},
        {text(w("bi.about.computed")), text(l.city.date_time(computed_at))},
        {text(w("bi.about.timezone")), text(l.city.zone())},
    };
    out.push_back(std::move(about));
    for (const auto& t : csv_table_names())
        out.push_back(table_sheet(body, t, l));
    return out;
}

std::string bilan_csv(const bilan_sheet& sheet, csv_dialect dialect, const core::dictionary& words) {
    const char sep = dialect == csv_dialect::semicolon ? ';' : ',';
    const char mark = dialect == csv_dialect::semicolon ? ',' : '.';
    std::string out = dialect == csv_dialect::semicolon ? "\xEF\xBB\xBF" : "";
    auto line = [&](const std::vector<std::string>& fields) { append_csv_line(out, fields, sep); };
    std::vector<std::string> header;
    for (const auto& h : sheet.headers)
        header.push_back(csv_field(h, sep));
    line(header);
    for (const auto& row : sheet.rows) {
        std::vector<std::string> fields;
        for (const auto& c : row) {
            switch (c.type) {
                case cell_type::empty:
                    fields.emplace_back();
                    break;
                case cell_type::text:
                    fields.push_back(csv_field(c.text, sep));
                    break;
                case cell_type::integer:
                    fields.push_back(csv_field(decimal_text(c.number, 0, mark), sep, false));
                    break;
                case cell_type::decimal:
                    fields.push_back(csv_field(decimal_text(c.number, 2, mark), sep, false));
                    break;
                case cell_type::rate:
                    // "62,5 %": a percentage French spreadsheets read back as one.
                    fields.push_back(
                        csv_field(words("bi.percent", {{"value", decimal_text(c.number * 100.0, 1, mark)}}),
                                  sep, false));
                    break;
            }
        }
        line(fields);
    }
    return out;
}

}  // namespace relais::stats
