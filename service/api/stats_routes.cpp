// Outcome statistics (the programme's bilan), their CSV export, and the test clock that season replays use to
// compress months into minutes.
#include "api/body_reader.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/programme.hpp"
#include "domain/stats_recorder.hpp"
#include "domain/time_format.hpp"
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

/// The summary of the query's period (on a reader thread, inside the caller's read job).
json::value compute(SQLite::Database& db, const period_query& q) {
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
    return stats::summary_json(stats::compute_summary(db, p, city), stats::load_reference(db), city);
}

/// The summary body for the query's period (computed on a reader thread).
boost::asio::awaitable<json::value> summary_body(const data_access& s, period_query q) {
    co_await ensure_stats_in_sync(s);
    auto job = [q](SQLite::Database& db) { return compute(db, q); };
    co_return co_await s.db.read(std::move(job));
}

awaitable_response get_summary(const data_access& s, request_context& ctx) {
    auto q = read_period(s, ctx);
    co_return ctx.json(status::ok, co_await summary_body(s, q));
}

awaitable_response export_csv(const data_access& s, request_context& ctx) {
    auto table = enum_param(ctx, "table", stats::csv_table_names());
    if (!table)
        throw bad_request("The query parameter table is required (one of the summary's tables).");
    const auto sep = enum_param(ctx, "sep", separators).value_or("comma");
    auto q = read_period(s, ctx);
    const auto body = co_await summary_body(s, q);
    const auto dialect = sep == "semicolon" ? stats::csv_dialect::semicolon : stats::csv_dialect::comma;
    auto text = stats::csv_export(body, *table, dialect);
    const auto& period = body.at("period");
    const std::string filename = "relais-" + *table + "-" +
                                 std::string(period.at("from").as_string()).substr(0, 10) + "-" +
                                 std::string(period.at("until").as_string()).substr(0, 10) + ".csv";
    response res{status::ok, ctx.req.version()};
    res.set(wire::bhttp::field::content_type, "text/csv; charset=utf-8");
    res.set(wire::bhttp::field::content_disposition, "attachment; filename=\"" + filename + "\"");
    res.set(wire::bhttp::field::cache_control, "no-store");
    res.keep_alive(ctx.req.keep_alive());
    res.body() = std::move(*text);
    res.prepare_payload();
    co_return res;
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

void add_stats_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::get, "/api/v1/stats/summary", {staff}, "", plain, bind(s, get_summary)});
    t.add({verb::get, "/api/v1/stats/export.csv", {staff}, "", plain, bind(s, export_csv)});
    t.add({verb::post, "/api/v1/test/clock", {adm}, "TestClockSet", plain, bind(s, set_test_clock)});
}

}  // namespace relais::api
