#include "stats/facts.hpp"
#include "domain/json_text.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <unordered_map>

namespace relais::stats {

namespace json = boost::json;
using domain::text_of;

namespace {

bool in(std::int64_t t, std::int64_t lo, std::int64_t hi) {
    return t >= lo && t < hi;
}
bool before(const std::optional<std::int64_t>& t, std::int64_t limit) {
    return t && *t < limit;
}

enum class volunteer_state { none, awaiting, active, withdrawn };

/// A person's registrations in registration order.
struct person_history {
    std::vector<const registration_fact*> regs;

    /// The state after every event before `t`: that of the latest registration made before `t`.
    volunteer_state at(std::int64_t t) const {
        const registration_fact* latest = nullptr;
        for (const auto* r : regs)
            if (r->registered_at < t)
                latest = r;
        if (!latest)
            return volunteer_state::none;
        if (before(latest->withdrawn_at, t))
            return volunteer_state::withdrawn;
        if (before(latest->validated_at, t))
            return volunteer_state::active;
        return volunteer_state::awaiting;
    }
};

void set_min(std::optional<std::int64_t>& slot, std::int64_t t) {
    if (!slot || t < *slot)
        slot = t;
}

}  // namespace

summary aggregate(const season_facts& f, const period& p, const domain::city_time& city) {
    summary s;
    s.p = p;
    const std::int64_t a = p.from, b = p.until;

    // Persons, in registration order (the facts list registrations in the order they were made).
    std::map<std::string, person_history> persons;
    std::unordered_map<std::string, std::string> person_of;
    for (const auto& r : f.registrations) {
        persons[r.person].regs.push_back(&r);
        person_of[r.volunteer_id] = r.person;
        if (in(r.registered_at, a, b))
            ++s.volunteer_registrations;
        if (r.withdrawn_at && in(*r.withdrawn_at, a, b)) {
            auto& w = s.withdrawals[r.withdrawal_reason.empty() ? unspecified_reason : r.withdrawal_reason];
            ++w.count;
            if (r.validated_at && *r.validated_at <= *r.withdrawn_at)
                ++w.after_validation;
        }
    }
    for (auto& [person, h] : persons) {
        std::stable_sort(h.regs.begin(), h.regs.end(),
                         [](const auto* x, const auto* y) { return x->registered_at < y->registered_at; });
        const auto* first = h.regs.front();
        if (!in(first->registered_at, a, b))
            continue;
        ++s.volunteers_registered;
        ++s.by_neighbourhood[first->neighbourhood].volunteers_registered;
        switch (h.at(b)) {
            case volunteer_state::active:
                ++s.volunteers_active;
                break;
            case volunteer_state::awaiting:
                ++s.volunteers_awaiting_validation;
                break;
            case volunteer_state::withdrawn:
                ++s.volunteers_withdrawn;
                break;
            case volunteer_state::none:
                break;
        }
    }
    auto person = [&](const std::string& volunteer_id) {
        auto it = person_of.find(volunteer_id);
        return it == person_of.end() ? volunteer_id : it->second;
    };

    // Requests created in the period: breakdowns, outcomes at `until`, delays.
    std::unordered_map<std::string, const request_fact*> requests;
    for (const auto& r : f.requests)
        requests[r.id] = &r;
    const request_fact unknown{"", "", "unknown", "unknown", "unknown", 0, {}, {}, {}, {}, ""};
    auto request = [&](const std::string& id) -> const request_fact& {
        auto it = requests.find(id);
        return it == requests.end() ? unknown : *it->second;
    };
    std::set<std::string> requesting;
    std::array<std::vector<std::int64_t>, 3> delays;
    for (const auto& r : f.requests) {
        if (!in(r.created_at, a, b))
            continue;
        ++s.requests;
        ++s.by_category[r.category].requests;
        ++s.by_neighbourhood[r.neighbourhood].requests;
        ++s.by_channel[r.channel].requests;
        requesting.insert(r.resident_id);
        if (before(r.first_done_at, b))
            ++s.outcomes.helped;
        else if (before(r.closed_at, b) && r.outcome == "cancelled")
            ++s.outcomes.cancelled;
        else if (before(r.closed_at, b) && r.outcome == "unfulfillable")
            ++s.outcomes.unfulfillable;
        else if (before(r.closed_at, b))
            ++s.outcomes.fulfilled_otherwise;
        else
            ++s.outcomes.open;
        const std::optional<std::int64_t>* milestones[] = {&r.first_proposed_at, &r.first_accepted_at,
                                                           &r.first_done_at};
        for (std::size_t i = 0; i < 3; ++i)
            if (before(*milestones[i], b))
                delays[i].push_back(**milestones[i] - r.created_at);
    }
    s.residents_requesting = static_cast<std::int64_t>(requesting.size());
    s.unfulfilled_requests = s.outcomes.unfulfillable + s.outcomes.open;
    for (std::size_t i = 0; i < 3; ++i) {
        s.delays[i].requests = static_cast<std::int64_t>(delays[i].size());
        s.delays[i].median = nearest_rank(delays[i], 50);
        s.delays[i].p90 = nearest_rank(delays[i], 90);
    }

    // Missions done, supports, setbacks, re-dispatches, welfare concerns.
    std::set<std::string> mobilised, helped;
    for (const auto& d : f.done) {
        if (!in(d.at, a, b))
            continue;
        ++s.missions_done;
        const auto& r = request(d.request_id);
        ++s.by_category[r.category].missions_done;
        ++s.by_neighbourhood[r.neighbourhood].missions_done;
        ++s.by_channel[r.channel].missions_done;
        helped.insert(r.resident_id);
        mobilised.insert(person(d.volunteer_id));
    }
    s.volunteers_mobilised = static_cast<std::int64_t>(mobilised.size());
    s.residents_helped = static_cast<std::int64_t>(helped.size());
    for (const auto& sup : f.supports) {
        if (!in(sup.at, a, b))
            continue;
        ++s.supports;
        const auto& r = request(sup.request_id);
        ++s.by_category[r.category].supports;
        ++s.by_neighbourhood[r.neighbourhood].supports;
        ++s.by_channel[r.channel].supports;
    }
    for (const auto& sb : f.setbacks)
        if (in(sb.at, a, b))
            ++s.setbacks[{sb.kind, sb.reason.empty() ? unspecified_reason : sb.reason}];
    for (auto t : f.redispatches)
        s.redispatches += in(t, a, b) ? 1 : 0;
    for (auto t : f.welfare_concerns)
        s.welfare_concerns += in(t, a, b) ? 1 : 0;

    // Retention of the registrations validated in the period.
    for (std::size_t i = 0; i < retention_weeks.size(); ++i) {
        auto& row = s.retention[i];
        row.weeks = retention_weeks[i];
        const std::int64_t span = retention_weeks[i] * week_s;
        for (const auto& r : f.registrations) {
            if (!r.validated_at || !in(*r.validated_at, a, b) || *r.validated_at + span > b)
                continue;
            ++row.cohort;
            if (!r.withdrawn_at || *r.withdrawn_at >= *r.validated_at + span)
                ++row.retained;
        }
    }

    // Weeks.
    for (auto [lo, hi] : weeks_of(p, city)) {
        week_row w;
        w.starts = monday_of(lo, city);
        for (const auto& r : f.requests)
            w.requests += in(r.created_at, lo, hi) ? 1 : 0;
        std::set<std::string> week_mobilised;
        for (const auto& d : f.done)
            if (in(d.at, lo, hi)) {
                ++w.missions_done;
                week_mobilised.insert(person(d.volunteer_id));
            }
        w.volunteers_mobilised = static_cast<std::int64_t>(week_mobilised.size());
        for (const auto& [id, h] : persons)
            w.volunteers_active += h.at(hi) == volunteer_state::active ? 1 : 0;
        s.weekly.push_back(w);
    }
    drop_empty_rows(s);
    return s;
}

season_facts facts_from_log(SQLite::Database& db) {
    season_facts f;
    std::unordered_map<std::string, std::size_t> registration_of, request_of;
    std::unordered_map<std::string, std::string> person_by_email;
    auto email_lease = store::prepare(db, "SELECT email FROM volunteer WHERE id = ?");
    SQLite::Statement& email = *email_lease;
    auto q_lease =
        store::prepare(db, "SELECT at, entity, entity_id, action, reason, data FROM event ORDER BY seq");
    SQLite::Statement& q = *q_lease;
    while (q.executeStep()) {
        const std::int64_t at = q.getColumn(0).getInt64();
        const std::string entity = q.getColumn(1).getString();
        const std::string id = q.getColumn(2).getString();
        const std::string action = q.getColumn(3).getString();
        const std::string reason = q.getColumn(4).isNull() ? std::string() : q.getColumn(4).getString();
        const json::value parsed = json::parse(q.getColumn(5).getString());
        const json::object& data = parsed.as_object();
        if (entity == "volunteer") {
            if (action == "registered") {
                registration_fact r;
                r.volunteer_id = id;
                r.neighbourhood = text_of(data, "neighbourhood");
                r.registered_at = at;
                email.reset();
                email.bind(1, id);
                std::string e = email.executeStep() ? email.getColumn(0).getString() : std::string();
                auto [it, inserted] = person_by_email.try_emplace(e, id);
                r.person = e.empty() ? id : it->second;
                registration_of[id] = f.registrations.size();
                f.registrations.push_back(std::move(r));
            } else if (auto it = registration_of.find(id); it != registration_of.end()) {
                auto& r = f.registrations[it->second];
                if (action == "activated" && !r.validated_at)
                    r.validated_at = at;
                if (action == "withdrawn" && !r.withdrawn_at) {
                    r.withdrawn_at = at;
                    r.withdrawal_reason = reason;
                }
            }
        } else if (entity == "request") {
            if (action == "created") {
                request_fact r;
                r.id = id;
                r.resident_id = text_of(data, "resident_id");
                r.category = text_of(data, "category");
                r.neighbourhood = text_of(data, "neighbourhood");
                r.channel = text_of(data, "channel");
                r.created_at = at;
                request_of[id] = f.requests.size();
                f.requests.push_back(std::move(r));
            } else if (action == "closed") {
                if (auto it = request_of.find(id); it != request_of.end()) {
                    auto& r = f.requests[it->second];
                    r.closed_at = at;
                    r.outcome = text_of(data, "outcome");
                    if (r.outcome.empty())
                        r.outcome = reason;
                }
            } else if (action == "redispatch_flagged") {
                f.redispatches.push_back(at);
            }
        } else if (entity == "mission") {
            const std::string request_id = text_of(data, "request_id");
            request_fact* r = nullptr;
            if (auto it = request_of.find(request_id); it != request_of.end())
                r = &f.requests[it->second];
            if (action == "proposed" && r)
                set_min(r->first_proposed_at, at);
            else if (action == "accepted" && r)
                set_min(r->first_accepted_at, at);
            else if (action == "done") {
                if (r)
                    set_min(r->first_done_at, at);
                f.done.push_back({at, text_of(data, "volunteer_id"), request_id});
            } else if (action == "declined" || action == "expired" || action == "dropped" ||
                       action == "missed") {
                f.setbacks.push_back({at, action, reason});
            } else if (action == "welfare_concern") {
                f.welfare_concerns.push_back(at);
            }
        } else if (entity == "support" && action == "created") {
            f.supports.push_back({at, text_of(data, "request_id")});
        }
    }
    return f;
}

}  // namespace relais::stats
