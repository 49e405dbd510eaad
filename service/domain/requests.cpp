#include "domain/requests.hpp"
#include "domain/neighbourhood_map.hpp"
#include "domain/queue_state.hpp"
#include "domain/secret_handover.hpp"
#include "store/statement_cache.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/missions.hpp"
#include "domain/rows.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <charconv>

namespace relais::domain {

namespace json = boost::json;

const std::vector<std::string> urgencies{"today", "48h", "week"};
const std::vector<std::string> close_outcomes{"fulfilled", "cancelled", "unfulfillable"};

int urgency_rank(std::string_view u) {
    return u == "today" ? 0 : u == "48h" ? 1 : 2;
}

namespace {

void bind_opt(SQLite::Statement& q, int i, const std::optional<std::string>& v) {
    if (v)
        q.bind(i, *v);
    else
        q.bind(i);
}

std::string insert_resident(SQLite::Database& db, const resident_input& r, const std::string& consent_version,
                            std::int64_t now) {
    const std::string id = new_id("res");
    auto q_lease = store::prepare(
        db,
        "INSERT INTO resident(id, first_name, last_name, phone, email, address, neighbourhood, lat, "
        "lon, isolated, reduced_mobility, visually_impaired, not_french_speaking, languages, "
        "preferred_contact, consent_at, consent_version, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    q.bind(2, r.first_name);
    q.bind(3, r.last_name);
    q.bind(4, r.phone);
    bind_opt(q, 5, r.email);
    q.bind(6, r.address);
    q.bind(7, r.neighbourhood);
    if (r.location) {
        q.bind(8, r.location->lat);
        q.bind(9, r.location->lon);
    }
    q.bind(10, r.needs.isolated);
    q.bind(11, r.needs.reduced_mobility);
    q.bind(12, r.needs.visually_impaired);
    q.bind(13, r.needs.not_french_speaking);
    q.bind(14, strings_to_json(r.languages));
    q.bind(15, r.preferred_contact);
    q.bind(16, static_cast<std::int64_t>(now));
    q.bind(17, consent_version);
    q.bind(18, static_cast<std::int64_t>(now));
    q.bind(19, static_cast<std::int64_t>(now));
    q.exec();
    return id;
}

}  // namespace

std::string record_resident(SQLite::Database& db, const resident_input& r, const std::string& channel,
                            const std::string& consent_version, std::int64_t now, const actor& who) {
    const auto id = insert_resident(db, r, consent_version, now);
    append_event(db, now, who,
                 {"resident",
                  id,
                  "created",
                  std::nullopt,
                  std::nullopt,
                  std::nullopt,
                  {{"neighbourhood", r.neighbourhood}, {"channel", channel}}});
    return id;
}

namespace {

resident_record read_resident(SQLite::Statement& q) {
    resident_record r;
    r.id = q.getColumn("id").getString();
    r.first_name = q.getColumn("first_name").getString();
    r.last_name = q.getColumn("last_name").getString();
    r.phone = q.getColumn("phone").getString();
    if (!q.getColumn("email").isNull())
        r.email = q.getColumn("email").getString();
    r.address = q.getColumn("address").getString();
    r.neighbourhood = q.getColumn("neighbourhood").getString();
    if (!q.getColumn("lat").isNull())
        r.location = geo{q.getColumn("lat").getDouble(), q.getColumn("lon").getDouble()};
    r.needs.isolated = q.getColumn("isolated").getInt() != 0;
    r.needs.reduced_mobility = q.getColumn("reduced_mobility").getInt() != 0;
    r.needs.visually_impaired = q.getColumn("visually_impaired").getInt() != 0;
    r.needs.not_french_speaking = q.getColumn("not_french_speaking").getInt() != 0;
    r.languages = strings_from_json(q.getColumn("languages").getString());
    r.preferred_contact = q.getColumn("preferred_contact").getString();
    r.consent_at = q.getColumn("consent_at").getInt64();
    r.consent_version = q.getColumn("consent_version").getString();
    r.created_at = q.getColumn("created_at").getInt64();
    if (!q.getColumn("erased_at").isNull())
        r.erased_at = q.getColumn("erased_at").getInt64();
    return r;
}

constexpr const char* resident_columns =
    "id, first_name, last_name, phone, email, address, neighbourhood, lat, lon, isolated, reduced_mobility, "
    "visually_impaired, not_french_speaking, languages, preferred_contact, consent_at, consent_version, "
    "created_at, "
    "erased_at, seq";

constexpr const char* request_columns =
    "r.seq, r.id, r.resident_id, r.category, r.details, r.urgency, r.recurrence, r.channel, r.status, "
    "r.outcome, "
    "r.close_reason, r.partner_id, r.window_from, r.window_until, r.created_at, r.updated_at, r.closed_at, "
    "r.first_proposed_at, r.first_accepted_at, r.first_done_at, r.redispatch, r.redispatch_count, "
    "p.neighbourhood";

request_record read_request(SQLite::Statement& q) {
    request_record r;
    auto opt_text = [&](int i) { return column_text(q, i); };
    auto opt_int = [&](int i) { return column_int(q, i); };
    r.seq = q.getColumn(0).getInt64();
    r.id = q.getColumn(1).getString();
    r.resident_id = q.getColumn(2).getString();
    r.category = q.getColumn(3).getString();
    r.details = q.getColumn(4).getString();
    r.urgency = q.getColumn(5).getString();
    r.recurrence = q.getColumn(6).getString();
    r.channel = q.getColumn(7).getString();
    r.status = q.getColumn(8).getString();
    r.outcome = opt_text(9);
    r.close_reason = opt_text(10);
    r.partner_id = opt_text(11);
    r.window_from = q.getColumn(12).getInt64();
    r.window_until = q.getColumn(13).getInt64();
    r.created_at = q.getColumn(14).getInt64();
    r.updated_at = q.getColumn(15).getInt64();
    r.closed_at = opt_int(16);
    r.first_proposed_at = opt_int(17);
    r.first_accepted_at = opt_int(18);
    r.first_done_at = opt_int(19);
    r.redispatch = q.getColumn(20).getInt() != 0;
    r.redispatch_count = q.getColumn(21).getInt();
    r.neighbourhood = q.getColumn(22).getString();
    return r;
}

void check_code(SQLite::Database& db, const char* table, const std::string& code, const std::string& field) {
    auto q_lease = store::prepare(db, std::string("SELECT 1 FROM ") + table + " WHERE code = ?" +
                                          (std::string(table) == "category" ? " AND active = 1" : ""));
    SQLite::Statement& q = *q_lease;
    q.bind(1, code);
    if (!q.executeStep())
        throw validation_error({{field, std::string("is not a known ") + table + " code"}});
}

// Cursor of the dispatch queue: "<redispatch>.<urgency rank>.<created_at>.<seq>".
struct queue_key {
    int redispatch = 0, rank = 0;
    std::int64_t created_at = 0, seq = 0;
};

std::optional<queue_key> parse_cursor(const std::string& c) {
    queue_key k;
    std::int64_t parts[4];
    const char* p = c.data();
    const char* end = c.data() + c.size();
    for (int i = 0; i < 4; ++i) {
        auto [next, ec] = std::from_chars(p, end, parts[i]);
        if (ec != std::errc{})
            return std::nullopt;
        p = next;
        if (i < 3) {
            if (p == end || *p != '.')
                return std::nullopt;
            ++p;
        }
    }
    if (p != end)
        return std::nullopt;
    k.redispatch = static_cast<int>(parts[0]);
    k.rank = static_cast<int>(parts[1]);
    k.created_at = parts[2];
    k.seq = parts[3];
    return k;
}

void finish_track_view(SQLite::Database& db, const std::string& request_id, std::int64_t now, track_view& v) {
    auto n_lease =
        store::prepare(db,
                       "SELECT MIN(starts_at) FROM mission WHERE request_id = ? AND status = 'accepted' "
                       "AND ends_at >= ?");
    SQLite::Statement& n = *n_lease;
    n.bind(1, request_id);
    n.bind(2, static_cast<std::int64_t>(now));
    if (n.executeStep() && !n.getColumn(0).isNull())
        v.next_visit = n.getColumn(0).getInt64();
}

}  // namespace

created_request create_request(SQLite::Database& db, const request_input& given, std::int64_t now,
                               const actor& who) {
    request_input in = given;
    std::vector<field_error> errs;
    if (in.resident && in.resident->neighbourhood.empty()) {
        // No neighbourhood given: the one whose shape holds the location (the city's own map, issue 16).
        const auto at = in.resident->location
                            ? locate_neighbourhood(db, in.resident->location->lat, in.resident->location->lon)
                            : std::nullopt;
        if (at)
            in.resident->neighbourhood = *at;
        else
            throw validation_error({{"resident.neighbourhood",
                                     "is required: the location is in none of the city's neighbourhoods"}});
    }
    {
        auto q_lease = store::prepare(db, "SELECT 1 FROM category WHERE code = ? AND active = 1");
        SQLite::Statement& q = *q_lease;
        q.bind(1, in.category);
        if (!q.executeStep())
            errs.push_back({"category", "is not a known category code"});
    }
    if (in.resident) {
        auto q_lease = store::prepare(db, "SELECT 1 FROM neighbourhood WHERE code = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, in.resident->neighbourhood);
        if (!q.executeStep())
            errs.push_back({"resident.neighbourhood", "is not a known neighbourhood code"});
    }
    if (in.partner_id) {
        auto q_lease = store::prepare(db, "SELECT 1 FROM partner WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, *in.partner_id);
        if (!q.executeStep())
            errs.push_back({"partner_id", "is not a known partner"});
    }
    if (!errs.empty())
        throw validation_error(std::move(errs));

    auto prog_lease = store::prepare(db, "SELECT consent_version FROM programme WHERE id = 1");
    SQLite::Statement& prog = *prog_lease;
    prog.executeStep();
    const std::string consent_version = prog.getColumn(0).getString();

    std::string resident_id;
    if (in.resident_id) {
        auto r = load_resident(db, *in.resident_id);
        if (r.erased_at)
            throw conflict("This resident's data has been erased; record them again as a new resident.");
        resident_id = r.id;
    } else {
        resident_id = record_resident(db, *in.resident, in.channel, consent_version, now, who);
    }

    created_request out;
    out.id = new_id("req");
    out.resident_id = resident_id;
    out.tracking_code = new_tracking_code();
    const auto canonical = normalize_tracking_code(out.tracking_code);
    auto q_lease = store::prepare(
        db,
        "INSERT INTO request(id, resident_id, category, details, urgency, window_from, window_until, "
        "recurrence, channel, partner_id, status, tracking_hash, created_by, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,'new',?,?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, out.id);
    q.bind(2, resident_id);
    q.bind(3, in.category);
    q.bind(4, in.details);
    q.bind(5, in.urgency);
    q.bind(6, static_cast<std::int64_t>(in.window_from));
    q.bind(7, static_cast<std::int64_t>(in.window_until));
    q.bind(8, in.recurrence);
    q.bind(9, in.channel);
    bind_opt(q, 10, in.partner_id);
    q.bind(11, tracking_hash(*canonical));
    q.bind(12, who.id);
    q.bind(13, static_cast<std::int64_t>(now));
    q.bind(14, static_cast<std::int64_t>(now));
    q.exec();
    keep_secret(db, "tracking_code", out.id, out.tracking_code);  // for the planner, in memory only

    auto nb_lease = store::prepare(db, "SELECT neighbourhood FROM resident WHERE id = ?");
    SQLite::Statement& nb = *nb_lease;
    nb.bind(1, resident_id);
    nb.executeStep();
    append_event(db, now, who,
                 {"request",
                  out.id,
                  "created",
                  std::nullopt,
                  "new",
                  std::nullopt,
                  {{"resident_id", resident_id},
                   {"category", in.category},
                   {"channel", in.channel},
                   {"urgency", in.urgency},
                   {"recurrence", in.recurrence},
                   {"neighbourhood", nb.getColumn(0).getString()}}});
    return out;
}

resident_record load_resident(SQLite::Database& db, const std::string& id) {
    auto q_lease =
        store::prepare(db, std::string("SELECT ") + resident_columns + " FROM resident WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    if (!q.executeStep())
        throw not_found("No such resident.");
    return read_resident(q);
}

request_record load_request(SQLite::Database& db, const std::string& id) {
    auto q_lease =
        store::prepare(db, std::string("SELECT ") + request_columns +
                               " FROM request r JOIN resident p ON p.id = r.resident_id WHERE r.id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    if (!q.executeStep())
        throw not_found("No such request.");
    return read_request(q);
}

std::vector<request_record> list_requests(SQLite::Database& db, const request_filter& f, page_info& page) {
    const char* rank_sql = "(CASE r.urgency WHEN 'today' THEN 0 WHEN '48h' THEN 1 ELSE 2 END)";
    std::string sql = std::string("SELECT ") + request_columns + ", " + rank_sql +
                      " AS rank FROM request r JOIN resident p ON p.id = r.resident_id WHERE 1=1";
    std::optional<queue_key> after;
    if (f.cursor) {
        after = parse_cursor(*f.cursor);
        if (!after)
            throw bad_request("The query parameter cursor is not a cursor returned by this list.");
        sql += std::string(" AND (-r.redispatch, ") + rank_sql + ", r.created_at, r.seq) > (?, ?, ?, ?)";
    }
    if (f.status)
        sql += " AND r.status = ?";
    if (f.category)
        sql += " AND r.category = ?";
    if (f.neighbourhood)
        sql += " AND p.neighbourhood = ?";
    if (f.urgency)
        sql += " AND r.urgency = ?";
    if (f.channel)
        sql += " AND r.channel = ?";
    if (f.redispatch)
        sql += " AND r.redispatch = ?";
    if (f.stage)
        sql += std::string(" AND ") + queue_stage_sql() + " = ?";
    sql += std::string(" ORDER BY -r.redispatch, ") + rank_sql + ", r.created_at, r.seq LIMIT ?";
    auto q_lease = store::prepare(db, sql);
    SQLite::Statement& q = *q_lease;
    int i = 1;
    if (after) {
        q.bind(i++, -after->redispatch);
        q.bind(i++, after->rank);
        q.bind(i++, static_cast<std::int64_t>(after->created_at));
        q.bind(i++, static_cast<std::int64_t>(after->seq));
    }
    for (const auto* v : {&f.status, &f.category, &f.neighbourhood, &f.urgency, &f.channel})
        if (*v)
            q.bind(i++, **v);
    if (f.redispatch)
        q.bind(i++, *f.redispatch ? 1 : 0);
    if (f.stage)
        q.bind(i++, *f.stage);
    q.bind(i++, f.limit + 1);
    std::vector<request_record> out;
    while (q.executeStep()) {
        if (static_cast<int>(out.size()) == f.limit) {
            const auto& last = out.back();
            page.next_cursor = std::to_string(last.redispatch ? 1 : 0) + "." +
                               std::to_string(urgency_rank(last.urgency)) + "." +
                               std::to_string(last.created_at) + "." + std::to_string(last.seq);
            break;
        }
        out.push_back(read_request(q));
    }
    return out;
}

std::vector<resident_record> find_residents(SQLite::Database& db, const std::optional<std::string>& phone,
                                            std::int64_t after_seq, int limit, page_info& page) {
    std::string sql =
        std::string("SELECT ") + resident_columns + " FROM resident WHERE seq > ? AND erased_at IS NULL";
    if (phone)
        sql += " AND phone = ?";
    sql += " ORDER BY seq LIMIT ?";
    auto q_lease = store::prepare(db, sql);
    SQLite::Statement& q = *q_lease;
    int i = 1;
    q.bind(i++, static_cast<std::int64_t>(after_seq));
    if (phone)
        q.bind(i++, *phone);
    q.bind(i++, limit + 1);
    return read_seq_page(q, limit, page, read_resident);
}

void patch_resident(SQLite::Database& db, const std::string& id, const resident_patch& p, std::int64_t now,
                    const actor& who) {
    auto current = load_resident(db, id);
    if (current.erased_at)
        throw conflict("This resident's data has been erased.");
    if (p.neighbourhood)
        check_code(db, "neighbourhood", *p.neighbourhood, "neighbourhood");
    std::vector<std::string> changed;
    auto set = [&](const char* col, auto&& bind_value) {
        auto q_lease = store::prepare(db, std::string("UPDATE resident SET ") + col + " = ? WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        bind_value(q);
        q.bind(2, id);
        q.exec();
        changed.emplace_back(col);
    };
    auto set_text = [&](const char* col, const std::optional<std::string>& v) {
        if (v)
            set(col, [&](SQLite::Statement& q) { q.bind(1, *v); });
    };
    set_text("first_name", p.first_name);
    set_text("last_name", p.last_name);
    set_text("phone", p.phone);
    set_text("address", p.address);
    set_text("neighbourhood", p.neighbourhood);
    set_text("preferred_contact", p.preferred_contact);
    if (p.email)
        set("email", [&](SQLite::Statement& q) { bind_opt(q, 1, *p.email); });
    if (p.languages)
        set_text("languages", strings_to_json(*p.languages));
    if (p.needs) {
        auto q_lease =
            store::prepare(db,
                           "UPDATE resident SET isolated = ?, reduced_mobility = ?, visually_impaired = ?, "
                           "not_french_speaking = ? WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, p.needs->isolated);
        q.bind(2, p.needs->reduced_mobility);
        q.bind(3, p.needs->visually_impaired);
        q.bind(4, p.needs->not_french_speaking);
        q.bind(5, id);
        q.exec();
        changed.emplace_back("needs");
    }
    if (p.location) {
        auto q_lease = store::prepare(db, "UPDATE resident SET lat = ?, lon = ? WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        if (*p.location) {
            q.bind(1, (*p.location)->lat);
            q.bind(2, (*p.location)->lon);
        }
        q.bind(3, id);
        q.exec();
        changed.emplace_back("location");
    }
    auto t_lease = store::prepare(db, "UPDATE resident SET updated_at = ? WHERE id = ?");
    SQLite::Statement& t = *t_lease;
    t.bind(1, static_cast<std::int64_t>(now));
    t.bind(2, id);
    t.exec();
    append_event(db, now, who,
                 {"resident",
                  id,
                  "updated",
                  std::nullopt,
                  std::nullopt,
                  std::nullopt,
                  {{"fields", json::value_from(changed)}}});
}

void close_request(SQLite::Database& db, const std::string& id, const std::string& outcome,
                   const std::optional<std::string>& reason, std::int64_t now, const actor& who) {
    auto r = load_request(db, id);
    if (r.status == "closed")
        throw conflict("The request is closed (" + r.outcome.value_or("") + "); it cannot be closed again.");
    cancel_live_missions(db, id, outcome == "cancelled" ? "resident_cancelled" : "request_closed", now, who);
    end_supports_of_request(db, id, "request_closed", now, who);
    auto q_lease =
        store::prepare(db,
                       "UPDATE request SET status = 'closed', outcome = ?, close_reason = ?, closed_at = ?, "
                       "redispatch = 0, updated_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, outcome);
    bind_opt(q, 2, reason);
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, static_cast<std::int64_t>(now));
    q.bind(5, id);
    q.exec();
    append_event(db, now, who,
                 {"request",
                  id,
                  "closed",
                  r.status,
                  "closed",
                  outcome,
                  {{"outcome", outcome}, {"category", r.category}}});
}

track_view track_request(SQLite::Database& db, const std::string& code_hash, std::int64_t now) {
    auto q_lease = store::prepare(db, "SELECT id, status, outcome FROM request WHERE tracking_hash = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, code_hash);
    if (!q.executeStep())
        throw not_found("No request has this tracking code. Check the code, or call the coordination.");
    track_view v;
    const std::string id = q.getColumn(0).getString();
    v.status = q.getColumn(1).getString();
    if (!q.getColumn(2).isNull())
        v.outcome = q.getColumn(2).getString();
    finish_track_view(db, id, now, v);
    return v;
}

track_view cancel_by_tracking(SQLite::Database& db, const std::string& code_hash, std::int64_t now) {
    auto q_lease = store::prepare(db, "SELECT id FROM request WHERE tracking_hash = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, code_hash);
    if (!q.executeStep())
        throw not_found("No request has this tracking code. Check the code, or call the coordination.");
    close_request(db, q.getColumn(0).getString(), "cancelled", std::string("resident_cancelled"), now,
                  resident_actor());
    return track_request(db, code_hash, now);
}

void flag_redispatch(SQLite::Database& db, const std::string& request_id, std::int64_t now) {
    auto q_lease = store::prepare(
        db,
        "UPDATE request SET redispatch = 1, redispatch_count = redispatch_count + 1, updated_at = ? "
        "WHERE id = ? AND status <> 'closed'");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, request_id);
    q.exec();
}

}  // namespace relais::domain
