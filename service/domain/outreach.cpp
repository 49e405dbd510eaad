#include "domain/outreach.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/missions.hpp"
#include "domain/programme.hpp"
#include "domain/requests.hpp"
#include "domain/validate.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace relais::domain {

const std::vector<std::string> call_outcomes{"reached_fine", "needs_help", "not_reached", "declined"};

namespace {

constexpr std::size_t max_rows = 20000;

/// The resident a register's row names if already known: same phone, same last name (case aside).
std::optional<std::string> known_resident(SQLite::Database& db, const std::string& phone,
                                          const std::string& last_name) {
    auto q = store::prepare(
        db, "SELECT id, last_name FROM resident WHERE phone = ? AND erased_at IS NULL ORDER BY seq");
    q->bind(1, phone);
    while (q->executeStep())
        if (ascii_lower(q->getColumn(1).getString()) == ascii_lower(last_name))
            return q->getColumn(0).getString();
    return std::nullopt;
}

std::string round_of(SQLite::Database& db, const std::string& request_id) {
    auto q = store::prepare(db, "SELECT outreach_round_id FROM request WHERE id = ?");
    q->bind(1, request_id);
    if (!q->executeStep())
        throw not_found("No such request.");
    if (q->getColumn(0).isNull())
        throw conflict("This request is not a call of an outreach round.");
    return q->getColumn(0).getString();
}

/// A friendly call of round `round_id` to `resident_id`, window [from, until).
std::string round_request(SQLite::Database& db, const std::string& round_id, const std::string& resident_id,
                          const std::string& category, const std::string& details, std::int64_t from,
                          std::int64_t until, std::int64_t now, const actor& who) {
    request_input in;
    in.resident_id = resident_id;
    in.category = category;
    in.details = details;
    in.urgency = "week";
    in.recurrence = "once";
    in.channel = "outreach";
    in.window_from = from;
    in.window_until = until;
    const auto created = create_request(db, in, now, who);
    auto q = store::prepare(db, "UPDATE request SET outreach_round_id = ? WHERE id = ?");
    q->bind(1, round_id);
    q->bind(2, created.id);
    q->exec();
    return created.id;
}

}  // namespace

register_import_result import_register(SQLite::Database& db, std::string_view text, const phone_plan& phones,
                                       std::int64_t now, const actor& who) {
    register_import_result out;
    fault_list faults{out.faults};
    static constexpr csv_column columns[] = {{"first_name", "prenom"},        {"last_name", "nom"},
                                             {"phone", "telephone"},          {"address", "adresse"},
                                             {"neighbourhood", "quartier"},   {"needs", "besoins", false},
                                             {"languages", "langues", false}, {"email", "courriel", false}};
    enum { c_first, c_last, c_phone, c_addr, c_nb, c_needs, c_lang, c_email };
    const auto sheet = open_csv_sheet(text, columns, max_rows, "residents", faults);
    if (!sheet)
        return out;
    auto fault = [&](const std::string& where, const std::string& field, const std::string& problem) {
        faults.add(where, field, problem);
    };
    std::map<std::string, std::string> neighbourhoods;
    for (const auto& n : list_neighbourhoods(db)) {
        neighbourhoods[ascii_lower(n.code)] = n.code;
        neighbourhoods[ascii_lower(n.name)] = n.code;
    }
    static const std::map<std::string, int> need_words{{"isolated", 0},
                                                       {"isole", 0},
                                                       {"isolé", 0},
                                                       {"isolée", 0},
                                                       {"reduced_mobility", 1},
                                                       {"mobilite_reduite", 1},
                                                       {"mobilité réduite", 1},
                                                       {"visually_impaired", 2},
                                                       {"malvoyant", 2},
                                                       {"malvoyante", 2},
                                                       {"not_french_speaking", 3},
                                                       {"non_francophone", 3},
                                                       {"non francophone", 3}};
    std::vector<resident_input> rows;
    std::set<std::string> seen;
    for (const auto& row : sheet->table.rows) {
        const std::string where = "line " + std::to_string(row.line);
        const std::size_t before = out.faults.size();
        resident_input r;
        r.first_name = sheet->field(row, c_first);
        r.last_name = sheet->field(row, c_last);
        if (r.first_name.empty() || r.first_name.size() > 80)
            fault(where, "first_name", "is required (1 to 80 characters)");
        if (r.last_name.empty() || r.last_name.size() > 80)
            fault(where, "last_name", "is required (1 to 80 characters)");
        if (auto p = phones.normalize(sheet->field(row, c_phone)))
            r.phone = *p;
        else
            fault(where, "phone", "must be a phone number of the city's country, or with its country code");
        r.address = sheet->field(row, c_addr);
        if (r.address.size() < 3 || r.address.size() > 300)
            fault(where, "address", "is required (3 to 300 characters)");
        if (auto nb = neighbourhoods.find(ascii_lower(sheet->field(row, c_nb))); nb != neighbourhoods.end())
            r.neighbourhood = nb->second;
        else
            fault(where, "neighbourhood", "is not one of the city's neighbourhoods (its code or its name)");
        for (const auto& n : csv_list_items(sheet->field(row, c_needs))) {
            const auto w = need_words.find(ascii_lower(n));
            if (w == need_words.end()) {
                fault(
                    where, "needs",
                    "'" + n.substr(0, 40) +
                        "' is not one of isolated, reduced_mobility, visually_impaired, not_french_speaking");
                continue;
            }
            bool* flags[] = {&r.needs.isolated, &r.needs.reduced_mobility, &r.needs.visually_impaired,
                             &r.needs.not_french_speaking};
            *flags[w->second] = true;
        }
        r.languages.clear();
        for (const auto& l : csv_list_items(sheet->field(row, c_lang))) {
            if (!valid_language(ascii_lower(l)))
                fault(where, "languages", "'" + l.substr(0, 10) + "' must be a two-letter code like fr");
            else if (std::find(r.languages.begin(), r.languages.end(), ascii_lower(l)) == r.languages.end())
                r.languages.push_back(ascii_lower(l));
        }
        if (r.languages.empty())
            r.languages = {"fr"};
        if (const auto e = sheet->field(row, c_email); !e.empty()) {
            if (auto ok = normalize_email(e))
                r.email = *ok;
            else
                fault(where, "email", "must be an email address like name@example.org, or empty");
        }
        if (!seen.insert(r.phone + "|" + ascii_lower(r.last_name)).second && !r.phone.empty())
            fault(where, "phone", "this person appears twice in the file");
        if (out.faults.size() == before)
            rows.push_back(std::move(r));
    }
    if (!out.faults.empty())
        return out;
    auto entry =
        store::prepare(db,
                       "INSERT INTO register_entry(resident_id, source, added_at) VALUES (?, 'import', ?) "
                       "ON CONFLICT(resident_id) DO UPDATE SET removed_at = NULL");
    for (const auto& r : rows) {
        auto id = known_resident(db, r.phone, r.last_name);
        if (id) {
            ++out.existing;
        } else {
            id = record_resident(db, r, "outreach", "register", now, who);
            ++out.added;
        }
        entry->bind(1, *id);
        entry->bind(2, now);
        entry->exec();
        entry->reset();
    }
    append_event(db, now, who,
                 {"register",
                  "register",
                  "imported",
                  std::nullopt,
                  std::nullopt,
                  std::nullopt,
                  {{"added", out.added}, {"existing", out.existing}}});
    return out;
}

std::int64_t register_size(SQLite::Database& db) {
    auto q = store::prepare(db,
                            "SELECT COUNT(*) FROM register_entry e JOIN resident r ON r.id = e.resident_id "
                            "WHERE e.removed_at IS NULL AND r.erased_at IS NULL");
    q->executeStep();
    return q->getColumn(0).getInt64();
}

std::string launch_round(SQLite::Database& db, const std::string& name, const std::string& category,
                         std::int64_t from, std::int64_t until, std::int64_t now, const actor& who) {
    std::vector<std::string> residents;
    {
        auto q = store::prepare(
            db,
            "SELECT e.resident_id FROM register_entry e JOIN resident r ON r.id = e.resident_id "
            "WHERE e.removed_at IS NULL AND r.erased_at IS NULL ORDER BY r.seq");
        while (q->executeStep())
            residents.push_back(q->getColumn(0).getString());
    }
    if (residents.empty())
        throw validation_error({{"register", "is empty: import the register of residents to call first"}});
    const std::string id = new_id("otr");
    {
        auto q =
            store::prepare(db,
                           "INSERT INTO outreach_round(id, name, category, created_at, created_by, requests) "
                           "VALUES (?, ?, ?, ?, ?, ?)");
        q->bind(1, id);
        q->bind(2, name);
        q->bind(3, category);
        q->bind(4, now);
        q->bind(5, who.id);
        q->bind(6, static_cast<std::int64_t>(residents.size()));
        q->exec();
    }
    append_event(db, now, who,
                 {"outreach_round",
                  id,
                  "launched",
                  std::nullopt,
                  std::nullopt,
                  std::nullopt,
                  {{"category", category}, {"requests", static_cast<std::int64_t>(residents.size())}}});
    for (const auto& r : residents)
        round_request(db, id, r, category, name, from, until, now, who);
    return id;
}

round_progress load_round(SQLite::Database& db, const std::string& id) {
    round_progress p;
    {
        auto q = store::prepare(db, "SELECT id, name, category, created_at FROM outreach_round WHERE id = ?");
        q->bind(1, id);
        if (!q->executeStep())
            throw not_found("No such outreach round.");
        p.id = q->getColumn(0).getString();
        p.name = q->getColumn(1).getString();
        p.category = q->getColumn(2).getString();
        p.created_at = q->getColumn(3).getInt64();
    }
    // Per resident of the round: the latest outcome of any of their calls in it, and whether a call of theirs
    // is with a volunteer now.
    auto q = store::prepare(
        db,
        "SELECT r.resident_id, "
        " (SELECT o.outcome FROM outreach_outcome o JOIN request x ON x.id = o.request_id "
        "  WHERE o.round_id = ?1 AND x.resident_id = r.resident_id ORDER BY o.seq DESC LIMIT 1), "
        " MAX(EXISTS (SELECT 1 FROM mission m WHERE m.request_id = r.id "
        "  AND m.status IN ('proposed','accepted'))) "
        "FROM request r WHERE r.outreach_round_id = ?1 GROUP BY r.resident_id");
    q->bind(1, id);
    while (q->executeStep()) {
        ++p.residents;
        const std::string o = q->getColumn(1).isNull() ? "" : q->getColumn(1).getString();
        if (o.empty())
            ++p.pending;
        else if (o == "reached_fine")
            ++p.reached_fine;
        else if (o == "needs_help")
            ++p.needs_help;
        else if (o == "not_reached")
            ++p.not_reached;
        else
            ++p.declined;
        if (q->getColumn(2).getInt())
            ++p.calls_assigned;
    }
    return p;
}

std::vector<round_progress> list_rounds(SQLite::Database& db, int limit) {
    std::vector<std::string> ids;
    {
        auto q = store::prepare(db, "SELECT id FROM outreach_round ORDER BY seq DESC LIMIT ?");
        q->bind(1, limit);
        while (q->executeStep())
            ids.push_back(q->getColumn(0).getString());
    }
    std::vector<round_progress> out;
    for (const auto& id : ids)
        out.push_back(load_round(db, id));
    return out;
}

namespace {

/// The outcome's row and its event (the round's progress counts them).
void insert_outcome(SQLite::Database& db, const std::string& round, const std::string& request_id,
                    const call_outcome& o, const std::optional<std::string>& follow_up, std::int64_t now,
                    const actor& who) {
    auto q = store::prepare(
        db,
        "INSERT INTO outreach_outcome(round_id, request_id, outcome, note, follow_up_request_id, "
        "at, by) VALUES (?, ?, ?, ?, ?, ?, ?)");
    q->bind(1, round);
    q->bind(2, request_id);
    q->bind(3, o.outcome);
    if (o.note)
        q->bind(4, *o.note);
    if (follow_up)
        q->bind(5, *follow_up);
    q->bind(6, now);
    q->bind(7, who.id);
    q->exec();
    append_event(db, now, who,
                 {"outreach_round",
                  round,
                  "call_recorded",
                  std::nullopt,
                  std::nullopt,
                  o.outcome,
                  {{"request_id", request_id}, {"outcome", o.outcome}}});
}

}  // namespace

std::optional<std::string> record_call_outcome(SQLite::Database& db, const std::string& request_id,
                                               const call_outcome& o, std::int64_t now, const actor& who) {
    const std::string round = round_of(db, request_id);
    const auto r = load_request(db, request_id);
    if (o.outcome == "needs_help" && !o.need_category)
        throw validation_error({{"need.category", "is required when the resident needs help"}});
    std::optional<std::string> follow_up;
    const bool open = r.status != "closed";
    if (o.outcome == "not_reached") {
        if (open) {
            flag_redispatch(db, request_id, now);  // called again: back on top of the queue
        } else {
            follow_up = round_request(db, round, r.resident_id, r.category, r.details,
                                      std::max(now, r.window_from) + 86400,
                                      std::max(now, r.window_until) + 7 * 86400, now, who);
        }
    } else if (open) {
        close_request(
            db, request_id, o.outcome == "declined" ? "cancelled" : "fulfilled",
            o.outcome == "declined" ? std::optional<std::string>("declined the call") : std::nullopt, now,
            who);
    }
    if (o.outcome == "needs_help") {
        request_input in;
        in.resident_id = r.resident_id;
        in.category = *o.need_category;
        in.details = o.need_details.value_or("");
        in.urgency = "48h";
        in.recurrence = "once";
        in.channel = "outreach";
        in.window_from = now;
        in.window_until = now + 7 * 86400;
        follow_up = create_request(db, in, now, who).id;
    }
    insert_outcome(db, round, request_id, o, follow_up, now, who);
    return follow_up;
}

std::optional<std::string> record_mission_call(SQLite::Database& db, const std::string& mission_id,
                                               const call_outcome& o, int duration_minutes, std::int64_t now,
                                               const actor& who) {
    const auto m = load_mission(db, mission_id);
    const std::string round = round_of(db, m.request_id);
    if (m.status != "accepted")
        throw conflict("Only an accepted call can be reported; this one is " + m.status + ".");
    if (now < m.starts_at)
        throw conflict("The call's time has not come yet: report it once you have called.");
    if (o.outcome == "needs_help" && !o.need_category)
        throw validation_error({{"need.category", "is required when the resident needs help"}});
    if (o.outcome == "reached_fine" || o.outcome == "needs_help") {
        // The call took place: the mission is done (a one-off call's request closes as fulfilled with it).
        mission_report report;
        report.duration_minutes = duration_minutes;
        report.outcome = o.outcome == "reached_fine" ? "good" : "difficult";
        report.note = o.note;
        complete_mission(db, mission_id, report, now, who);
        return record_call_outcome(db, m.request_id, o, now, who);
    }
    if (o.outcome == "not_reached") {
        // Missed puts the call back on top of the queue (flagged once: not through record_call_outcome).
        mark_missed(db, mission_id, o.note, now, who);
        insert_outcome(db, round, m.request_id, o, std::nullopt, now, who);
        return std::nullopt;
    }
    // Declined: the request closes as cancelled, which cancels this mission.
    return record_call_outcome(db, m.request_id, o, now, who);
}

}  // namespace relais::domain
