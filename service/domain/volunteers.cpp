#include "domain/volunteers.hpp"
#include "domain/programme.hpp"
#include "store/statement_cache.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/missions.hpp"
#include "domain/rows.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

namespace relais::domain {

namespace json = boost::json;

const char* const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

const std::vector<std::string> withdrawal_reasons{"no_longer_available", "back_to_work", "health", "moved",
                                                  "not_as_expected",     "no_news",      "other"};

std::string availability_to_json(const std::vector<availability_slot>& slots) {
    json::array a;
    for (const auto& s : slots) {
        char start[16], end[16];
        std::snprintf(start, sizeof start, "%02d:%02d", s.start / 60, s.start % 60);
        std::snprintf(end, sizeof end, "%02d:%02d", s.end / 60, s.end % 60);
        a.push_back(json::object{{"day", day_names[s.day]}, {"start", start}, {"end", end}});
    }
    return json::serialize(a);
}

std::vector<availability_slot> availability_from_json(const std::string& text) {
    std::vector<availability_slot> out;
    auto v = json::parse(text);
    for (const auto& e : v.as_array()) {
        const auto& o = e.as_object();
        availability_slot s;
        for (int d = 0; d < 7; ++d)
            if (o.at("day").as_string() == day_names[d])
                s.day = d;
        auto hm = [](std::string_view t) {
            return (t[0] - '0') * 600 + (t[1] - '0') * 60 + (t[3] - '0') * 10 + (t[4] - '0');
        };
        s.start = hm(o.at("start").as_string());
        s.end = hm(o.at("end").as_string());
        out.push_back(s);
    }
    return out;
}

std::string strings_to_json(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
        a.emplace_back(s);
    return json::serialize(a);
}

std::vector<std::string> strings_from_json(const std::string& text) {
    std::vector<std::string> out;
    const auto v = json::parse(text);  // kept alive for the loop (a temporary's array would dangle)
    for (const auto& e : v.as_array())
        out.emplace_back(e.as_string());
    return out;
}

void check_volunteer_codes(SQLite::Database& db, const std::optional<std::string>& neighbourhood,
                           const std::optional<std::vector<std::string>>& skills, const std::string& prefix) {
    std::vector<field_error> errs;
    if (neighbourhood) {
        auto q_lease = store::prepare(db, "SELECT 1 FROM neighbourhood WHERE code = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, *neighbourhood);
        if (!q.executeStep())
            errs.push_back({prefix + "neighbourhood", "is not a known neighbourhood code"});
    }
    if (skills) {
        auto q_lease = store::prepare(db, "SELECT 1 FROM category WHERE code = ? AND active = 1");
        SQLite::Statement& q = *q_lease;
        for (std::size_t i = 0; i < skills->size(); ++i) {
            q.reset();
            q.bind(1, (*skills)[i]);
            if (!q.executeStep())
                errs.push_back(
                    {prefix + "skills[" + std::to_string(i) + "]", "is not a known category code"});
        }
    }
    if (!errs.empty())
        throw validation_error(std::move(errs));
}

namespace {

bool email_taken(SQLite::Database& db, const std::string& email, const std::string& except_id) {
    auto q_lease = store::prepare(
        db,
        "SELECT 1 FROM volunteer WHERE email = ? AND status <> 'withdrawn' AND erased_at IS NULL "
        "AND id <> ? UNION ALL SELECT 1 FROM users WHERE email = ? AND disabled_at IS NULL "
        "AND (volunteer_id IS NULL OR volunteer_id <> ?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, email);
    q.bind(2, except_id);
    q.bind(3, email);
    q.bind(4, except_id);
    return q.executeStep();
}

volunteer_record read_row(SQLite::Statement& q) {
    volunteer_record r;
    r.id = q.getColumn("id").getString();
    r.first_name = q.getColumn("first_name").getString();
    r.last_name = q.getColumn("last_name").getString();
    r.email = q.getColumn("email").getString();
    r.phone = q.getColumn("phone").getString();
    r.neighbourhood = q.getColumn("neighbourhood").getString();
    if (!q.getColumn("lat").isNull())
        r.location = geo{q.getColumn("lat").getDouble(), q.getColumn("lon").getDouble()};
    r.skills = strings_from_json(q.getColumn("skills").getString());
    r.availability = availability_from_json(q.getColumn("availability").getString());
    r.languages = strings_from_json(q.getColumn("languages").getString());
    r.max_missions_per_week = q.getColumn("max_missions_per_week").getInt();
    r.status = q.getColumn("status").getString();
    if (!q.getColumn("withdrawal_reason").isNull())
        r.withdrawal_reason = q.getColumn("withdrawal_reason").getString();
    if (!q.getColumn("withdrawal_note").isNull())
        r.withdrawal_note = q.getColumn("withdrawal_note").getString();
    r.created_at = q.getColumn("created_at").getInt64();
    if (!q.getColumn("validated_at").isNull())
        r.validated_at = q.getColumn("validated_at").getInt64();
    if (!q.getColumn("withdrawn_at").isNull())
        r.withdrawn_at = q.getColumn("withdrawn_at").getInt64();
    if (!q.getColumn("erased_at").isNull())
        r.erased_at = q.getColumn("erased_at").getInt64();
    r.consent_version = q.getColumn("consent_version").getString();
    r.consent_at = q.getColumn("consent_at").getInt64();
    return r;
}

constexpr const char* volunteer_columns =
    "id, first_name, last_name, email, phone, neighbourhood, lat, lon, skills, availability, languages, "
    "max_missions_per_week, status, withdrawal_reason, withdrawal_note, created_at, validated_at, "
    "withdrawn_at, "
    "erased_at, consent_version, consent_at, seq";

void set_status(SQLite::Database& db, const std::string& id, const std::string& from, const std::string& to,
                const std::optional<std::string>& reason, std::int64_t now, const actor& who) {
    auto q_lease = store::prepare(db, "UPDATE volunteer SET status = ?, updated_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, to);
    q.bind(2, static_cast<std::int64_t>(now));
    q.bind(3, id);
    q.exec();
    event_entry e{"volunteer",
                  id,
                  to == "active" && from == "registered" ? "activated"
                  : to == "paused"                       ? "paused"
                  : to == "active"                       ? "resumed"
                                                         : "withdrawn",
                  from,
                  to,
                  reason,
                  {}};
    append_event(db, now, who, e);
}

[[noreturn]] void illegal(const std::string& current, const char* what) {
    throw conflict("The volunteer is " + current + "; they cannot be " + what + ".");
}

}  // namespace

std::string register_volunteer(SQLite::Database& db, const volunteer_input& in,
                               const std::string& password_hash, std::int64_t now, const actor& who) {
    const auto programme = load_programme(db);
    if (!registration_open_at(programme, now)) {
        // Said plainly when the call is only not open yet (the form tells when it opens).
        const bool later = programme.registration_open && programme.registration_opens_at &&
                           now < *programme.registration_opens_at;
        auto closed = conflict(later ? "The call for volunteers is not open yet. Thank you for your interest."
                                     : "Volunteer registration is closed for this programme. Thank you for "
                                       "your interest.");
        closed.type = "/problems/registration-closed";
        throw closed;
    }
    const auto charter = current_charter(db);
    if (charter && in.charter_version != charter->version)
        throw validation_error(
            {{"charter_version",
              std::string(in.charter_version ? "the charter has changed since you read it" : "is required") +
                  ": please read the volunteers' charter (version " + charter->version + ") and accept it"}});
    auto id = enrol_volunteer(db, in, password_hash, now, who);
    if (charter)
        accept_charter(db, id, *in.charter_version, now, who, "charter_version");
    return id;
}

bool email_in_use(SQLite::Database& db, const std::string& email) {
    return email_taken(db, email, "");
}

std::string enrol_volunteer(SQLite::Database& db, const volunteer_input& in, const std::string& password_hash,
                            std::int64_t now, const actor& who) {
    const std::string consent_version = load_programme(db).consent_version;
    check_volunteer_codes(db, in.neighbourhood, in.skills);
    if (email_taken(db, in.email, "")) {
        auto taken = conflict("This email address is already registered.");
        taken.type = std::string(email_taken_type);  // the public handler answers it like a success
        throw taken;
    }
    const std::string id = new_id("vol");
    auto q_lease = store::prepare(
        db,
        "INSERT INTO volunteer(id, first_name, last_name, email, phone, neighbourhood, lat, lon, "
        "skills, availability, languages, max_missions_per_week, status, consent_at, "
        "consent_version, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'registered',?,?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    q.bind(2, in.first_name);
    q.bind(3, in.last_name);
    q.bind(4, in.email);
    q.bind(5, in.phone);
    q.bind(6, in.neighbourhood);
    if (in.location) {
        q.bind(7, in.location->lat);
        q.bind(8, in.location->lon);
    }
    q.bind(9, strings_to_json(in.skills));
    q.bind(10, availability_to_json(in.availability));
    q.bind(11, strings_to_json(in.languages));
    q.bind(12, in.max_missions_per_week);
    q.bind(13, static_cast<std::int64_t>(now));
    q.bind(14, consent_version);
    q.bind(15, static_cast<std::int64_t>(now));
    q.bind(16, static_cast<std::int64_t>(now));
    q.exec();

    auto u_lease =
        store::prepare(db,
                       "INSERT INTO users(id, email, role, password_hash, volunteer_id, created_at, "
                       "password_changed_at) VALUES (?,?,'volunteer',?,?,?,?)");
    SQLite::Statement& u = *u_lease;
    u.bind(1, new_id("usr"));
    u.bind(2, in.email);
    u.bind(3, password_hash);
    u.bind(4, id);
    u.bind(5, static_cast<std::int64_t>(now));
    u.bind(6, static_cast<std::int64_t>(now));
    u.exec();

    event_entry e{"volunteer",
                  id,
                  "registered",
                  std::nullopt,
                  "registered",
                  std::nullopt,
                  {{"neighbourhood", in.neighbourhood}, {"skills", json::value_from(in.skills)}}};
    append_event(db, now, who, e);
    return id;
}

volunteer_record load_volunteer(SQLite::Database& db, const std::string& id) {
    auto q_lease =
        store::prepare(db, std::string("SELECT ") + volunteer_columns + " FROM volunteer WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    if (!q.executeStep())
        throw not_found("No such volunteer.");
    auto v = read_row(q);
    v.reserve = reserve_of(db, v.id);
    v.trainings = trainings_of(db, v.id);
    v.charter = latest_acceptance(db, v.id);
    auto u = store::prepare(db,
                            "SELECT email_confirmed_at IS NOT NULL FROM users WHERE volunteer_id = ? "
                            "AND disabled_at IS NULL");
    u->bind(1, id);
    if (u->executeStep())
        v.email_confirmed = u->getColumn(0).getInt() != 0;
    return v;
}

std::vector<volunteer_record> list_volunteers(SQLite::Database& db, const volunteer_filter& f,
                                              page_info& page) {
    std::string sql = std::string("SELECT ") + volunteer_columns + " FROM volunteer WHERE seq > ?";
    if (f.status)
        sql += " AND status = ?";
    if (f.neighbourhood)
        sql += " AND neighbourhood = ?";
    if (f.skill)
        sql += " AND EXISTS (SELECT 1 FROM json_each(volunteer.skills) WHERE json_each.value = ?)";
    sql += " ORDER BY seq LIMIT ?";
    auto q_lease = store::prepare(db, sql);
    SQLite::Statement& q = *q_lease;
    int i = 1;
    q.bind(i++, static_cast<std::int64_t>(f.after_seq));
    if (f.status)
        q.bind(i++, *f.status);
    if (f.neighbourhood)
        q.bind(i++, *f.neighbourhood);
    if (f.skill)
        q.bind(i++, *f.skill);
    q.bind(i++, f.limit + 1);
    auto out = read_seq_page(q, f.limit, page, read_row);
    for (auto& v : out)
        if (v.status == "paused")
            v.reserve = reserve_of(db, v.id);
    return out;
}

void patch_volunteer(SQLite::Database& db, const std::string& id, const volunteer_patch& p, std::int64_t now,
                     const actor& who) {
    auto current = load_volunteer(db, id);
    if (current.erased_at)
        throw conflict("This volunteer's data has been erased.");
    check_volunteer_codes(db, p.neighbourhood, p.skills);
    if (p.email && *p.email != current.email && email_taken(db, *p.email, id))
        throw conflict("This email address is already registered.");
    std::vector<std::string> changed;
    auto set_text = [&](const char* col, const std::optional<std::string>& v) {
        if (!v)
            return;
        auto q_lease = store::prepare(db, std::string("UPDATE volunteer SET ") + col + " = ? WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, *v);
        q.bind(2, id);
        q.exec();
        changed.emplace_back(col);
    };
    set_text("first_name", p.first_name);
    set_text("last_name", p.last_name);
    set_text("email", p.email);
    set_text("phone", p.phone);
    set_text("neighbourhood", p.neighbourhood);
    if (p.skills)
        set_text("skills", strings_to_json(*p.skills));
    if (p.availability)
        set_text("availability", availability_to_json(*p.availability));
    if (p.languages)
        set_text("languages", strings_to_json(*p.languages));
    if (p.max_missions_per_week) {
        auto q_lease = store::prepare(db, "UPDATE volunteer SET max_missions_per_week = ? WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, *p.max_missions_per_week);
        q.bind(2, id);
        q.exec();
        changed.emplace_back("max_missions_per_week");
    }
    if (p.location) {
        auto q_lease = store::prepare(db, "UPDATE volunteer SET lat = ?, lon = ? WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        if (*p.location) {
            q.bind(1, (*p.location)->lat);
            q.bind(2, (*p.location)->lon);
        }
        q.bind(3, id);
        q.exec();
        changed.emplace_back("location");
    }
    if (p.email) {
        // The sign-in email follows the volunteer's email; a new address is not confirmed until its owner
        // shows it is theirs (the caller sends the link: auth is above this layer).
        auto u_lease = store::prepare(
            db,
            "UPDATE users SET email = ?1, email_confirmed_at = CASE WHEN email = ?1 THEN email_confirmed_at "
            "END WHERE volunteer_id = ?2 AND disabled_at IS NULL");
        SQLite::Statement& u = *u_lease;
        u.bind(1, *p.email);
        u.bind(2, id);
        u.exec();
    }
    auto t_lease = store::prepare(db, "UPDATE volunteer SET updated_at = ? WHERE id = ?");
    SQLite::Statement& t = *t_lease;
    t.bind(1, static_cast<std::int64_t>(now));
    t.bind(2, id);
    t.exec();
    // The event names the fields changed, never their values.
    append_event(db, now, who,
                 {"volunteer",
                  id,
                  "updated",
                  current.status,
                  current.status,
                  std::nullopt,
                  {{"fields", json::value_from(changed)}}});
}

void activate_volunteer(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who) {
    auto v = load_volunteer(db, id);
    if (v.status != "registered")
        illegal(v.status, "activated (only a new registration can be)");
    set_status(db, id, v.status, "active", std::nullopt, now, who);
    auto q_lease = store::prepare(db, "UPDATE volunteer SET validated_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, id);
    q.exec();
}

void pause_volunteer(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who) {
    auto v = load_volunteer(db, id);
    if (v.status != "active")
        illegal(v.status, "paused (only an active volunteer can be)");
    set_status(db, id, v.status, "paused", std::nullopt, now, who);
}

void resume_volunteer(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who) {
    auto v = load_volunteer(db, id);
    if (v.status != "paused")
        illegal(v.status, "resumed (only a paused volunteer can be)");
    const bool reactivated = end_reserve_membership(db, id, "reactivated", now);
    set_status(db, id, v.status, "active",
               reactivated ? std::optional<std::string>("reactivated") : std::nullopt, now, who);
}

void withdraw_volunteer(SQLite::Database& db, const std::string& id, const std::string& reason,
                        const std::optional<std::string>& note, std::int64_t now, const actor& who) {
    auto v = load_volunteer(db, id);
    if (v.status == "withdrawn")
        illegal(v.status, "withdrawn again");
    {
        auto q_lease = store::prepare(
            db,
            "UPDATE volunteer SET status = 'withdrawn', withdrawal_reason = ?, withdrawal_note = ?, "
            "withdrawn_at = ?, updated_at = ? WHERE id = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, reason);
        if (note)
            q.bind(2, *note);
        q.bind(3, static_cast<std::int64_t>(now));
        q.bind(4, static_cast<std::int64_t>(now));
        q.bind(5, id);
        q.exec();
    }
    append_event(db, now, who,
                 {"volunteer",
                  id,
                  "withdrawn",
                  v.status,
                  "withdrawn",
                  reason,
                  {{"validated", v.validated_at.has_value()}}});
    release_future_missions(db, id, now, who);
    end_reserve_membership(db, id, reason, now);
    // Their account stops working; a later registration with the same email creates a new one.
    auto u_lease =
        store::prepare(db, "UPDATE users SET disabled_at = ? WHERE volunteer_id = ? AND disabled_at IS NULL");
    SQLite::Statement& u = *u_lease;
    u.bind(1, static_cast<std::int64_t>(now));
    u.bind(2, id);
    u.exec();
}

void refuse_applicant(SQLite::Database& db, const std::string& id, const std::string& reason,
                      std::int64_t now, const actor& who) {
    const auto v = load_volunteer(db, id);
    if (v.status != "registered")
        illegal(v.status, "refused (only a registration not yet validated can be)");
    withdraw_volunteer(db, id, "refused", reason, now, who);
}

}  // namespace relais::domain
