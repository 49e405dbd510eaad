#include "domain/programmes.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/requests.hpp"
#include "domain/supports.hpp"
#include "domain/time_format.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <map>
#include <set>

namespace relais::domain {

const std::vector<std::string> review_decisions{"continue", "hand_over", "end"};

namespace {

constexpr const char* period_select =
    "SELECT p.id, p.name, p.starts_on, p.ends_on, p.status, p.created_at, p.closed_at, "
    "(SELECT COUNT(*) FROM request r WHERE r.programme_id = p.id), "
    "(SELECT COUNT(*) FROM support s JOIN request r ON r.id = s.request_id "
    " WHERE r.programme_id = p.id AND s.status = 'active') "
    "FROM programme_period p ";

programme_period read_period(SQLite::Statement& q) {
    programme_period p;
    p.id = q.getColumn(0).getString();
    p.name = q.getColumn(1).getString();
    p.starts_on = q.getColumn(2).getString();
    if (!q.getColumn(3).isNull())
        p.ends_on = q.getColumn(3).getString();
    p.status = q.getColumn(4).getString();
    p.created_at = q.getColumn(5).getInt64();
    if (!q.getColumn(6).isNull())
        p.closed_at = q.getColumn(6).getInt64();
    p.requests = q.getColumn(7).getInt64();
    p.active_supports = q.getColumn(8).getInt64();
    return p;
}

std::string day_before(const std::string& date) {
    return format_iso8601(parse_date(date).value_or(0) - 86400).substr(0, 10);
}

}  // namespace

std::vector<programme_period> list_programme_periods(SQLite::Database& db) {
    auto q = store::prepare(db, std::string(period_select) + "ORDER BY p.seq DESC");
    std::vector<programme_period> out;
    while (q->executeStep())
        out.push_back(read_period(*q));
    return out;
}

programme_period load_programme_period(SQLite::Database& db, const std::string& id) {
    auto q = store::prepare(db, std::string(period_select) + "WHERE p.id = ?");
    q->bind(1, id);
    if (!q->executeStep())
        throw not_found("No such programme.");
    return read_period(*q);
}

std::string current_programme_id(SQLite::Database& db) {
    auto q = store::prepare(db, "SELECT id FROM programme_period WHERE status = 'current'");
    if (!q->executeStep())
        throw not_found("No programme is current.");
    return q->getColumn(0).getString();
}

close_outcome close_programme(SQLite::Database& db, const std::string& id, const next_programme& next,
                              const std::vector<support_review>& reviews, std::int64_t now,
                              const actor& who) {
    const auto closing = load_programme_period(db, id);
    if (closing.status != "current")
        throw conflict("This programme is closed already; only the current one can be closed.");
    if (next.starts_on < closing.starts_on)
        throw validation_error(
            {{"next.starts_on",
              "must not be before the start of the programme it follows (" + closing.starts_on + ")"}});
    if (next.ends_on && *next.ends_on < next.starts_on)
        throw validation_error({{"next.ends_on", "must not be before next.starts_on"}});

    // Every running support, once: all faults named before anything is written.
    std::set<std::string> running;
    {
        auto q = store::prepare(db, "SELECT id FROM support WHERE status = 'active'");
        while (q->executeStep())
            running.insert(q->getColumn(0).getString());
    }
    std::vector<field_error> faults;
    std::set<std::string> reviewed;
    for (std::size_t i = 0; i < reviews.size(); ++i) {
        const auto& r = reviews[i];
        const std::string at = "reviews[" + std::to_string(i) + "]";
        if (!running.count(r.support_id))
            faults.push_back({at + ".support_id", "is not a running support"});
        else if (!reviewed.insert(r.support_id).second)
            faults.push_back({at + ".support_id", "is reviewed twice"});
        if (r.decision == "hand_over") {
            if (!r.partner_id) {
                faults.push_back({at + ".partner_id", "is required to hand a support over"});
            } else {
                auto p = store::prepare(db, "SELECT 1 FROM partner WHERE id = ?");
                p->bind(1, *r.partner_id);
                if (!p->executeStep())
                    faults.push_back({at + ".partner_id", "is not a known partner"});
            }
        }
    }
    for (const auto& s : running)
        if (!reviewed.count(s))
            faults.push_back({"reviews", "support " + s +
                                             " is running and has no decision: every running support is "
                                             "reviewed (continue, hand_over or end)"});
    if (!faults.empty())
        throw validation_error(std::move(faults));

    const std::string next_id = new_id("prg");
    {
        auto q =
            store::prepare(db,
                           "UPDATE programme_period SET status = 'closed', closed_at = ?, "
                           "ends_on = CASE WHEN ends_on IS NOT NULL AND ends_on < ? THEN ends_on ELSE ? END "
                           "WHERE id = ?");
        q->bind(1, now);
        q->bind(2, next.starts_on);
        q->bind(3, std::max(closing.starts_on, day_before(next.starts_on)));
        q->bind(4, id);
        q->exec();
    }
    {
        auto q =
            store::prepare(db,
                           "INSERT INTO programme_period(id, name, starts_on, ends_on, status, created_at) "
                           "VALUES (?, ?, ?, ?, 'current', ?)");
        q->bind(1, next_id);
        q->bind(2, next.name);
        q->bind(3, next.starts_on);
        if (next.ends_on)
            q->bind(4, *next.ends_on);
        q->bind(5, now);
        q->exec();
    }
    {
        // The city's settings row shows the current programme (its trigger mirrors into the new period).
        auto q = store::prepare(db,
                                "UPDATE programme SET name = ?, starts_on = ?, ends_on = ?, updated_at = ? "
                                "WHERE id = 1");
        q->bind(1, next.name);
        q->bind(2, next.starts_on);
        if (next.ends_on)
            q->bind(3, *next.ends_on);
        q->bind(4, now);
        q->exec();
    }
    append_event(db, now, who,
                 {"programme", id, "closed", "current", "closed", std::nullopt, {{"next", next_id}}});
    append_event(
        db, now, who,
        {"programme", next_id, "started", std::nullopt, "current", std::nullopt, {{"previous", id}}});

    close_outcome out;
    for (const auto& r : reviews) {
        const auto s = load_support(db, r.support_id);
        if (r.decision == "continue") {
            auto q = store::prepare(db, "UPDATE request SET programme_id = ? WHERE id = ?");
            q->bind(1, next_id);
            q->bind(2, s.request_id);
            q->exec();
            append_event(db, now, who,
                         {"request",
                          s.request_id,
                          "carried_over",
                          std::nullopt,
                          std::nullopt,
                          "programme_ended",
                          {{"programme_id", next_id}, {"support_id", s.id}}});
            ++out.continued;
        } else if (r.decision == "hand_over") {
            handover_support(db, s.id, *r.partner_id, r.note, now, who);
            close_request(db, s.request_id, "fulfilled", "handed over to a partner at the programme's end",
                          now, who);
            ++out.handed_over;
        } else {
            close_request(db, s.request_id, "fulfilled", r.note.value_or("ended with the programme"), now,
                          who);
            ++out.ended;
        }
    }
    out.closed = load_programme_period(db, id);
    out.current = load_programme_period(db, next_id);
    return out;
}

}  // namespace relais::domain
