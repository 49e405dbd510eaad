// Outcome statistics (the programme's bilan), their CSV and XLSX exports, and the test clock that season
// replays use to compress months into minutes.
#include "api/body_reader.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/city_time.hpp"
#include "domain/programme.hpp"
#include "domain/stats_recorder.hpp"
#include "domain/time_format.hpp"
#include "stats/bilan_sheets.hpp"
#include "stats/bilan_workbook.hpp"
#include "stats/collective_summary.hpp"
#include "stats/engagement_summary.hpp"
#include "stats/report.hpp"
#include "stats/summary_query.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

const std::vector<std::string> separators{"comma", "semicolon"};
const std::vector<std::string> languages{"fr", "en"};

/// The longest period a statistics query may span: five years (with their leap days). It bounds what one
/// answer holds (the weekly table has one row per week: at most 263) and so the memory a burst of such
/// queries takes; a period from year 1 once answered 13 MB (105,708 weekly rows).
constexpr std::int64_t max_period_s = (5 * 365 + 2) * 86400;

/// One bound of a statistics period as given: an instant (a date-time with its offset), or a date, which
/// means the city's midnight starting that day (known only once the programme's time zone is read).
struct bound {
    std::optional<std::int64_t> instant;
    std::optional<std::string> date;

    std::optional<std::int64_t> in(const domain::city_time& city) const {
        return date ? city.midnight_of(*date) : instant;
    }
};

/// The period of a statistics query: `from` (default: the programme's start) and `until` (default, and at
/// most: now), each a date (the city's 00:00) or a date-time. 400 if from is not before until.
struct period_query {
    bound from, until;
    std::int64_t now = 0;
};

bound bound_param(const request_context& ctx, std::string_view name) {
    auto v = ctx.query(name);
    if (!v)
        return {};
    if (auto t = domain::parse_iso8601(*v))
        return {t, std::nullopt};
    if (domain::parse_date(*v))
        return {std::nullopt, std::string(*v)};
    throw bad_request("The query parameter " + std::string(name) +
                      " must be a date (YYYY-MM-DD) or an ISO 8601 date-time.");
}

period_query read_period(const data_access& s, const request_context& ctx) {
    return {bound_param(ctx, "from"), bound_param(ctx, "until"), s.clk.now_s()};
}

/// Brings the statistics tables up to date with the log when they lag it (a database that had events before
/// the statistics existed, or a bulk import that wrote events directly); a one-off cost.
boost::asio::awaitable<void> ensure_stats_in_sync(const data_access& s) {
    auto check = [](SQLite::Database& db) { return stats::in_sync(db); };
    if (co_await s.db.read(std::move(check)))
        co_return;
    spdlog::info("statistics tables lag the event log: rebuilding them");
    auto rebuild = [](SQLite::Database& db) {
        if (!stats::in_sync(db))
            stats::rebuild(db);
        return true;
    };
    co_await s.db.write(std::move(rebuild));
}

/// A computed summary with what its exports show beside it.
struct summary_result {
    json::value body;          ///< the StatsSummary body
    std::string programme;     ///< the programme's name
    domain::city_time city;    ///< the calendar the days and weeks were counted in
    std::int64_t computed_at;  ///< programme time of the computation
};

/// The summary of the query's period (on a reader thread, inside the caller's read job).
summary_result compute(SQLite::Database& db, const period_query& q) {
    const auto programme = domain::load_programme(db);
    const domain::city_time city(programme.timezone);
    stats::period p;
    p.until = std::min(q.until.in(city).value_or(q.now), q.now);
    if (auto from = q.from.in(city)) {
        p.from = *from;
    } else {
        // The default period: the programme's, or its last five years if it is older.
        p.from = std::max(city.midnight_of(programme.starts_on).value_or(0), p.until - max_period_s);
    }
    if (p.from >= p.until)
        throw bad_request("The period is empty: from must be before until (and until is at most now).");
    if (p.until - p.from > max_period_s)
        throw validation_error({{"from", "is more than five years before until: ask for a shorter period"}});
    auto body = stats::summary_json(stats::compute_summary(db, p, city), stats::load_reference(db), city);
    body.as_object()["collectives"] = stats::collectives_json(stats::collective_summary(db, p));
    body.as_object()["engagement"] = stats::engagement_json(stats::engagement_summary_of(db, p));
    return {std::move(body), programme.name, city, q.now};
}

/// The summary body for the query's period (computed on a reader thread).
boost::asio::awaitable<json::value> summary_body(const data_access& s, period_query q) {
    co_await ensure_stats_in_sync(s);
    auto job = [q](SQLite::Database& db) { return compute(db, q).body; };
    co_return co_await s.db.read(std::move(job));
}

/// "2026-10-26": a day of the city, for file names.
std::string iso_day(std::int64_t utc, const domain::city_time& city) {
    return domain::format_iso8601(city.day_of(utc) * 86400).substr(0, 10);
}

/// The file name's dates: the first day of the period and the day its end falls on (the end excluded, as in
/// the query).
std::string period_tag(const json::value& body, const domain::city_time& city) {
    const auto& period = body.at("period");
    const auto from = domain::parse_iso8601(period.at("from").as_string());
    const auto until = domain::parse_iso8601(period.at("until").as_string());
    return iso_day(from.value_or(0), city) + "-" + iso_day(until.value_or(0), city);
}

response download(request_context& ctx, std::string body, std::string_view type,
                  const std::string& filename) {
    response res{status::ok, ctx.req.version()};
    res.set(wire::bhttp::field::content_type, type);
    res.set(wire::bhttp::field::content_disposition, "attachment; filename=\"" + filename + "\"");
    res.set(wire::bhttp::field::cache_control, "no-store");
    res.keep_alive(ctx.req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

awaitable_response get_summary(const stats_services& s, request_context& ctx) {
    auto q = read_period(s.data, ctx);
    co_return ctx.json(status::ok, co_await summary_body(s.data, q));
}

/// One table as CSV: with `lang`, in that language's words (the bilan's model); without, the JSON's field
/// names and codes, as before `lang` existed.
awaitable_response export_csv(const stats_services& s, request_context& ctx) {
    auto table = enum_param(ctx, "table", stats::csv_table_names());
    if (!table)
        throw bad_request("The query parameter table is required (one of the summary's tables).");
    const auto sep = enum_param(ctx, "sep", separators).value_or("comma");
    const auto lang = enum_param(ctx, "lang", languages);
    auto q = read_period(s.data, ctx);
    co_await ensure_stats_in_sync(s.data);
    const auto dialect = sep == "semicolon" ? stats::csv_dialect::semicolon : stats::csv_dialect::comma;
    auto job = [q, table = *table, lang, dialect, words = s.words](SQLite::Database& db) {
        auto r = compute(db, q);
        std::string text;
        if (lang) {
            const auto dict = words->get(*lang);
            const stats::bilan_language l{dict, r.city, *lang == "en"};
            text = stats::bilan_csv(stats::bilan_table(r.body, table, l), dialect, dict);
        } else {
            text = *stats::csv_export(r.body, table, dialect);
        }
        return std::pair{std::move(text), period_tag(r.body, r.city)};
    };
    auto [text, tag] = co_await s.data.db.read(std::move(job));
    co_return download(ctx, std::move(text), "text/csv; charset=utf-8",
                       "relais-" + *table + "-" + tag + ".csv");
}

/// The whole bilan as one workbook, a sheet per table, in `lang` (default French). The summary and the
/// workbook (file work: libxlsxwriter writes to a private temporary directory) are made in one job on a
/// reader thread, never on an I/O thread.
awaitable_response export_xlsx(const stats_services& s, request_context& ctx) {
    const auto lang = enum_param(ctx, "lang", languages).value_or("fr");
    auto q = read_period(s.data, ctx);
    co_await ensure_stats_in_sync(s.data);
    auto job = [q, lang, words = s.words](SQLite::Database& db) {
        auto r = compute(db, q);
        const auto dict = words->get(lang);
        const stats::bilan_language l{dict, r.city, lang == "en"};
        auto bytes = stats::xlsx_workbook(stats::bilan_sheets(r.body, l, r.programme, r.computed_at),
                                          dict("bi.page.h1") + " " + r.programme);
        return std::pair{std::move(bytes), period_tag(r.body, r.city)};
    };
    auto [bytes, tag] = co_await s.data.db.read(std::move(job));
    co_return download(ctx, std::move(bytes),
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       "relais-bilan-" + tag + ".xlsx");
}

/// POST /api/v1/test/clock {now, freeze?}: only on a server started with --test-clock; any other answers 404
/// as if the route did not exist.
awaitable_response set_test_clock(const data_access& s, request_context& ctx) {
    if (!s.clk.movable())
        throw not_found("No such resource.");
    body_reader r(ctx.json_body());
    auto target = r.time("now");
    auto freeze = r.boolean("freeze", false);
    r.done();
    const std::int64_t current = s.clk.now_s();
    if (*target < current)
        throw conflict("The programme clock never goes back: it is already " +
                       domain::format_iso8601(current) + ".");
    s.clk.set(std::chrono::system_clock::time_point(std::chrono::seconds(*target)), freeze.value_or(false));
    spdlog::info("test clock moved to {}{}", domain::format_iso8601(s.clk.now_s()),
                 s.clk.frozen() ? " (frozen)" : "");
    co_return ctx.json(
        status::ok, json::object{{"now", domain::format_iso8601(s.clk.now_s())}, {"frozen", s.clk.frozen()}});
}

}  // namespace

void add_stats_routes(wire::route_table& t, const stats_services& s) {
    t.add({verb::get, "/api/v1/stats/summary", {staff}, "", plain, bind(s, get_summary)});
    t.add({verb::get, "/api/v1/stats/export.csv", {staff}, "", plain, bind(s, export_csv)});
    t.add({verb::get, "/api/v1/stats/export.xlsx", {staff}, "", plain, bind(s, export_xlsx)});
    t.add({verb::post, "/api/v1/test/clock", {adm}, "TestClockSet", plain, bind(s.data, set_test_clock)});
}

}  // namespace relais::api
