#include "domain/missions.hpp"
#include "domain/trainings.hpp"
#include "store/statement_cache.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/requests.hpp"
#include "domain/rows.hpp"
#include "domain/supports.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::domain {

namespace json = boost::json;

const std::vector<std::string> decline_reasons{"not_available", "too_far", "not_comfortable", "other"};
const std::vector<std::string> drop_reasons{"no_longer_available", "health", "emergency", "other"};
const std::vector<std::string> cancel_reasons{"resident_cancelled", "coordinator", "volunteer_unavailable",
                                              "other"};
const std::vector<std::string> report_outcomes{"good", "difficult", "incomplete"};

namespace {

constexpr std::int64_t week = 7 * 86400;
/// How late a mission already done may be recorded (imports, replays of a season). A coordinator's
/// proposal through the API is never in the past (api/mission_routes.cpp).
constexpr std::int64_t retroactive_limit = 7 * 86400;

// A mission's statuses are looked up one SELECT each (UNION ALL, or a sum of counts) rather than with
// `status IN (...)`: an IN list that drives an index makes SQLite build a temporary b-tree on every run,
// which cost more than the lookups themselves (a fifth of `relais seed`'s instructions went to those
// b-trees).
constexpr const char* mission_columns =
    "m.seq, m.id, m.request_id, m.support_id, m.volunteer_id, m.starts_at, m.ends_at, m.status, m.reason, "
    "m.note, "
    "m.report_duration_minutes, m.report_outcome, m.welfare_concern, m.welfare_note, m.welfare_ack_at, "
    "m.proposed_at, m.expires_at, m.answered_at, m.ended_at, m.updated_at, r.category, p.neighbourhood, "
    "r.details, "
    "r.recurrence, r.resident_id, r.urgency, c.home_visit, m.welfare_ack_note, r.channel";

constexpr const char* mission_from =
    " FROM mission m JOIN request r ON r.id = m.request_id JOIN resident p ON p.id = r.resident_id "
    "JOIN category c ON c.code = r.category";

mission_record read_mission(SQLite::Statement& q) {
    mission_record m;
    auto opt_text = [&](int i) { return column_text(q, i); };
    auto opt_int = [&](int i) { return column_int(q, i); };
    m.id = q.getColumn(1).getString();
    m.request_id = q.getColumn(2).getString();
    m.support_id = opt_text(3);
    m.volunteer_id = q.getColumn(4).getString();
    m.starts_at = q.getColumn(5).getInt64();
    m.ends_at = q.getColumn(6).getInt64();
    m.status = q.getColumn(7).getString();
    m.reason = opt_text(8);
    m.note = opt_text(9);
    if (m.status == "done") {
        mission_report r;
        r.duration_minutes = q.getColumn(10).getInt();
        r.outcome = q.getColumn(11).getString();
        r.welfare_concern = q.getColumn(12).getInt() != 0;
        r.note = opt_text(13);
        m.report = r;
    }
    m.welfare_ack_at = opt_int(14);
    m.proposed_at = q.getColumn(15).getInt64();
    m.expires_at = opt_int(16);
    m.answered_at = opt_int(17);
    m.ended_at = opt_int(18);
    m.updated_at = q.getColumn(19).getInt64();
    m.category = q.getColumn(20).getString();
    m.neighbourhood = q.getColumn(21).getString();
    m.details = q.getColumn(22).getString();
    m.recurrence = q.getColumn(23).getString();
    m.resident_id = q.getColumn(24).getString();
    m.urgency = q.getColumn(25).getString();
    m.home_visit = q.getColumn(26).getInt() != 0;
    m.welfare_ack_note = opt_text(27);
    m.outreach = q.getColumn(28).getString() == "outreach";
    return m;
}

json::object mission_data(const mission_record& m) {
    return {{"request_id", m.request_id},
            {"volunteer_id", m.volunteer_id},
            {"category", m.category},
            {"neighbourhood", m.neighbourhood}};
}

/// The SELECT of one mission by id (built once: the statement cache is keyed by its text).
const std::string& mission_by_id_sql() {
    static const std::string sql =
        std::string("SELECT ") + mission_columns + mission_from + " WHERE m.id = ?";
    return sql;
}

/// Moves mission `m` (as just loaded, in this transaction) from its current status to `to`, checking the
/// transition; records the event. One UPDATE writes the status with what goes with it: the time of the
/// answer when a proposal is answered, the report when `report` is given (a mission done).
mission_record transition(SQLite::Database& db, mission_record m, const std::string& to,
                          const std::optional<std::string>& reason, const std::optional<std::string>& note,
                          std::int64_t now, const actor& who, const char* verb,
                          const mission_report* report = nullptr) {
    if (!mission_transition_allowed(m.status, to))
        throw conflict("The mission is " + m.status + "; it cannot be " + verb + ".");
    constexpr const char* set_status =
        "UPDATE mission SET status = ?1, reason = COALESCE(?2, reason), note = COALESCE(?3, note), "
        "updated_at = ?4";
    static const std::string plain = std::string(set_status) + " WHERE id = ?5";
    static const std::string answered = std::string(set_status) + ", answered_at = ?4 WHERE id = ?5";
    static const std::string reported =
        std::string(set_status) +
        ", report_duration_minutes = ?6, report_outcome = ?7, "
        "welfare_concern = ?8, welfare_note = ?9, ended_at = ?4 WHERE id = ?5";
    const bool answers = m.status == "proposed";
    auto q_lease = store::prepare(db, report ? reported : answers ? answered : plain);
    SQLite::Statement& q = *q_lease;
    q.bind(1, to);
    if (reason)
        q.bind(2, *reason);
    if (note)
        q.bind(3, *note);
    q.bind(4, static_cast<std::int64_t>(now));
    q.bind(5, m.id);
    if (report) {
        q.bind(6, report->duration_minutes);
        q.bind(7, report->outcome);
        q.bind(8, report->welfare_concern ? 1 : 0);
        if (report->note)
            q.bind(9, *report->note);
    }
    q.exec();
    append_event(db, now, who, {"mission", m.id, to, m.status, to, reason, mission_data(m)});
    m.status = to;
    return m;
}

/// The same, for mission `id` read here.
mission_record transition(SQLite::Database& db, const std::string& id, const std::string& to,
                          const std::optional<std::string>& reason, const std::optional<std::string>& note,
                          std::int64_t now, const actor& who, const char* verb) {
    return transition(db, load_mission(db, id), to, reason, note, now, who, verb);
}

/// A savepoint, its release and its rollback through statements prepared once (the statement cache) rather
/// than compiled on every use.
void run(SQLite::Database& db, const char* sql) {
    store::prepare(db, sql)->exec();
}

void set_request_status(SQLite::Database& db, const request_record& r, const std::string& to,
                        std::int64_t now, const actor& who, const char* action) {
    auto q_lease = store::prepare(db, "UPDATE request SET status = ?, updated_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, to);
    q.bind(2, static_cast<std::int64_t>(now));
    q.bind(3, r.id);
    q.exec();
    append_event(db, now, who,
                 {"request", r.id, action, r.status, to, std::nullopt, {{"category", r.category}}});
}

/// After a decline, drop, expiry or miss: the request goes back to the top of the queue, flagged.
void back_to_queue(SQLite::Database& db, const mission_record& m, std::int64_t now, const actor& who,
                   bool end_one_off_support) {
    flag_redispatch(db, m.request_id, now);
    auto r = load_request(db, m.request_id);
    if (r.status == "closed")
        return;
    append_event(db, now, who,
                 {"request",
                  r.id,
                  "redispatch_flagged",
                  r.status,
                  r.status,
                  m.status,
                  {{"mission_id", m.id}, {"category", r.category}}});
    if (end_one_off_support && r.recurrence == "once") {
        if (auto s = active_support(db, r.id)) {
            end_support(db, *s, m.status, now, who);
            set_request_status(db, r, "new", now, who, "reopened");
        }
    }
}

/// True if the request has a proposed or accepted mission starting after `after`.
bool has_later_mission(SQLite::Database& db, const std::string& request_id, std::int64_t after) {
    auto q_lease = store::prepare(db,
                                  "SELECT 1 FROM mission WHERE request_id = ?1 AND status = 'proposed' "
                                  "AND starts_at > ?2 UNION ALL "
                                  "SELECT 1 FROM mission WHERE request_id = ?1 AND status = 'accepted' "
                                  "AND starts_at > ?2 LIMIT 1");
    SQLite::Statement& q = *q_lease;
    q.bind(1, request_id);
    q.bind(2, static_cast<std::int64_t>(after));
    return q.executeStep();
}

void require_slot_free(SQLite::Database& db, const std::string& volunteer_id, std::int64_t starts,
                       std::int64_t ends, const std::string& except_id) {
    auto q_lease = store::prepare(db,
                                  "SELECT 1 FROM mission WHERE volunteer_id = ?1 AND status = 'proposed' "
                                  "AND starts_at < ?2 AND ends_at > ?3 AND id <> ?4 UNION ALL "
                                  "SELECT 1 FROM mission WHERE volunteer_id = ?1 AND status = 'accepted' "
                                  "AND starts_at < ?2 AND ends_at > ?3 AND id <> ?4 LIMIT 1");
    SQLite::Statement& q = *q_lease;
    q.bind(1, volunteer_id);
    q.bind(2, static_cast<std::int64_t>(ends));
    q.bind(3, static_cast<std::int64_t>(starts));
    q.bind(4, except_id);
    if (q.executeStep())
        throw conflict(
            "The volunteer already has a proposed or accepted mission overlapping this time slot.");
}

/// The slot of a mission to propose: checked before anything is read.
void check_mission_times(std::int64_t starts_at, std::int64_t ends_at, std::int64_t now) {
    if (ends_at <= starts_at)
        throw validation_error({{"ends_at", "must be after starts_at"}});
    if (ends_at - starts_at > 12 * 3600)
        throw validation_error({{"ends_at", "a mission lasts at most 12 hours"}});
    if (starts_at < now - retroactive_limit)
        throw validation_error({{"starts_at", "must not be more than 7 days in the past"}});
}

/// propose_mission once the slot is checked and the request `r` read (in this transaction); `known_support`,
/// when given, is the request's active support as read in this transaction since its last change (else it
/// is read here). Every rule is checked, in the same order.
std::string propose_to(SQLite::Database& db, const request_record& r,
                       const std::optional<support_record>* known_support, const std::string& volunteer_id,
                       std::int64_t starts_at, std::int64_t ends_at, std::int64_t now, const actor& who) {
    const std::string& request_id = r.id;
    if (r.status == "closed")
        throw conflict("The request is closed (" + r.outcome.value_or("") + "); no mission can be proposed.");
    std::string v_status;
    int v_max_per_week = 0;
    {
        // Of the volunteer, only what the rules need (load_volunteer also decodes their profile).
        auto q_lease = store::prepare(db, "SELECT status, max_missions_per_week FROM volunteer WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, volunteer_id);
        if (!q.executeStep())
            throw not_found("No such volunteer.");
        v_status = q.getColumn(0).getString();
        v_max_per_week = q.getColumn(1).getInt();
    }
    if (v_status != "active")
        throw conflict("The volunteer is " + v_status + "; only active volunteers can be proposed missions.");
    {
        auto q_lease = store::prepare(
            db,
            "SELECT status FROM mission WHERE request_id = ?1 AND status = 'declined' AND volunteer_id = ?2 "
            "UNION ALL SELECT status FROM mission WHERE request_id = ?1 AND status = 'dropped' AND "
            "volunteer_id = ?2 UNION ALL SELECT status FROM mission WHERE request_id = ?1 AND status = "
            "'expired' AND volunteer_id = ?2 LIMIT 1");
        SQLite::Statement& q = *q_lease;
        q.bind(1, request_id);
        q.bind(2, volunteer_id);
        if (q.executeStep())
            throw conflict("This volunteer has already " + q.getColumn(0).getString() +
                           " a mission for this request; they are not asked again.");
    }
    const std::optional<support_record> support =
        known_support ? *known_support : active_support(db, request_id);
    if (support && support->volunteer_id != volunteer_id && support->standin_volunteer_id != volunteer_id)
        throw conflict("This request has a support in place; propose its volunteer or its stand-in.");
    // The support's own volunteer carries on whatever the rules became since; anyone else needs the training
    // the kind of help requires.
    if (!support)
        check_trained(db, volunteer_id, r.category);
    {
        auto q_lease = store::prepare(db,
                                      "SELECT 1 FROM mission WHERE request_id = ?1 AND status = 'proposed' "
                                      "AND (?2 = 'once' OR (starts_at < ?3 AND ends_at > ?4)) UNION ALL "
                                      "SELECT 1 FROM mission WHERE request_id = ?1 AND status = 'accepted' "
                                      "AND (?2 = 'once' OR (starts_at < ?3 AND ends_at > ?4)) LIMIT 1");
        SQLite::Statement& q = *q_lease;
        q.bind(1, request_id);
        q.bind(2, r.recurrence);
        q.bind(3, static_cast<std::int64_t>(ends_at));
        q.bind(4, static_cast<std::int64_t>(starts_at));
        if (q.executeStep())
            throw conflict("This request already has a proposed or accepted mission for this time.");
    }
    require_slot_free(db, volunteer_id, starts_at, ends_at, "");
    {
        // Weeks run Monday to Sunday (UTC).
        const std::int64_t days = starts_at >= 0 ? starts_at / 86400 : (starts_at - 86399) / 86400;
        const std::int64_t monday = (days - ((days + 3) % 7 + 7) % 7) * 86400;
        auto q_lease = store::prepare(
            db,
            "SELECT (SELECT COUNT(*) FROM mission WHERE volunteer_id = ?1 AND status = 'proposed' AND "
            "starts_at >= ?2 AND starts_at < ?3) + (SELECT COUNT(*) FROM mission WHERE volunteer_id = ?1 AND "
            "status = 'accepted' AND starts_at >= ?2 AND starts_at < ?3) + (SELECT COUNT(*) FROM mission "
            "WHERE volunteer_id = ?1 AND status = 'done' AND starts_at >= ?2 AND starts_at < ?3)");
        SQLite::Statement& q = *q_lease;
        q.bind(1, volunteer_id);
        q.bind(2, static_cast<std::int64_t>(monday));
        q.bind(3, static_cast<std::int64_t>(monday + week));
        q.executeStep();
        if (q.getColumn(0).getInt() >= v_max_per_week)
            throw conflict("The volunteer has reached their maximum of " + std::to_string(v_max_per_week) +
                           " missions that week.");
    }
    auto ttl_lease = store::prepare(db, "SELECT proposal_ttl_minutes FROM programme WHERE id = 1");
    SQLite::Statement& ttl = *ttl_lease;
    ttl.executeStep();
    // The volunteer answers before the mission starts at the latest: a proposal for within the hour gets
    // until then, not the programme's whole time to live. (A slot already begun is a record of the past,
    // see retroactive_limit: it keeps the whole time to live.)
    const std::int64_t ttl_end = now + static_cast<std::int64_t>(ttl.getColumn(0).getInt()) * 60;
    const std::int64_t expires = starts_at > now ? std::min(ttl_end, starts_at) : ttl_end;

    const std::string id = new_id("mis");
    auto q_lease = store::prepare(
        db,
        "INSERT INTO mission(id, request_id, support_id, volunteer_id, starts_at, ends_at, status, "
        "proposed_by, proposed_at, expires_at, updated_at) VALUES (?,?,?,?,?,?,'proposed',?,?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    q.bind(2, request_id);
    if (support)
        q.bind(3, support->id);
    q.bind(4, volunteer_id);
    q.bind(5, static_cast<std::int64_t>(starts_at));
    q.bind(6, static_cast<std::int64_t>(ends_at));
    q.bind(7, who.id);
    q.bind(8, static_cast<std::int64_t>(now));
    q.bind(9, static_cast<std::int64_t>(expires));
    q.bind(10, static_cast<std::int64_t>(now));
    q.exec();
    // The re-dispatch flag is cleared when set (`r` is as read in this transaction): an UPDATE naming the
    // column rewrites the queue's index entry even when its value stays.
    auto u_lease = store::prepare(
        db, r.redispatch
                ? "UPDATE request SET first_proposed_at = COALESCE(first_proposed_at, ?), redispatch = 0, "
                  "no_candidate_at = NULL, updated_at = ? WHERE id = ?"
                : "UPDATE request SET first_proposed_at = COALESCE(first_proposed_at, ?), "
                  "no_candidate_at = NULL, updated_at = ? WHERE id = ?");
    SQLite::Statement& u = *u_lease;
    u.bind(1, static_cast<std::int64_t>(now));
    u.bind(2, static_cast<std::int64_t>(now));
    u.bind(3, request_id);
    u.exec();
    append_event(db, now, who,
                 {"mission",
                  id,
                  "proposed",
                  std::nullopt,
                  "proposed",
                  std::nullopt,
                  {{"request_id", request_id},
                   {"volunteer_id", volunteer_id},
                   {"category", r.category},
                   {"neighbourhood", r.neighbourhood},
                   {"starts_at", starts_at}}});
    return id;
}

/// A weekly support continues with the same volunteer after one of its visits is done or cancelled: the
/// following week's mission is proposed to them (unless a later one is already planned). If it cannot be
/// (their week is full, they are paused...), the coordinator sees the request flagged, and the log says
/// so: a re-dispatch the statistics count like any other.
void continue_weekly(SQLite::Database& db, const request_record& r, const mission_record& m,
                     std::int64_t now) {
    if (r.recurrence != "weekly" || r.status == "closed")
        return;
    auto s = active_support(db, r.id);
    if (!s || has_later_mission(db, r.id, m.starts_at))
        return;
    run(db, "SAVEPOINT next_week");
    try {
        // The request and its support as just read: nothing wrote them since.
        // The same time the following week, or the first such week still ahead (a visit reported late).
        std::int64_t shift = week;
        while (m.starts_at + shift < now)
            shift += week;
        check_mission_times(m.starts_at + shift, m.ends_at + shift, now);
        propose_to(db, r, &s, s->volunteer_id, m.starts_at + shift, m.ends_at + shift, now, system_actor());
    } catch (const error&) {
        run(db, "ROLLBACK TO next_week");
        flag_redispatch(db, r.id, now);
        append_event(db, now, system_actor(),
                     {"request",
                      r.id,
                      "redispatch_flagged",
                      r.status,
                      r.status,
                      std::string("no_candidate"),
                      {{"category", r.category}}});
    }
    run(db, "RELEASE next_week");
}

}  // namespace

bool mission_transition_allowed(std::string_view from, std::string_view to) {
    if (from == "proposed")
        return to == "accepted" || to == "declined" || to == "cancelled" || to == "expired";
    if (from == "accepted")
        return to == "done" || to == "missed" || to == "cancelled" || to == "dropped";
    return false;
}

mission_record load_mission(SQLite::Database& db, const std::string& id) {
    auto q_lease = store::prepare(db, mission_by_id_sql());
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    if (!q.executeStep())
        throw not_found("No such mission.");
    return read_mission(q);
}

std::vector<mission_record> list_missions(SQLite::Database& db, const mission_filter& f, page_info& page) {
    std::string sql = std::string("SELECT ") + mission_columns + mission_from + " WHERE m.seq > :after";
    if (f.status)
        sql += " AND m.status = :status";
    if (f.volunteer_id)
        sql += " AND m.volunteer_id = :vol";
    if (f.request_id)
        sql += " AND m.request_id = :req";
    if (f.welfare_open)
        sql += " AND m.welfare_concern = 1 AND m.welfare_ack_at IS NULL";
    if (f.from)
        sql += " AND m.starts_at >= :from";
    if (f.until)
        sql += " AND m.starts_at < :until";
    sql += " ORDER BY m.seq LIMIT :limit";
    auto q_lease = store::prepare(db, sql);
    SQLite::Statement& q = *q_lease;
    q.bind(":after", static_cast<std::int64_t>(f.after_seq));
    if (f.status)
        q.bind(":status", *f.status);
    if (f.volunteer_id)
        q.bind(":vol", *f.volunteer_id);
    if (f.request_id)
        q.bind(":req", *f.request_id);
    if (f.from)
        q.bind(":from", static_cast<std::int64_t>(*f.from));
    if (f.until)
        q.bind(":until", static_cast<std::int64_t>(*f.until));
    q.bind(":limit", f.limit + 1);
    return read_seq_page(q, f.limit, page, read_mission);
}

std::string propose_mission(SQLite::Database& db, const std::string& request_id,
                            const std::string& volunteer_id, std::int64_t starts_at, std::int64_t ends_at,
                            std::int64_t now, const actor& who) {
    check_mission_times(starts_at, ends_at, now);
    return propose_to(db, load_request(db, request_id), nullptr, volunteer_id, starts_at, ends_at, now, who);
}

void accept_mission(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who) {
    auto before = load_mission(db, id);
    if (before.status == "proposed" && before.expires_at && now > *before.expires_at)
        throw conflict("The proposal has expired; it cannot be accepted.");
    // The request's support, read once: accepting writes only the mission (and the log) before using it.
    std::optional<support_record> support;
    if (before.status == "proposed") {
        // Proposed before a support was in place (a weekly need offered to two volunteers): only the
        // support's volunteer or stand-in may take it now.
        support = active_support(db, before.request_id);
        const auto& s = support;
        if (s && s->volunteer_id != before.volunteer_id && s->standin_volunteer_id != before.volunteer_id)
            throw conflict(
                "The mission is proposed, but its request now has a support in place with another "
                "volunteer; it cannot be accepted.");
    }
    // (transition refuses any status but proposed, so the support has been read when it is needed below.)
    auto m = transition(db, std::move(before), "accepted", std::nullopt, std::nullopt, now, who, "accepted");
    // Of the request, what accepting uses: its status and first acceptance (its category came with the
    // mission, which read it with its resident).
    request_record r;
    {
        auto q_lease = store::prepare(db, "SELECT status, first_accepted_at FROM request WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, m.request_id);
        if (!q.executeStep())
            throw not_found("No such request.");
        r.id = m.request_id;
        r.category = m.category;
        r.status = q.getColumn(0).getString();
        r.first_accepted_at = column_int(q, 1);
    }
    if (r.status == "closed")
        throw conflict("The request is closed; the mission cannot be accepted.");
    if (!m.support_id) {
        std::string support_id =
            support ? support->id : create_support(db, m.request_id, m.volunteer_id, now, who);
        auto q_lease = store::prepare(db, "UPDATE mission SET support_id = ? WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, support_id);
        q.bind(2, id);
        q.exec();
    }
    if (!r.first_accepted_at) {  // the first acceptance only: a later one would leave it as it is
        auto q_lease = store::prepare(
            db, "UPDATE request SET first_accepted_at = COALESCE(first_accepted_at, ?) WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, static_cast<std::int64_t>(now));
        q.bind(2, r.id);
        q.exec();
    }
    if (r.status == "new")
        set_request_status(db, r, "matched", now, who, "matched");
}

void decline_mission(SQLite::Database& db, const std::string& id, const std::string& reason,
                     const std::optional<std::string>& note, std::int64_t now, const actor& who) {
    auto m = transition(db, id, "declined", reason, note, now, who, "declined");
    back_to_queue(db, m, now, who, false);
}

void complete_mission(SQLite::Database& db, const std::string& id, const mission_report& report,
                      std::int64_t now, const actor& who) {
    auto before = load_mission(db, id);
    if (before.status == "accepted" && now < before.starts_at)
        throw conflict("The mission has not started yet; it can be completed once it has taken place.");
    // The status and the report in one write.
    auto m =
        transition(db, std::move(before), "done", std::nullopt, std::nullopt, now, who, "completed", &report);
    if (report.welfare_concern)
        append_event(db, now, who,
                     {"mission", id, "welfare_concern", "done", "done", std::nullopt, mission_data(m)});
    auto r = load_request(db, m.request_id);
    if (!r.first_done_at) {  // the first visit done only: a later one would leave it as it is
        auto f_lease =
            store::prepare(db, "UPDATE request SET first_done_at = COALESCE(first_done_at, ?) WHERE id = ?");
        SQLite::Statement& f = *f_lease;
        f.bind(1, static_cast<std::int64_t>(now));
        f.bind(2, m.request_id);
        f.exec();
        r.first_done_at = now;
    }
    if (r.recurrence == "once") {
        if (auto s = active_support(db, r.id))
            end_support(db, *s, "fulfilled", now, who);
        auto c_lease = store::prepare(
            db,
            "UPDATE request SET status = 'closed', outcome = 'fulfilled', closed_at = ?, redispatch = 0, "
            "updated_at = ? WHERE id = ?");
        SQLite::Statement& c = *c_lease;
        c.bind(1, static_cast<std::int64_t>(now));
        c.bind(2, static_cast<std::int64_t>(now));
        c.bind(3, r.id);
        c.exec();
        append_event(db, now, who,
                     {"request",
                      r.id,
                      "closed",
                      r.status,
                      "closed",
                      "fulfilled",
                      {{"outcome", "fulfilled"}, {"category", r.category}}});
    } else {
        continue_weekly(db, r, m, now);
    }
}

void drop_mission(SQLite::Database& db, const std::string& id, const std::string& reason,
                  const std::optional<std::string>& note, std::int64_t now, const actor& who) {
    auto m = transition(db, id, "dropped", reason, note, now, who, "dropped");
    back_to_queue(db, m, now, who, true);
}

void cancel_mission(SQLite::Database& db, const std::string& id, const std::string& reason,
                    const std::optional<std::string>& note, std::int64_t now, const actor& who) {
    auto m = transition(db, id, "cancelled", reason, note, now, who, "cancelled");
    if (reason == "volunteer_unavailable") {
        // The volunteer cannot come (they phoned): the visit is still wanted, so it goes back to the queue
        // for someone else, this week; the support itself goes on.
        back_to_queue(db, m, now, who, false);
        return;
    }
    // One visit of a weekly support called off (the resident is away that week...): the support goes on.
    continue_weekly(db, load_request(db, m.request_id), m, now);
}

void mark_missed(SQLite::Database& db, const std::string& id, const std::optional<std::string>& reason,
                 std::int64_t now, const actor& who) {
    // The coordinator's words are free text: kept on the mission as its note, never in the event log.
    auto m = transition(db, id, "missed", std::nullopt, reason, now, who, "marked missed");
    back_to_queue(db, m, now, who, false);
}

void acknowledge_welfare(SQLite::Database& db, const std::string& id, const std::optional<std::string>& note,
                         std::int64_t now, const actor& who) {
    auto m = load_mission(db, id);
    if (!m.report || !m.report->welfare_concern)
        throw conflict("This mission's report raised no welfare concern.");
    if (m.welfare_ack_at)
        throw conflict("This welfare concern has already been acknowledged.");
    auto q_lease =
        store::prepare(db,
                       "UPDATE mission SET welfare_ack_at = ?, welfare_ack_by = ?, welfare_ack_note = ? "
                       "WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, who.id);
    if (note)
        q.bind(3, *note);
    q.bind(4, id);
    q.exec();
    append_event(db, now, who,
                 {"mission", id, "welfare_acknowledged", m.status, m.status, std::nullopt, mission_data(m)});
}

int expire_proposals(SQLite::Database& db, std::int64_t now) {
    std::vector<std::string> ids;
    {
        auto q_lease =
            store::prepare(db, "SELECT id FROM mission WHERE status = 'proposed' AND expires_at <= ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, static_cast<std::int64_t>(now));
        while (q.executeStep())
            ids.push_back(q.getColumn(0).getString());
    }
    for (const auto& id : ids) {
        auto m = transition(db, id, "expired", std::string("no_answer"), std::nullopt, now, system_actor(),
                            "expired");
        back_to_queue(db, m, now, system_actor(), false);
    }
    return static_cast<int>(ids.size());
}

void cancel_live_missions(SQLite::Database& db, const std::string& request_id, const std::string& reason,
                          std::int64_t now, const actor& who) {
    std::vector<std::string> ids;
    {
        auto q_lease =
            store::prepare(db,
                           "SELECT id FROM mission WHERE request_id = ?1 AND status = 'accepted' UNION ALL "
                           "SELECT id FROM mission WHERE request_id = ?1 AND status = 'proposed'");
        SQLite::Statement& q = *q_lease;
        q.bind(1, request_id);
        while (q.executeStep())
            ids.push_back(q.getColumn(0).getString());
    }
    for (const auto& id : ids)
        transition(db, id, "cancelled", reason, std::nullopt, now, who, "cancelled");
}

void end_supports_of_request(SQLite::Database& db, const std::string& request_id, const std::string& reason,
                             std::int64_t now, const actor& who) {
    if (auto s = active_support(db, request_id))
        end_support(db, *s, reason, now, who);
}

void release_future_missions(SQLite::Database& db, const std::string& volunteer_id, std::int64_t now,
                             const actor& who) {
    std::vector<std::pair<std::string, std::string>> live_missions;
    {
        auto q_lease = store::prepare(
            db,
            "SELECT id, status FROM mission WHERE volunteer_id = ?1 AND status = 'accepted' AND ends_at > ?2 "
            "UNION ALL SELECT id, status FROM mission WHERE volunteer_id = ?1 AND status = 'proposed' AND "
            "ends_at > ?2");
        SQLite::Statement& q = *q_lease;
        q.bind(1, volunteer_id);
        q.bind(2, static_cast<std::int64_t>(now));
        while (q.executeStep())
            live_missions.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    const std::optional<std::string> why = std::string("volunteer_withdrawn");
    for (const auto& [id, status] : live_missions) {
        auto m = transition(db, id, status == "proposed" ? "cancelled" : "dropped", why, std::nullopt, now,
                            who, "released");
        back_to_queue(db, m, now, who, false);
    }
    // Supports they carried pass to their stand-in, or end (the request returns to the queue).
    std::vector<std::string> supports;
    {
        auto q_lease =
            store::prepare(db, "SELECT id FROM support WHERE volunteer_id = ? AND status = 'active'");
        SQLite::Statement& q = *q_lease;
        q.bind(1, volunteer_id);
        while (q.executeStep())
            supports.push_back(q.getColumn(0).getString());
    }
    for (const auto& sid : supports) {
        auto s = load_support(db, sid);
        if (s.standin_volunteer_id) {
            auto q_lease = store::prepare(
                db, "UPDATE support SET volunteer_id = ?, standin_volunteer_id = NULL WHERE id = ?");
            SQLite::Statement& q = *q_lease;
            q.bind(1, *s.standin_volunteer_id);
            q.bind(2, sid);
            q.exec();
            append_event(db, now, who,
                         {"support",
                          sid,
                          "standin_promoted",
                          "active",
                          "active",
                          why,
                          {{"request_id", s.request_id}, {"volunteer_id", *s.standin_volunteer_id}}});
        } else {
            end_support(db, sid, *why, now, who);
            auto r = load_request(db, s.request_id);
            if (r.status == "matched")
                set_request_status(db, r, "new", now, who, "reopened");
            if (!r.redispatch) {  // already flagged when one of its missions was released just above
                flag_redispatch(db, r.id, now);
                const std::string status = r.status == "matched" ? "new" : r.status;
                append_event(db, now, who,
                             {"request",
                              r.id,
                              "redispatch_flagged",
                              status,
                              status,
                              why,
                              {{"support_id", sid}, {"category", r.category}}});
            }
        }
    }
    auto q_lease =
        store::prepare(db,
                       "UPDATE support SET standin_volunteer_id = NULL WHERE standin_volunteer_id = ? AND "
                       "status = 'active'");
    SQLite::Statement& q = *q_lease;
    q.bind(1, volunteer_id);
    q.exec();
}

}  // namespace relais::domain
