#include "domain/programme.hpp"
#include "store/statement_cache.hpp"

#include "core/error.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

namespace relais::domain {

namespace json = boost::json;

programme_record load_programme(SQLite::Database& db) {
    auto q_lease = store::prepare(
        db,
        "SELECT name, starts_on, ends_on, registration_open, coordination_phone, auto_dispatch, "
        "proposal_ttl_minutes, max_distance_km, retention_days, consent_version, weights, timezone, "
        "updated_at, country, registration_opens_at, registration_closes_at "
        "FROM programme WHERE id = 1");
    SQLite::Statement& q = *q_lease;
    if (!q.executeStep())
        throw not_found("The programme is not set up.");
    programme_record p;
    p.name = q.getColumn(0).getString();
    p.starts_on = q.getColumn(1).getString();
    if (!q.getColumn(2).isNull())
        p.ends_on = q.getColumn(2).getString();
    p.registration_open = q.getColumn(3).getInt() != 0;
    p.coordination_phone = q.getColumn(4).getString();
    p.auto_dispatch = q.getColumn(5).getInt() != 0;
    p.proposal_ttl_minutes = q.getColumn(6).getInt();
    p.max_distance_km = q.getColumn(7).getDouble();
    p.retention_days = q.getColumn(8).getInt();
    p.consent_version = q.getColumn(9).getString();
    auto w = json::parse(q.getColumn(10).getString());
    if (w.is_object())
        p.weights = w.as_object();
    p.timezone = q.getColumn(11).getString();
    p.updated_at = q.getColumn(12).getInt64();
    p.country = q.getColumn(13).getString();
    if (!q.getColumn(14).isNull())
        p.registration_opens_at = q.getColumn(14).getInt64();
    if (!q.getColumn(15).isNull())
        p.registration_closes_at = q.getColumn(15).getInt64();
    return p;
}

bool registration_open_at(const programme_record& p, std::int64_t now) {
    return p.registration_open && (!p.registration_opens_at || now >= *p.registration_opens_at) &&
           (!p.registration_closes_at || now < *p.registration_closes_at);
}

void patch_programme(SQLite::Database& db, const programme_patch& p, std::int64_t now, const actor& who) {
    auto before = load_programme(db);
    std::vector<std::string> changed;
    auto set = [&](const char* col, auto&& binder) {
        auto q_lease = store::prepare(db, std::string("UPDATE programme SET ") + col + " = ? WHERE id = 1");
        SQLite::Statement& q = *q_lease;
        binder(q);
        q.exec();
        changed.emplace_back(col);
    };
    if (p.name)
        set("name", [&](SQLite::Statement& q) { q.bind(1, *p.name); });
    if (p.starts_on)
        set("starts_on", [&](SQLite::Statement& q) { q.bind(1, *p.starts_on); });
    if (p.ends_on)
        set("ends_on", [&](SQLite::Statement& q) {
            if (*p.ends_on)
                q.bind(1, **p.ends_on);
        });
    if (p.coordination_phone)
        set("coordination_phone", [&](SQLite::Statement& q) { q.bind(1, *p.coordination_phone); });
    if (p.consent_version)
        set("consent_version", [&](SQLite::Statement& q) { q.bind(1, *p.consent_version); });
    if (p.registration_open)
        set("registration_open", [&](SQLite::Statement& q) { q.bind(1, *p.registration_open ? 1 : 0); });
    const auto opens = p.registration_opens_at.value_or(before.registration_opens_at);
    const auto closes = p.registration_closes_at.value_or(before.registration_closes_at);
    if (opens && closes && *closes <= *opens)
        throw validation_error(
            {{p.registration_closes_at ? "registration_closes_at" : "registration_opens_at",
              "the call must close after it opens"}});
    auto set_time = [&](const char* col, const std::optional<std::int64_t>& t) {
        set(col, [&](SQLite::Statement& q) {
            if (t)
                q.bind(1, static_cast<std::int64_t>(*t));
        });
    };
    if (p.registration_opens_at)
        set_time("registration_opens_at", *p.registration_opens_at);
    if (p.registration_closes_at)
        set_time("registration_closes_at", *p.registration_closes_at);
    if (p.auto_dispatch)
        set("auto_dispatch", [&](SQLite::Statement& q) { q.bind(1, *p.auto_dispatch ? 1 : 0); });
    if (p.proposal_ttl_minutes)
        set("proposal_ttl_minutes", [&](SQLite::Statement& q) { q.bind(1, *p.proposal_ttl_minutes); });
    if (p.retention_days)
        set("retention_days", [&](SQLite::Statement& q) { q.bind(1, *p.retention_days); });
    if (p.max_distance_km)
        set("max_distance_km", [&](SQLite::Statement& q) { q.bind(1, *p.max_distance_km); });
    if (p.timezone)
        set("timezone", [&](SQLite::Statement& q) { q.bind(1, *p.timezone); });
    if (p.country)
        set("country", [&](SQLite::Statement& q) { q.bind(1, *p.country); });
    if (p.weights)
        set("weights", [&](SQLite::Statement& q) { q.bind(1, json::serialize(*p.weights)); });
    auto t_lease = store::prepare(db, "UPDATE programme SET updated_at = ? WHERE id = 1");
    SQLite::Statement& t = *t_lease;
    t.bind(1, static_cast<std::int64_t>(now));
    t.exec();
    json::object data{{"fields", json::value_from(changed)}};
    if (p.registration_open && *p.registration_open != before.registration_open)
        data["registration_open"] = *p.registration_open;
    append_event(db, now, who,
                 {"programme", "1", "updated", std::nullopt, std::nullopt, std::nullopt, std::move(data)});
}

std::vector<category_record> list_categories(SQLite::Database& db, bool include_inactive) {
    auto q_lease = store::prepare(
        db, std::string(
                "SELECT code, label_fr, label_en, description_fr, description_en, home_visit, "
                "active, sort, volunteer_description_fr, volunteer_description_en, training FROM category") +
                (include_inactive ? "" : " WHERE active = 1") + " ORDER BY sort, code");
    SQLite::Statement& q = *q_lease;
    std::vector<category_record> out;
    while (q.executeStep()) {
        category_record c;
        c.code = q.getColumn(0).getString();
        c.label_fr = q.getColumn(1).getString();
        c.label_en = q.getColumn(2).getString();
        c.description_fr = q.getColumn(3).getString();
        c.description_en = q.getColumn(4).getString();
        c.home_visit = q.getColumn(5).getInt() != 0;
        c.active = q.getColumn(6).getInt() != 0;
        c.sort = q.getColumn(7).getInt();
        c.volunteer_description_fr = q.getColumn(8).getString();
        c.volunteer_description_en = q.getColumn(9).getString();
        if (!q.getColumn(10).isNull())
            c.training = q.getColumn(10).getString();
        out.push_back(std::move(c));
    }
    return out;
}

void create_category(SQLite::Database& db, const category_record& c, std::int64_t now, const actor& who) {
    auto e_lease = store::prepare(db, "SELECT 1 FROM category WHERE code = ?");
    SQLite::Statement& e = *e_lease;
    e.bind(1, c.code);
    if (e.executeStep())
        throw conflict("A category with this code already exists.");
    auto q_lease = store::prepare(
        db,
        "INSERT INTO category(code, label_fr, label_en, description_fr, description_en, home_visit, "
        "active, sort, volunteer_description_fr, volunteer_description_en, training) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, c.code);
    q.bind(2, c.label_fr);
    q.bind(3, c.label_en);
    q.bind(4, c.description_fr);
    q.bind(5, c.description_en);
    q.bind(6, c.home_visit ? 1 : 0);
    q.bind(7, c.active ? 1 : 0);
    q.bind(8, c.sort);
    q.bind(9, c.volunteer_description_fr);
    q.bind(10, c.volunteer_description_en);
    if (c.training)
        q.bind(11, *c.training);
    else
        q.bind(11);
    q.exec();
    append_event(db, now, who, {"category", c.code, "created", std::nullopt, std::nullopt, std::nullopt, {}});
}

void patch_category(SQLite::Database& db, const std::string& code, const category_patch& p, std::int64_t now,
                    const actor& who) {
    auto e_lease = store::prepare(db, "SELECT 1 FROM category WHERE code = ?");
    SQLite::Statement& e = *e_lease;
    e.bind(1, code);
    if (!e.executeStep())
        throw not_found("No such category.");
    auto set_text = [&](const char* col, const std::optional<std::string>& v) {
        if (!v)
            return;
        auto q_lease = store::prepare(db, std::string("UPDATE category SET ") + col + " = ? WHERE code = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, *v);
        q.bind(2, code);
        q.exec();
    };
    auto set_int = [&](const char* col, std::optional<int> v) {
        if (!v)
            return;
        auto q_lease = store::prepare(db, std::string("UPDATE category SET ") + col + " = ? WHERE code = ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, *v);
        q.bind(2, code);
        q.exec();
    };
    set_text("label_fr", p.label_fr);
    set_text("label_en", p.label_en);
    set_text("description_fr", p.description_fr);
    set_text("description_en", p.description_en);
    set_text("volunteer_description_fr", p.volunteer_description_fr);
    set_text("volunteer_description_en", p.volunteer_description_en);
    set_int("home_visit", p.home_visit ? std::optional<int>(*p.home_visit ? 1 : 0) : std::nullopt);
    set_int("active", p.active ? std::optional<int>(*p.active ? 1 : 0) : std::nullopt);
    set_int("sort", p.sort);
    if (p.training) {
        // The volunteer index re-reads everyone on a category event (match/index_sync.cpp): who is a
        // candidate changes with the requirement.
        auto q_lease = store::prepare(db, "UPDATE category SET training = ? WHERE code = ?");
        SQLite::Statement& q = *q_lease;
        if (*p.training)
            q.bind(1, **p.training);
        else
            q.bind(1);
        q.bind(2, code);
        q.exec();
    }
    append_event(db, now, who, {"category", code, "updated", std::nullopt, std::nullopt, std::nullopt, {}});
}

std::vector<neighbourhood_record> list_neighbourhoods(SQLite::Database& db) {
    auto q_lease = store::prepare(db, "SELECT code, name, lat, lon FROM neighbourhood ORDER BY name");
    SQLite::Statement& q = *q_lease;
    std::vector<neighbourhood_record> out;
    while (q.executeStep()) {
        neighbourhood_record n;
        n.code = q.getColumn(0).getString();
        n.name = q.getColumn(1).getString();
        if (!q.getColumn(2).isNull()) {
            n.lat = q.getColumn(2).getDouble();
            n.lon = q.getColumn(3).getDouble();
        }
        out.push_back(std::move(n));
    }
    return out;
}

}  // namespace relais::domain
