#include "domain/partners.hpp"
#include "store/statement_cache.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/rows.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

namespace relais::domain {

const std::vector<std::string> partner_kinds{"association", "food_bank",      "youth_centre",
                                             "health",      "public_service", "other"};

namespace {

partner_record read_partner(SQLite::Statement& q) {
    partner_record p;
    p.id = q.getColumn("id").getString();
    p.name = q.getColumn("name").getString();
    p.kind = q.getColumn("kind").getString();
    if (!q.getColumn("contact_email").isNull())
        p.contact_email = q.getColumn("contact_email").getString();
    if (!q.getColumn("contact_phone").isNull())
        p.contact_phone = q.getColumn("contact_phone").getString();
    p.created_at = q.getColumn("created_at").getInt64();
    p.message_language = q.getColumn("message_language").getString();
    return p;
}

constexpr const char* collective_select =
    "SELECT c.seq, c.id, c.partner_id, c.title, c.description, c.place, c.neighbourhood, c.starts_at, "
    "c.ends_at, "
    "c.capacity, c.status, c.created_at, "
    "(SELECT COUNT(*) FROM collective_signup s WHERE s.collective_id = c.id AND s.cancelled_at IS NULL), "
    "EXISTS (SELECT 1 FROM collective_signup s WHERE s.collective_id = c.id AND s.cancelled_at IS NULL "
    "AND s.volunteer_id = :vol), "
    "COALESCE(p.name, (SELECT name FROM programme WHERE id = 1), ''), "
    "(SELECT COUNT(*) FROM collective_signup s WHERE s.collective_id = c.id AND s.cancelled_at IS NULL "
    "AND s.attended = 1) "
    "FROM collective_mission c LEFT JOIN partner p ON p.id = c.partner_id";

/// The organiser as events record it: the partner's id, or "city".
std::string organiser_code(const std::optional<std::string>& partner_id) {
    return partner_id.value_or("city");
}

collective_record read_collective(SQLite::Statement& q) {
    collective_record c;
    c.id = q.getColumn(1).getString();
    if (!q.getColumn(2).isNull())
        c.partner_id = q.getColumn(2).getString();
    c.title = q.getColumn(3).getString();
    c.description = q.getColumn(4).getString();
    c.place = q.getColumn(5).getString();
    if (!q.getColumn(6).isNull())
        c.neighbourhood = q.getColumn(6).getString();
    c.starts_at = q.getColumn(7).getInt64();
    c.ends_at = q.getColumn(8).getInt64();
    c.capacity = q.getColumn(9).getInt();
    c.status = q.getColumn(10).getString();
    c.created_at = q.getColumn(11).getInt64();
    c.signed_up = q.getColumn(12).getInt();
    c.mine = q.getColumn(13).getInt() != 0;
    c.organiser_name = q.getColumn(14).getString();
    c.attended = q.getColumn(15).getInt();
    return c;
}

}  // namespace

std::string create_partner(SQLite::Database& db, const std::string& name, const std::string& kind,
                           const std::optional<std::string>& email, const std::optional<std::string>& phone,
                           std::int64_t now, const actor& who, const std::string& message_language) {
    const std::string id = new_id("prt");
    auto q_lease =
        store::prepare(db,
                       "INSERT INTO partner(id, name, kind, contact_email, contact_phone, created_at, "
                       "message_language) VALUES (?,?,?,?,?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    q.bind(2, name);
    q.bind(3, kind);
    if (email)
        q.bind(4, *email);
    if (phone)
        q.bind(5, *phone);
    q.bind(6, static_cast<std::int64_t>(now));
    q.bind(7, message_language);
    q.exec();
    append_event(db, now, who,
                 {"partner", id, "created", std::nullopt, std::nullopt, std::nullopt, {{"kind", kind}}});
    return id;
}

void update_partner(SQLite::Database& db, const std::string& id, const partner_changes& c, std::int64_t now,
                    const actor& who) {
    const partner_record before = load_partner(db, id);
    std::vector<std::string> changed;
    auto set = [&](const char* column, const std::optional<std::string>& value,
                   const std::optional<std::string>& was) {
        if (value == was)
            return;
        auto q = store::prepare(db, std::string("UPDATE partner SET ") + column + " = ? WHERE id = ?");
        if (value)
            q->bind(1, *value);
        q->bind(2, id);
        q->exec();
        changed.emplace_back(column);
    };
    if (c.name)
        set("name", c.name, before.name);
    if (c.kind)
        set("kind", c.kind, before.kind);
    if (c.message_language)
        set("message_language", c.message_language, before.message_language);
    if (c.contact_email)
        set("contact_email", *c.contact_email, before.contact_email);
    if (c.contact_phone)
        set("contact_phone", *c.contact_phone, before.contact_phone);
    if (changed.empty())
        return;
    boost::json::array fields;
    for (const auto& f : changed)
        fields.emplace_back(f);
    append_event(db, now, who,
                 {"partner", id, "updated", std::nullopt, std::nullopt, std::nullopt, {{"fields", fields}}});
}

partner_record load_partner(SQLite::Database& db, const std::string& id) {
    auto q_lease = store::prepare(db, "SELECT * FROM partner WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    if (!q.executeStep())
        throw not_found("No such partner.");
    return read_partner(q);
}

std::vector<partner_record> list_partners(SQLite::Database& db, std::int64_t after_seq, int limit,
                                          page_info& page) {
    auto q_lease = store::prepare(db, "SELECT * FROM partner WHERE seq > ? ORDER BY seq LIMIT ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(after_seq));
    q.bind(2, limit + 1);
    return read_seq_page(q, limit, page, read_partner);
}

std::string create_collective(SQLite::Database& db, const collective_input& in, std::int64_t now,
                              const actor& who) {
    if (in.partner_id)
        load_partner(db, *in.partner_id);
    if (in.neighbourhood) {
        auto n_lease = store::prepare(db, "SELECT 1 FROM neighbourhood WHERE code = ?");
        SQLite::Statement& n = *n_lease;
        n.bind(1, *in.neighbourhood);
        if (!n.executeStep())
            throw validation_error({{"neighbourhood", "is not a known neighbourhood code"}});
    }
    if (in.ends_at <= in.starts_at)
        throw validation_error({{"ends_at", "must be after starts_at"}});
    if (in.ends_at < now)
        throw validation_error({{"ends_at", "must not be in the past"}});
    const std::string id = new_id("col");
    auto q_lease = store::prepare(
        db,
        "INSERT INTO collective_mission(id, partner_id, title, description, place, neighbourhood, "
        "starts_at, ends_at, capacity, status, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,'open',?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    if (in.partner_id)
        q.bind(2, *in.partner_id);
    q.bind(3, in.title);
    q.bind(4, in.description);
    q.bind(5, in.place);
    if (in.neighbourhood)
        q.bind(6, *in.neighbourhood);
    q.bind(7, static_cast<std::int64_t>(in.starts_at));
    q.bind(8, static_cast<std::int64_t>(in.ends_at));
    q.bind(9, in.capacity);
    q.bind(10, static_cast<std::int64_t>(now));
    q.bind(11, static_cast<std::int64_t>(now));
    q.exec();
    append_event(db, now, who,
                 {"collective",
                  id,
                  "created",
                  std::nullopt,
                  "open",
                  std::nullopt,
                  {{"partner_id", organiser_code(in.partner_id)},
                   {"capacity", in.capacity},
                   {"starts_at", in.starts_at}}});
    return id;
}

collective_record load_collective(SQLite::Database& db, const std::string& id,
                                  const std::string& volunteer_id) {
    auto q_lease = store::prepare(db, std::string(collective_select) + " WHERE c.id = :id");
    SQLite::Statement& q = *q_lease;
    q.bind(":vol", volunteer_id);
    q.bind(":id", id);
    if (!q.executeStep())
        throw not_found("No such collective mission.");
    return read_collective(q);
}

std::vector<collective_record> list_collectives(SQLite::Database& db, const collective_filter& f,
                                                const std::string& volunteer_id, page_info& page) {
    std::string sql = std::string(collective_select) + " WHERE c.seq > :after";
    if (f.partner_id)
        sql += " AND c.partner_id = :partner";
    if (f.status)
        sql += " AND c.status = :status";
    if (f.from)
        sql += " AND c.ends_at >= :from";
    sql += " ORDER BY c.seq LIMIT :limit";
    auto q_lease = store::prepare(db, sql);
    SQLite::Statement& q = *q_lease;
    q.bind(":vol", volunteer_id);
    q.bind(":after", static_cast<std::int64_t>(f.after_seq));
    if (f.partner_id)
        q.bind(":partner", *f.partner_id);
    if (f.status)
        q.bind(":status", *f.status);
    if (f.from)
        q.bind(":from", static_cast<std::int64_t>(*f.from));
    q.bind(":limit", f.limit + 1);
    return read_seq_page(q, f.limit, page, read_collective);
}

collective_record signup_collective(SQLite::Database& db, const std::string& id,
                                    const std::string& volunteer_id, bool share_phone, std::int64_t now,
                                    const actor& who) {
    auto c = load_collective(db, id, volunteer_id);
    auto v = load_volunteer(db, volunteer_id);
    if (v.status != "active")
        throw conflict("Only active volunteers can sign up (you are " + v.status + ").");
    if (c.status != "open")
        throw conflict("This collective mission is " + c.status + ".");
    if (c.ends_at <= now)
        throw conflict("This collective mission is over.");
    if (c.mine)
        throw conflict("You are already signed up.");
    if (c.signed_up >= c.capacity)
        throw conflict("This collective mission is full.");
    auto q_lease = store::prepare(
        db,
        "INSERT INTO collective_signup(collective_id, volunteer_id, created_at, share_phone) VALUES "
        "(?,?,?,?) "
        "ON CONFLICT(collective_id, volunteer_id) DO UPDATE SET cancelled_at = NULL, created_at = "
        "excluded.created_at, share_phone = excluded.share_phone, attended = NULL, attendance_at = NULL");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    q.bind(2, volunteer_id);
    q.bind(3, static_cast<std::int64_t>(now));
    q.bind(4, share_phone ? 1 : 0);
    q.exec();
    append_event(db, now, who,
                 {"collective",
                  id,
                  "signed_up",
                  std::nullopt,
                  std::nullopt,
                  std::nullopt,
                  {{"volunteer_id", volunteer_id}, {"partner_id", organiser_code(c.partner_id)}}});
    return load_collective(db, id, volunteer_id);
}

collective_record cancel_signup(SQLite::Database& db, const std::string& id, const std::string& volunteer_id,
                                std::int64_t now, const actor& who) {
    auto c = load_collective(db, id, volunteer_id);
    if (!c.mine)
        throw conflict("You are not signed up for this collective mission.");
    auto q_lease = store::prepare(
        db, "UPDATE collective_signup SET cancelled_at = ? WHERE collective_id = ? AND volunteer_id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, id);
    q.bind(3, volunteer_id);
    q.exec();
    append_event(db, now, who,
                 {"collective",
                  id,
                  "signup_cancelled",
                  std::nullopt,
                  std::nullopt,
                  std::nullopt,
                  {{"volunteer_id", volunteer_id}, {"partner_id", organiser_code(c.partner_id)}}});
    return load_collective(db, id, volunteer_id);
}

void cancel_collective(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who) {
    auto c = load_collective(db, id);
    if (c.status != "open")
        throw conflict("This collective mission is " + c.status + ".");
    auto q_lease =
        store::prepare(db, "UPDATE collective_mission SET status = 'cancelled', updated_at = ? WHERE id = ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, id);
    q.exec();
    append_event(db, now, who,
                 {"collective",
                  id,
                  "cancelled",
                  "open",
                  "cancelled",
                  std::nullopt,
                  {{"partner_id", organiser_code(c.partner_id)}}});
}

std::vector<collective_signup_record> list_signups(SQLite::Database& db, const std::string& id) {
    load_collective(db, id);
    auto q_lease = store::prepare(
        db,
        "SELECT s.volunteer_id, v.first_name, v.last_name, v.phone, s.share_phone, s.created_at, s.attended "
        "FROM collective_signup s JOIN volunteer v ON v.id = s.volunteer_id "
        "WHERE s.collective_id = ? AND s.cancelled_at IS NULL ORDER BY s.created_at, s.volunteer_id");
    SQLite::Statement& q = *q_lease;
    q.bind(1, id);
    std::vector<collective_signup_record> out;
    while (q.executeStep()) {
        collective_signup_record r;
        r.volunteer_id = q.getColumn(0).getString();
        r.first_name = q.getColumn(1).getString();
        r.last_name = q.getColumn(2).getString();
        r.phone = q.getColumn(3).getString();
        r.share_phone = q.getColumn(4).getInt() != 0;
        r.signed_up_at = q.getColumn(5).getInt64();
        if (!q.getColumn(6).isNull())
            r.attended = q.getColumn(6).getInt() != 0;
        out.push_back(std::move(r));
    }
    return out;
}

void record_attendance(SQLite::Database& db, const std::string& id, const std::vector<attendance_mark>& marks,
                       std::int64_t now, const actor& who) {
    auto c = load_collective(db, id);
    if (c.status != "open")
        throw conflict("This collective mission is " + c.status + ": there is no attendance to record.");
    if (c.starts_at > now)
        throw conflict("This collective mission has not started yet: record who came once it has begun.");
    const auto held = list_signups(db, id);
    std::vector<field_error> errors;
    for (std::size_t i = 0; i < marks.size(); ++i) {
        const bool holds = std::any_of(
            held.begin(), held.end(), [&](const auto& s) { return s.volunteer_id == marks[i].volunteer_id; });
        if (!holds)
            errors.push_back({"attendance[" + std::to_string(i) + "].volunteer_id",
                              "holds no place in this collective mission"});
    }
    if (!errors.empty())
        throw validation_error(std::move(errors));
    auto q_lease = store::prepare(db,
                                  "UPDATE collective_signup SET attended = ?, attendance_at = ? "
                                  "WHERE collective_id = ? AND volunteer_id = ? AND cancelled_at IS NULL");
    SQLite::Statement& q = *q_lease;
    int came = 0;
    for (const auto& m : marks) {
        q.reset();
        q.bind(1, m.attended ? 1 : 0);
        q.bind(2, static_cast<std::int64_t>(now));
        q.bind(3, id);
        q.bind(4, m.volunteer_id);
        q.exec();
        came += m.attended ? 1 : 0;
    }
    append_event(db, now, who,
                 {"collective",
                  id,
                  "attendance",
                  std::nullopt,
                  std::nullopt,
                  std::nullopt,
                  {{"partner_id", organiser_code(c.partner_id)},
                   {"marked", static_cast<std::int64_t>(marks.size())},
                   {"came", came}}});
}

}  // namespace relais::domain
