// The volunteer's personal calendar feed: an iCalendar (RFC 5545) document of their accepted missions at a
// secret URL (GET /api/v1/calendar/{token}.ics) that a phone's calendar subscribes to. The secret is 256
// random bits shown once when made (POST /api/v1/me/calendar); only its hash is stored; making a new one
// revokes the old; DELETE turns the feed off.
//
// The feed leaves the service (calendar apps fetch it from their own servers), so it carries no resident
// data at all: category, neighbourhood and time only; the address and phone stay in the app, under the
// 7-day rule.

#include "api/body_reader.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "auth/token.hpp"
#include "core/error.hpp"
#include "domain/missions.hpp"
#include "domain/programme.hpp"
#include "domain/time_format.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <map>

namespace relais::api {

namespace json = boost::json;

namespace {

/// RFC 5545 TEXT escaping: backslash, semicolon, comma, newline.
std::string ical_text(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case ';':
                out += "\\;";
                break;
            case ',':
                out += "\\,";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// One content line, folded at 75 octets (never inside a UTF-8 sequence), ending with CRLF.
void ical_line(std::string& out, const std::string& line) {
    std::size_t start = 0, width = 75;
    while (line.size() - start > width) {
        std::size_t cut = start + width;
        while (cut > start && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80)
            --cut;  // back to the first byte of a UTF-8 character
        out.append(line, start, cut - start);
        out += "\r\n ";
        start = cut;
        width = 74;  // the leading space of a continuation counts
    }
    out.append(line, start);
    out += "\r\n";
}

/// 20261124T090000Z
std::string ical_time(std::int64_t utc) {
    std::string iso = domain::format_iso8601(utc);  // 2026-11-24T09:00:00Z
    std::string out;
    for (char c : iso)
        if (c != '-' && c != ':')
            out += c;
    return out;
}

struct feed_data {
    bool found = false;
    std::vector<domain::mission_record> missions;
    std::map<std::string, std::string> categories, neighbourhoods;
    std::string programme;
};

std::string render_feed(const feed_data& d, std::int64_t now) {
    std::string out;
    ical_line(out, "BEGIN:VCALENDAR");
    ical_line(out, "VERSION:2.0");
    ical_line(out, "PRODID:-//Relais//Relais//FR");
    ical_line(out, "CALSCALE:GREGORIAN");
    ical_line(out, "METHOD:PUBLISH");
    ical_line(out, "X-WR-CALNAME:" + ical_text(d.programme + " – missions"));
    for (const auto& m : d.missions) {
        auto cat = d.categories.count(m.category) ? d.categories.at(m.category) : m.category;
        auto nb =
            d.neighbourhoods.count(m.neighbourhood) ? d.neighbourhoods.at(m.neighbourhood) : m.neighbourhood;
        ical_line(out, "BEGIN:VEVENT");
        ical_line(out, "UID:" + m.id + "@relais");
        ical_line(out, "DTSTAMP:" + ical_time(now));
        ical_line(out, "DTSTART:" + ical_time(m.starts_at));
        ical_line(out, "DTEND:" + ical_time(m.ends_at));
        ical_line(out, "SUMMARY:" + ical_text("Relais : " + cat + " (" + nb + ")"));
        ical_line(out, "LOCATION:" + ical_text(nb));
        ical_line(
            out, "DESCRIPTION:" + ical_text("L'adresse et le téléphone sont dans l'application des bénévoles "
                                            "(/benevole)."));
        ical_line(out, "STATUS:CONFIRMED");
        ical_line(out, "END:VEVENT");
    }
    ical_line(out, "END:VCALENDAR");
    return out;
}

awaitable_response calendar_feed(const data_access& s, request_context& ctx) {
    auto token = ctx.param("token");
    if (token.ends_with(".ics"))
        token.resize(token.size() - 4);
    if (!auth::well_formed_token(token))
        throw not_found("No such calendar.");
    const auto now = s.clk.now_s();
    auto job = [hash = auth::hash_token(token), now](SQLite::Database& db) {
        feed_data d;
        auto q_lease = store::prepare(
            db,
            "SELECT f.volunteer_id FROM calendar_feed f JOIN volunteer v ON v.id = f.volunteer_id "
            "WHERE f.token_hash = ? AND v.status IN ('active', 'paused') AND v.erased_at IS NULL "
            // The feed stops with the account: a disabled account's calendar is gone too.
            "AND EXISTS (SELECT 1 FROM users u WHERE u.volunteer_id = v.id AND u.disabled_at IS NULL)");
        SQLite::Statement& q = *q_lease;
        q.bind(1, hash);
        if (!q.executeStep())
            return d;
        d.found = true;
        domain::mission_filter f;
        f.volunteer_id = q.getColumn(0).getString();
        f.from = now - 30 * 86400;
        f.limit = 200;
        domain::page_info page;
        for (auto& m : domain::list_missions(db, f, page))
            if (m.status == "accepted" || m.status == "done")
                d.missions.push_back(std::move(m));
        for (const auto& c : domain::list_categories(db, true))
            d.categories[c.code] = c.label_fr;
        for (const auto& n : domain::list_neighbourhoods(db))
            d.neighbourhoods[n.code] = n.name;
        d.programme = domain::load_programme(db).name;
        return d;
    };
    auto d = co_await s.db.read(std::move(job));
    if (!d.found)
        throw not_found("No such calendar.");
    response res{status::ok, ctx.req.version()};
    res.set(wire::bhttp::field::content_type, "text/calendar; charset=utf-8");
    res.set(wire::bhttp::field::cache_control, "no-store");
    res.keep_alive(ctx.req.keep_alive());
    res.body() = render_feed(d, now);
    res.prepare_payload();
    co_return res;
}

std::string mine(const request_context& ctx) {
    auto v = volunteer_of(ctx);
    if (!v)
        throw not_found("No volunteer profile for this account.");
    return *v;
}

awaitable_response get_my_calendar(const data_access& s, request_context& ctx) {
    auto job = [id = mine(ctx)](SQLite::Database& db) {
        auto q_lease = store::prepare(db, "SELECT created_at FROM calendar_feed WHERE volunteer_id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, id);
        if (!q.executeStep())
            return json::value{{"active", false}, {"created_at", nullptr}};
        return json::value{{"active", true},
                           {"created_at", domain::format_iso8601(q.getColumn(0).getInt64())}};
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response make_my_calendar(const data_access& s, request_context& ctx) {
    no_fields(ctx);  // nothing to give: an empty object at most
    const auto token = auth::new_token();
    const auto now = s.clk.now_s();
    auto job = [id = mine(ctx), hash = auth::hash_token(token), now](SQLite::Database& db) {
        auto q_lease =
            store::prepare(db,
                           "INSERT INTO calendar_feed(volunteer_id, token_hash, created_at) VALUES (?,?,?) "
                           "ON CONFLICT(volunteer_id) DO UPDATE SET token_hash = excluded.token_hash, "
                           "created_at = excluded.created_at");
        SQLite::Statement& q = *q_lease;
        q.bind(1, id);
        q.bind(2, hash);
        q.bind(3, static_cast<std::int64_t>(now));
        q.exec();
        return true;
    };
    co_await s.db.write(std::move(job));
    auto res = ctx.json(status::created, json::object{{"path", "/api/v1/calendar/" + token + ".ics"},
                                                      {"created_at", domain::format_iso8601(now)}});
    res.set(wire::bhttp::field::cache_control, "no-store");
    co_return res;
}

awaitable_response delete_my_calendar(const data_access& s, request_context& ctx) {
    const auto id = mine(ctx);
    no_fields(ctx);
    auto job = [id](SQLite::Database& db) {
        auto q_lease = store::prepare(db, "DELETE FROM calendar_feed WHERE volunteer_id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, id);
        q.exec();
        return true;
    };
    co_await s.db.write(std::move(job));
    co_return ctx.empty(status::no_content);
}

}  // namespace

void add_calendar_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::get,
           "/api/v1/calendar/{token}",
           {pub, 0, auth::limit_by::tracking},
           "",
           plain,
           bind(s, calendar_feed)});
    t.add({verb::get, "/api/v1/me/calendar", {vol}, "", plain, bind(s, get_my_calendar)});
    t.add({verb::post, "/api/v1/me/calendar", {vol}, "Empty", plain, bind(s, make_my_calendar)});
    t.add({verb::delete_, "/api/v1/me/calendar", {vol}, "Empty", plain, bind(s, delete_my_calendar)});
}

}  // namespace relais::api
