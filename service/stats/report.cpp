#include "stats/report.hpp"
#include "store/statement_cache.hpp"

#include "domain/missions.hpp"
#include "domain/time_format.hpp"
#include "domain/volunteers.hpp"
#include "stats/facts.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <set>

namespace relais::stats {

namespace json = boost::json;

namespace {

json::value opt_json(const std::optional<std::int64_t>& v) {
    return v ? json::value(*v) : json::value(nullptr);
}

/// Known codes first (in `known` order), then the others present in `rows`, sorted.
template <class Row>
std::vector<std::string> ordered_keys(const std::vector<std::string>& known,
                                      const std::map<std::string, Row>& rows) {
    std::vector<std::string> out = known;
    const std::set<std::string> seen(known.begin(), known.end());
    for (const auto& [k, _] : rows)
        if (!seen.count(k))
            out.push_back(k);
    return out;
}

std::vector<std::string> codes(const std::vector<labelled>& v) {
    std::vector<std::string> out;
    for (const auto& l : v)
        out.push_back(l.code);
    return out;
}

const labelled* find_label(const std::vector<labelled>& v, const std::string& code) {
    for (const auto& l : v)
        if (l.code == code)
            return &l;
    return nullptr;
}

std::int64_t get_int(const json::object& o, std::string_view key) {
    return o.at(key).to_number<std::int64_t>();
}

std::optional<std::int64_t> get_opt(const json::object& o, std::string_view key) {
    const auto& v = o.at(key);
    if (v.is_null())
        return std::nullopt;
    return v.to_number<std::int64_t>();
}

std::int64_t seconds_of(const json::value& v) {
    auto t = domain::parse_iso8601(v.as_string());
    if (!t)
        throw std::runtime_error("not a date-time");
    return *t;
}

int kind_rank(const std::string& kind) {
    int i = 0;
    for (const char* k : {"declined", "expired", "dropped", "missed"}) {
        if (kind == k)
            return i;
        ++i;
    }
    return i;
}

struct table_spec {
    std::string name;
    std::vector<std::string> columns;  ///< empty: a JSON object shown as (figure, value) rows
};

const std::vector<table_spec>& table_specs() {
    static const std::vector<table_spec> specs{
        {"figures", {}},
        {"request_outcomes", {}},
        {"by_category", {"category", "label_fr", "label_en", "requests", "missions_done", "supports"}},
        {"by_neighbourhood",
         {"neighbourhood", "name", "requests", "missions_done", "supports", "volunteers_registered"}},
        {"by_channel", {"channel", "requests", "missions_done", "supports"}},
        {"weekly",
         {"week", "starts_on", "requests", "missions_done", "volunteers_active", "volunteers_mobilised"}},
        {"declines_and_dropouts", {"kind", "reason", "count"}},
        {"withdrawals", {"reason", "count", "after_validation"}},
        {"delays", {"stage", "requests", "median_seconds", "p90_seconds"}},
        {"retention", {"weeks", "cohort", "retained", "rate"}},
        {"collectives",
         {"organiser_id", "organiser", "held", "cancelled", "places", "signups", "attended", "absent",
          "volunteers"}},
        {"engagement", {}},
        {"engagement_answers",
         {"category", "proposals", "accepted", "declined", "expired", "acceptance_rate", "decline_rate"}},
    };
    return specs;
}

std::string number_text(const json::value& v, char decimal) {
    if (v.is_int64())
        return std::to_string(v.as_int64());
    if (v.is_uint64())
        return std::to_string(v.as_uint64());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v.as_double());
    std::string s = buf;
    while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.')
        s.pop_back();
    if (decimal != '.')
        std::replace(s.begin(), s.end(), '.', decimal);
    return s;
}

std::string cell_text(const json::value& v, char sep, char decimal) {
    if (v.is_null())
        return "";
    if (v.is_bool())
        return v.as_bool() ? "true" : "false";
    if (v.is_number())
        return csv_field(number_text(v, decimal), sep, false);
    if (v.is_string())
        return csv_field(v.as_string(), sep, true);
    return csv_field(json::serialize(v), sep, true);
}

}  // namespace

reference load_reference(SQLite::Database& db) {
    reference r;
    {
        auto q_lease =
            store::prepare(db, "SELECT code, label_fr, label_en FROM category ORDER BY sort, code");
        SQLite::Statement& q = *q_lease;
        while (q.executeStep())
            r.categories.push_back(
                {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()});
    }
    {
        auto q_lease = store::prepare(db, "SELECT code, name FROM neighbourhood ORDER BY name, code");
        SQLite::Statement& q = *q_lease;
        while (q.executeStep())
            r.neighbourhoods.push_back(
                {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(1).getString()});
    }
    return r;
}

json::value summary_json(const summary& s, const reference& ref, const domain::city_time& city) {
    json::object o;
    o["period"] = json::object{{"from", domain::format_iso8601(s.p.from)},
                               {"until", domain::format_iso8601(s.p.until)}};
    o["figures"] = json::object{
        {"volunteers_registered", s.volunteers_registered},
        {"volunteers_active", s.volunteers_active},
        {"volunteers_mobilised", s.volunteers_mobilised},
        {"missions_done", s.missions_done},
        {"residents_requesting", s.residents_requesting},
        {"residents_helped", s.residents_helped},
        {"supports", s.supports},
        {"volunteer_registrations", s.volunteer_registrations},
        {"volunteers_awaiting_validation", s.volunteers_awaiting_validation},
        {"volunteers_withdrawn", s.volunteers_withdrawn},
        {"requests", s.requests},
        {"unfulfilled_requests", s.unfulfilled_requests},
        {"redispatches", s.redispatches},
        {"welfare_concerns", s.welfare_concerns},
    };
    o["request_outcomes"] = json::object{{"helped", s.outcomes.helped},
                                         {"fulfilled_otherwise", s.outcomes.fulfilled_otherwise},
                                         {"cancelled", s.outcomes.cancelled},
                                         {"unfulfillable", s.outcomes.unfulfillable},
                                         {"open", s.outcomes.open}};
    auto row_of = [](const std::map<std::string, breakdown_row>& m, const std::string& k) {
        auto it = m.find(k);
        return it == m.end() ? breakdown_row{} : it->second;
    };
    json::array cats;
    for (const auto& code : ordered_keys(codes(ref.categories), s.by_category)) {
        const auto r = row_of(s.by_category, code);
        const auto* l = find_label(ref.categories, code);
        cats.push_back(json::object{{"category", code},
                                    {"label_fr", l ? l->label_fr : code},
                                    {"label_en", l ? l->label_en : code},
                                    {"requests", r.requests},
                                    {"missions_done", r.missions_done},
                                    {"supports", r.supports}});
    }
    o["by_category"] = std::move(cats);
    json::array nbs;
    for (const auto& code : ordered_keys(codes(ref.neighbourhoods), s.by_neighbourhood)) {
        const auto r = row_of(s.by_neighbourhood, code);
        const auto* l = find_label(ref.neighbourhoods, code);
        nbs.push_back(json::object{{"neighbourhood", code},
                                   {"name", l ? l->label_fr : code},
                                   {"requests", r.requests},
                                   {"missions_done", r.missions_done},
                                   {"supports", r.supports},
                                   {"volunteers_registered", r.volunteers_registered}});
    }
    o["by_neighbourhood"] = std::move(nbs);
    json::array chs;
    for (const auto& code : ordered_keys({channels.begin(), channels.end()}, s.by_channel)) {
        const auto r = row_of(s.by_channel, code);
        chs.push_back(json::object{{"channel", code},
                                   {"requests", r.requests},
                                   {"missions_done", r.missions_done},
                                   {"supports", r.supports}});
    }
    o["by_channel"] = std::move(chs);
    json::array weeks;
    for (const auto& w : s.weekly)
        weeks.push_back(json::object{{"week", iso_week_label(w.starts, city)},
                                     {"starts_on", date_label(w.starts, city)},
                                     {"requests", w.requests},
                                     {"missions_done", w.missions_done},
                                     {"volunteers_active", w.volunteers_active},
                                     {"volunteers_mobilised", w.volunteers_mobilised}});
    o["weekly"] = std::move(weeks);
    std::vector<std::pair<std::pair<std::string, std::string>, std::int64_t>> setbacks(s.setbacks.begin(),
                                                                                       s.setbacks.end());
    std::stable_sort(setbacks.begin(), setbacks.end(), [](const auto& x, const auto& y) {
        return kind_rank(x.first.first) < kind_rank(y.first.first);
    });
    json::array sb;
    for (const auto& [k, n] : setbacks)
        sb.push_back(json::object{{"kind", k.first}, {"reason", k.second}, {"count", n}});
    o["declines_and_dropouts"] = std::move(sb);
    json::array wd;
    for (const auto& reason : ordered_keys(domain::withdrawal_reasons, s.withdrawals)) {
        auto it = s.withdrawals.find(reason);
        const auto r = it == s.withdrawals.end() ? withdrawal_row{} : it->second;
        wd.push_back(
            json::object{{"reason", reason}, {"count", r.count}, {"after_validation", r.after_validation}});
    }
    o["withdrawals"] = std::move(wd);
    json::array dl;
    for (std::size_t i = 0; i < delay_stages.size(); ++i)
        dl.push_back(json::object{{"stage", delay_stages[i]},
                                  {"requests", s.delays[i].requests},
                                  {"median_seconds", opt_json(s.delays[i].median)},
                                  {"p90_seconds", opt_json(s.delays[i].p90)}});
    o["delays"] = std::move(dl);
    json::array rt;
    for (const auto& r : s.retention)
        rt.push_back(json::object{
            {"weeks", r.weeks},
            {"cohort", r.cohort},
            {"retained", r.retained},
            {"rate", r.cohort ? json::value(static_cast<double>(r.retained) / static_cast<double>(r.cohort))
                              : json::value(nullptr)}});
    o["retention"] = std::move(rt);
    return o;
}

summary summary_from_json(const json::value& v, const domain::city_time& city) {
    const auto& o = v.as_object();
    summary s;
    s.p.from = seconds_of(o.at("period").at("from"));
    s.p.until = seconds_of(o.at("period").at("until"));
    const auto& f = o.at("figures").as_object();
    s.volunteers_registered = get_int(f, "volunteers_registered");
    s.volunteers_active = get_int(f, "volunteers_active");
    s.volunteers_mobilised = get_int(f, "volunteers_mobilised");
    s.missions_done = get_int(f, "missions_done");
    s.residents_requesting = get_int(f, "residents_requesting");
    s.residents_helped = get_int(f, "residents_helped");
    s.supports = get_int(f, "supports");
    s.volunteer_registrations = get_int(f, "volunteer_registrations");
    s.volunteers_awaiting_validation = get_int(f, "volunteers_awaiting_validation");
    s.volunteers_withdrawn = get_int(f, "volunteers_withdrawn");
    s.requests = get_int(f, "requests");
    s.unfulfilled_requests = get_int(f, "unfulfilled_requests");
    s.redispatches = get_int(f, "redispatches");
    s.welfare_concerns = get_int(f, "welfare_concerns");
    const auto& ro = o.at("request_outcomes").as_object();
    s.outcomes = {get_int(ro, "helped"), get_int(ro, "fulfilled_otherwise"), get_int(ro, "cancelled"),
                  get_int(ro, "unfulfillable"), get_int(ro, "open")};
    for (const auto& e : o.at("by_category").as_array()) {
        const auto& r = e.as_object();
        s.by_category[std::string(r.at("category").as_string())] = {
            get_int(r, "requests"), get_int(r, "missions_done"), get_int(r, "supports"), 0};
    }
    for (const auto& e : o.at("by_neighbourhood").as_array()) {
        const auto& r = e.as_object();
        s.by_neighbourhood[std::string(r.at("neighbourhood").as_string())] = {
            get_int(r, "requests"), get_int(r, "missions_done"), get_int(r, "supports"),
            get_int(r, "volunteers_registered")};
    }
    for (const auto& e : o.at("by_channel").as_array()) {
        const auto& r = e.as_object();
        s.by_channel[std::string(r.at("channel").as_string())] = {
            get_int(r, "requests"), get_int(r, "missions_done"), get_int(r, "supports"), 0};
    }
    for (const auto& e : o.at("weekly").as_array()) {
        const auto& r = e.as_object();
        auto starts = city.midnight_of(r.at("starts_on").as_string());
        if (!starts)
            throw std::runtime_error("not a date");
        s.weekly.push_back({*starts, get_int(r, "requests"), get_int(r, "missions_done"),
                            get_int(r, "volunteers_active"), get_int(r, "volunteers_mobilised")});
    }
    for (const auto& e : o.at("declines_and_dropouts").as_array()) {
        const auto& r = e.as_object();
        s.setbacks[{std::string(r.at("kind").as_string()), std::string(r.at("reason").as_string())}] =
            get_int(r, "count");
    }
    for (const auto& e : o.at("withdrawals").as_array()) {
        const auto& r = e.as_object();
        s.withdrawals[std::string(r.at("reason").as_string())] = {get_int(r, "count"),
                                                                  get_int(r, "after_validation")};
    }
    const auto& dl = o.at("delays").as_array();
    for (std::size_t i = 0; i < delay_stages.size() && i < dl.size(); ++i) {
        const auto& r = dl[i].as_object();
        s.delays[i] = {get_int(r, "requests"), get_opt(r, "median_seconds"), get_opt(r, "p90_seconds")};
    }
    const auto& rt = o.at("retention").as_array();
    for (std::size_t i = 0; i < retention_weeks.size() && i < rt.size(); ++i) {
        const auto& r = rt[i].as_object();
        s.retention[i] = {static_cast<int>(get_int(r, "weeks")), get_int(r, "cohort"),
                          get_int(r, "retained")};
    }
    drop_empty_rows(s);
    return s;
}

json::value table_value(const json::value& summary_body, std::string_view table) {
    const auto& body = summary_body.as_object();
    if (table == "engagement_answers")
        return body.at("engagement").at("answers_by_category");
    if (table != "engagement")
        return body.at(table);
    json::object out;
    for (const auto& [k, v] : body.at("engagement").as_object())
        if (!v.is_structured())
            out[k] = v;
    for (const auto& [k, v] : body.at("engagement").at("reserve").as_object())
        out["reserve_" + std::string(k)] = v;
    return out;
}

const std::vector<std::string>& csv_table_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& t : table_specs())
            n.push_back(t.name);
        return n;
    }();
    return names;
}

std::string csv_field(std::string_view text, char separator, bool is_text) {
    std::string v(text);
    if (is_text && !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@'))
        v.insert(v.begin(), '\'');
    if (v.find_first_of(std::string{separator, '"', '\r', '\n'}) == std::string::npos)
        return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

void append_csv_line(std::string& out, const std::vector<std::string>& fields, char separator) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out += separator;
        out += fields[i];
    }
    out += "\r\n";
}

std::optional<std::string> csv_export(const json::value& body, std::string_view table, csv_dialect dialect) {
    const table_spec* spec = nullptr;
    for (const auto& t : table_specs())
        if (t.name == table)
            spec = &t;
    if (!spec)
        return std::nullopt;
    const char sep = dialect == csv_dialect::semicolon ? ';' : ',';
    const char decimal = dialect == csv_dialect::semicolon ? ',' : '.';
    std::string out = dialect == csv_dialect::semicolon ? "\xEF\xBB\xBF" : "";
    auto line = [&](const std::vector<std::string>& fields) { append_csv_line(out, fields, sep); };
    const auto value = table_value(body, spec->name);
    if (spec->columns.empty()) {
        line({"figure", "value"});
        for (const auto& [k, v] : value.as_object())
            line({csv_field(k, sep), cell_text(v, sep, decimal)});
        return out;
    }
    std::vector<std::string> header;
    for (const auto& c : spec->columns)
        header.push_back(csv_field(c, sep));
    line(header);
    for (const auto& row : value.as_array()) {
        std::vector<std::string> fields;
        for (const auto& c : spec->columns) {
            const auto* v = row.as_object().if_contains(c);
            fields.push_back(v ? cell_text(*v, sep, decimal) : std::string());
        }
        line(fields);
    }
    return out;
}

}  // namespace relais::stats
