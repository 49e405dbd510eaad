#include "api/decode.hpp"
#include "api/encode.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "domain/address_search.hpp"
#include "domain/charter.hpp"
#include "domain/neighbourhood_map.hpp"
#include "domain/programme.hpp"
#include "domain/programmes.hpp"
#include "domain/time_format.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

/// The programme as the API shows it, with whether volunteers can register right now.
json::object programme_json(const domain::programme_record& p, std::int64_t now) {
    json::object o = json::value_from(p).as_object();
    o["registration_open_now"] = domain::registration_open_at(p, now);
    return o;
}

json::value period_json(const domain::programme_period& p) {
    return json::object{{"id", p.id},
                        {"name", p.name},
                        {"starts_on", p.starts_on},
                        {"ends_on", p.ends_on ? json::value(*p.ends_on) : json::value(nullptr)},
                        {"status", p.status},
                        {"created_at", time_json(p.created_at)},
                        {"closed_at", time_json(p.closed_at)},
                        {"requests", p.requests},
                        {"active_supports", p.active_supports}};
}

awaitable_response get_programme(const programme_services& s, request_context& ctx) {
    const bool staff = is_staff(ctx);
    auto job = [staff, now = s.clk.now_s()](SQLite::Database& db) {
        auto p = domain::load_programme(db);
        json::object o = programme_json(p, now);
        o["current_programme_id"] = domain::current_programme_id(db);
        if (!staff) {
            // The public sees what the forms need, not the dispatch settings.
            for (const char* k :
                 {"auto_dispatch", "proposal_ttl_minutes", "max_distance_km", "retention_days", "weights"})
                o.erase(k);
        }
        o["categories"] = json::value_from(domain::list_categories(db, false));
        const auto charter = domain::current_charter(db);
        o["charter"] = charter ? json::value_from(*charter) : json::value(nullptr);
        // The forms offer address completion once addresses were imported (`relais import addresses`).
        o["address_completion"] = domain::has_addresses(db);
        return json::value(std::move(o));
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

std::optional<std::string> read_date(body_reader& r, std::string_view key) {
    auto s = r.text(key, {10, 10}, false);
    if (s && !domain::parse_date(*s)) {
        r.fail(key, "must be a date like 2026-10-26");
        return std::nullopt;
    }
    return s;
}

/// A time that may be set, cleared (null) or left alone (absent).
void read_optional_time(body_reader& r, std::string_view key,
                        std::optional<std::optional<std::int64_t>>& out) {
    if (r.is_null(key)) {
        r.accept(key);
        out = std::optional<std::int64_t>();
    } else if (auto t = r.time(key, false)) {
        out = std::optional<std::int64_t>(*t);
    }
}

awaitable_response patch_programme(const programme_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    domain::programme_patch p;
    p.name = r.text("name", {2, 120}, false);
    p.starts_on = read_date(r, "starts_on");
    if (r.is_null("ends_on")) {
        r.accept("ends_on");
        p.ends_on = std::optional<std::string>();
    } else if (auto e = read_date(r, "ends_on")) {
        p.ends_on = e;
    }
    p.coordination_phone = r.text("coordination_phone", {6, 30}, false);
    p.consent_version = r.text("consent_version", {1, 40}, false);
    p.timezone = r.text("timezone", {1, 64}, false);
    if (p.timezone && !domain::city_time::known(*p.timezone)) {
        r.fail("timezone",
               "must be a time zone of the IANA database, such as Europe/Paris or America/Toronto");
        p.timezone.reset();
    }
    p.country = r.text("country", {2, 2}, false);
    if (p.country && !domain::known_region(*p.country)) {
        r.fail("country", "must be a country code of ISO 3166, in capitals, such as FR, BE or CA");
        p.country.reset();
    }
    p.registration_open = r.boolean("registration_open", false);
    read_optional_time(r, "registration_opens_at", p.registration_opens_at);
    read_optional_time(r, "registration_closes_at", p.registration_closes_at);
    p.auto_dispatch = r.boolean("auto_dispatch", false);
    if (auto t = r.integer("proposal_ttl_minutes", 5, 7 * 24 * 60, false))
        p.proposal_ttl_minutes = static_cast<int>(*t);
    if (auto d = r.integer("retention_days", 1, 3650, false))
        p.retention_days = static_cast<int>(*d);
    p.max_distance_km = r.number("max_distance_km", 0.1, 100, false);
    if (auto w = r.object("weights", false)) {
        json::object weights;
        for (const char* k : {"distance", "availability", "continuity", "fairness", "language", "urgency"})
            if (auto v = w->number(k, 0, 100, false))
                weights[k] = *v;
        w->check_unknown();
        p.weights = std::move(weights);
    }
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [p, now, who](SQLite::Database& db) {
        domain::patch_programme(db, p, now, who);
        return domain::load_programme(db);
    };
    const auto programme = co_await s.db.write(std::move(job));
    s.phones.set_region(programme.country);  // numbers typed from now on
    co_return ctx.json(status::ok, json::value(programme_json(programme, now)));
}

awaitable_response list_programmes(const programme_services& s, request_context& ctx) {
    auto job = [](SQLite::Database& db) {
        json::array items;
        for (const auto& p : domain::list_programme_periods(db))
            items.push_back(period_json(p));
        return json::value{{"items", std::move(items)}};
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

awaitable_response close_programme(const programme_services& s, request_context& ctx) {
    const auto id = ctx.param("id");
    body_reader r(ctx.json_body());
    domain::next_programme next;
    if (auto n = r.object("next")) {
        next.name = n->text("name", {2, 120}).value_or("");
        next.starts_on = read_date(*n, "starts_on").value_or("");
        if (n->is_null("ends_on"))
            n->accept("ends_on");
        else
            next.ends_on = read_date(*n, "ends_on");
        n->check_unknown();
    }
    std::vector<domain::support_review> reviews;
    if (const auto* arr = r.array("reviews", 2000)) {
        for (std::size_t i = 0; i < arr->size(); ++i) {
            auto e = r.element_object("reviews", i, (*arr)[i]);
            if (!e)
                continue;
            domain::support_review v;
            v.support_id = e->text("support_id", {1, 64}).value_or("");
            v.decision = e->one_of("decision", domain::review_decisions).value_or("");
            v.partner_id = e->text("partner_id", {1, 64}, false);
            v.note = e->text("note", note_rule, false);
            // Handing over gives the partner the resident's contact: only with their agreement, asked and
            // recorded here (as for a hand-over during the programme).
            const auto consent = e->boolean("resident_consent", false);
            if (v.decision == "hand_over" && !consent.value_or(false))
                e->fail(
                    "resident_consent",
                    "must be true to hand over: the resident agreed that their contact goes to the partner");
            e->check_unknown();
            reviews.push_back(std::move(v));
        }
    }
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [id, next, reviews, now, who](SQLite::Database& db) {
        const auto out = domain::close_programme(db, id, next, reviews, now, who);
        return json::value{{"closed", period_json(out.closed)},
                           {"current", period_json(out.current)},
                           {"continued", out.continued},
                           {"handed_over", out.handed_over},
                           {"ended", out.ended}};
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response list_categories(const programme_services& s, request_context& ctx) {
    const bool all = is_staff(ctx);
    auto job = [all](SQLite::Database& db) {
        return json::value{{"items", json::value_from(domain::list_categories(db, all))}};
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

domain::category_patch read_category_fields(body_reader& r) {
    domain::category_patch p;
    p.label_fr = r.text("label_fr", {1, 80}, false);
    p.label_en = r.text("label_en", {1, 80}, false);
    p.description_fr = r.text("description_fr", {0, 300}, false);
    p.description_en = r.text("description_en", {0, 300}, false);
    p.volunteer_description_fr = r.text("volunteer_description_fr", {0, 300}, false);
    p.volunteer_description_en = r.text("volunteer_description_en", {0, 300}, false);
    p.home_visit = r.boolean("home_visit", false);
    p.active = r.boolean("active", false);
    if (auto s = r.integer("sort", 0, 1000, false))
        p.sort = static_cast<int>(*s);
    // The training the category requires (null: none): only volunteers trained for it are its candidates.
    if (r.is_null("training")) {
        r.accept("training");
        p.training = std::optional<std::string>();
    } else if (auto t = r.text("training", {2, 120}, false)) {
        p.training = std::optional<std::string>(*t);
    }
    return p;
}

awaitable_response create_category(const programme_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    auto code = r.text("code", {2, 40});
    if (code) {
        for (char c : *code)
            if (!((c >= 'a' && c <= 'z') || c == '_')) {
                r.fail("code", "must be lower-case letters and underscores");
                break;
            }
    }
    if (!r.has("label_fr"))
        r.fail("label_fr", "is required");
    if (!r.has("label_en"))
        r.fail("label_en", "is required");
    auto p = read_category_fields(r);
    r.done();
    domain::category_record c;
    c.code = *code;
    c.label_fr = p.label_fr.value_or("");
    c.label_en = p.label_en.value_or("");
    c.description_fr = p.description_fr.value_or("");
    c.description_en = p.description_en.value_or("");
    c.volunteer_description_fr = p.volunteer_description_fr.value_or("");
    c.volunteer_description_en = p.volunteer_description_en.value_or("");
    c.home_visit = p.home_visit.value_or(false);
    c.active = p.active.value_or(true);
    c.sort = p.sort.value_or(100);
    c.training = p.training.value_or(std::nullopt);
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [c, now, who](SQLite::Database& db) {
        domain::create_category(db, c, now, who);
        return json::value_from(c);
    };
    co_return ctx.json(status::created, co_await s.db.write(std::move(job)));
}

awaitable_response patch_category(const programme_services& s, request_context& ctx) {
    const auto code = ctx.param("code");
    body_reader r(ctx.json_body());
    auto p = read_category_fields(r);
    r.done();
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    auto job = [code, p, now, who](SQLite::Database& db) {
        domain::patch_category(db, code, p, now, who);
        for (auto& c : domain::list_categories(db, true))
            if (c.code == code)
                return json::value_from(c);
        throw not_found("No such category.");
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

awaitable_response list_neighbourhoods(const programme_services& s, request_context& ctx) {
    auto job = [](SQLite::Database& db) {
        return json::value{{"items", json::value_from(domain::list_neighbourhoods(db))}};
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

/// PUT /api/v1/neighbourhoods: the city's map replaced from a file's text (GeoJSON or CSV, as `relais import
/// neighbourhoods` reads it), all or nothing; a dry run checks and counts without keeping anything. Codes
/// still in use that the file lacks are kept and named.
awaitable_response import_map(const programme_services& s, request_context& ctx) {
    body_reader r(ctx.json_body());
    auto text = r.text("file", {1, 1 << 20, true});
    const bool dry_run = r.boolean("dry_run", false).value_or(false);
    r.done();
    const auto parsed = co_await parse_map_on_workers(s.workers, std::move(*text));
    if (!parsed.faults.empty()) {
        std::vector<field_error> fields;
        for (const auto& f : parsed.faults)
            fields.push_back({"file", f.text()});
        throw validation_error(std::move(fields));
    }
    auto job = [items = parsed.items, dry_run, now = s.clk.now_s(),
                who = actor_of(ctx)](SQLite::Database& db) {
        if (dry_run)
            db.exec("SAVEPOINT map_dry_run");
        const auto result = domain::import_neighbourhoods(db, items, now, who);
        if (dry_run) {
            db.exec("ROLLBACK TO map_dry_run");
            db.exec("RELEASE map_dry_run");
        }
        return json::value{{"added", result.added},
                           {"updated", result.updated},
                           {"removed", result.removed},
                           {"kept", json::value_from(result.kept)},
                           {"dry_run", dry_run}};
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

}  // namespace

void add_programme_routes(wire::route_table& t, const programme_services& s) {
    t.add({verb::get, "/api/v1/programme", {pub}, "", plain, bind(s, get_programme)});
    t.add({verb::patch, "/api/v1/programme", {adm}, "ProgrammeUpdate", plain, bind(s, patch_programme)});
    t.add({verb::get, "/api/v1/programmes", {staff}, "", plain, bind(s, list_programmes)});
    t.add({verb::post,
           "/api/v1/programmes/{id}/close",
           {adm},
           "ProgrammeClose",
           plain,
           bind(s, close_programme)});
    t.add({verb::get, "/api/v1/categories", {pub}, "", plain, bind(s, list_categories)});
    t.add({verb::post, "/api/v1/categories", {adm}, "CategoryCreate", plain, bind(s, create_category)});
    t.add(
        {verb::patch, "/api/v1/categories/{code}", {adm}, "CategoryUpdate", plain, bind(s, patch_category)});
    t.add({verb::get, "/api/v1/neighbourhoods", {pub}, "", plain, bind(s, list_neighbourhoods)});
    t.add({verb::put, "/api/v1/neighbourhoods", {adm}, "NeighbourhoodImport", plain, bind(s, import_map)});
}

}  // namespace relais::api
