#include "stats/summary_query.hpp"
#include "store/statement_cache.hpp"

#include "domain/stats_recorder.hpp"
#include "stats/facts.hpp"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>
#include <boost/json.hpp>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace relais::stats {

namespace json = boost::json;

namespace {

bool in(std::int64_t t, std::int64_t lo, std::int64_t hi) {
    return t >= lo && t < hi;
}

std::optional<std::int64_t> opt_int(SQLite::Statement& q, int i) {
    if (q.getColumn(i).isNull())
        return std::nullopt;
    return q.getColumn(i).getInt64();
}

/// A period read from the statistics tables, which count by UTC day, with its weeks in the city's calendar.
/// The period is cut into whole UTC days [first_day, last_day), counted from the daily counters and cells,
/// and the partial days at its ends, read exactly (event log, occurrence rows). A whole day's counts go to
/// the week holding most of it (its middle); when a city week starts inside it (Monday 00:00 in Paris is
/// 23:00 or 22:00 UTC on Sunday), the smaller piece on the other side of the week's start, its "minor
/// piece", is read exactly and its counts moved to its own week: an hour or two a week in Paris.
struct day_split {
    std::vector<std::pair<std::int64_t, std::int64_t>> weeks;  ///< the city's weeks, clipped to the period
    std::int64_t first_day = 0, last_day = 0;  ///< whole days; empty when first_day >= last_day
    std::vector<std::pair<std::int64_t, std::int64_t>> partial;

    /// The part of a whole day on the other side of a week's start from most of the day.
    struct minor_piece {
        std::int64_t lo = 0, hi = 0;
        std::size_t major = 0;  ///< the week the day's counts went to
        std::size_t minor = 0;  ///< the week the piece belongs to
    };
    std::vector<minor_piece> minors;

    day_split(const period& p, const domain::city_time& city) : weeks(weeks_of(p, city)) {
        const std::int64_t a = p.from, b = p.until;
        first_day = day_of(a) + (a == day_of(a) * day_s ? 0 : 1);
        last_day = day_of(b);
        if (first_day >= last_day) {
            first_day = last_day = 0;
            partial.emplace_back(a, b);
            return;
        }
        if (a < first_day * day_s)
            partial.emplace_back(a, first_day * day_s);
        if (last_day * day_s < b)
            partial.emplace_back(last_day * day_s, b);
        for (std::size_t w = 1; w < weeks.size(); ++w) {
            const std::int64_t cut = weeks[w].first, d = day_of(cut);
            if (cut == d * day_s || !whole(d))
                continue;  // a week starting at a UTC midnight, or inside a partial day (read exactly)
            if (d * day_s + day_s / 2 < cut)
                minors.push_back({cut, (d + 1) * day_s, w - 1, w});
            else
                minors.push_back({d * day_s, cut, w, w - 1});
        }
    }
    bool has_whole_days() const { return first_day < last_day; }
    bool whole(std::int64_t day) const { return day >= first_day && day < last_day; }

    /// Index of the week holding instant `t` of the period.
    std::size_t week_of(std::int64_t t) const {
        const auto it = std::upper_bound(weeks.begin(), weeks.end(), t,
                                         [](std::int64_t x, const auto& w) { return x < w.first; });
        return static_cast<std::size_t>(std::max<std::ptrdiff_t>(it - weeks.begin() - 1, 0));
    }
    /// The week a whole day's counts go to: the one holding its middle.
    std::size_t week_of_day(std::int64_t day) const { return week_of(day * day_s + day_s / 2); }
};

// --- volunteers
// ----------------------------------------------------------------------------------------------

struct registration_row {
    std::string person, neighbourhood, reason;
    std::int64_t registered_at = 0;
    std::optional<std::int64_t> validated_at, withdrawn_at;
};

void volunteer_figures(SQLite::Database& db, const period& p, const day_split& days, summary& s) {
    const std::int64_t a = p.from, b = p.until;
    std::vector<registration_row> regs;
    {
        auto q_lease = store::prepare(
            db,
            "SELECT person, neighbourhood, COALESCE(withdrawal_reason, ''), registered_at, "
            "validated_at, withdrawn_at FROM stat_volunteer ORDER BY person, registered_at, seq");
        SQLite::Statement& q = *q_lease;
        while (q.executeStep())
            regs.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                            q.getColumn(2).getString(), q.getColumn(3).getInt64(), opt_int(q, 4),
                            opt_int(q, 5)});
    }
    const auto& weeks = days.weeks;
    std::vector<std::int64_t> week_ends;
    for (const auto& w : weeks)
        week_ends.push_back(w.second);
    std::vector<std::int64_t> active_delta(weeks.size() + 1, 0);
    for (const auto& r : regs) {
        if (in(r.registered_at, a, b))
            ++s.volunteer_registrations;
        if (r.withdrawn_at && in(*r.withdrawn_at, a, b)) {
            auto& w = s.withdrawals[r.reason.empty() ? unspecified_reason : r.reason];
            ++w.count;
            if (r.validated_at && *r.validated_at <= *r.withdrawn_at)
                ++w.after_validation;
        }
        for (std::size_t i = 0; i < retention_weeks.size(); ++i) {
            const std::int64_t span = retention_weeks[i] * week_s;
            if (!r.validated_at || !in(*r.validated_at, a, b) || *r.validated_at + span > b)
                continue;
            ++s.retention[i].cohort;
            if (!r.withdrawn_at || *r.withdrawn_at >= *r.validated_at + span)
                ++s.retention[i].retained;
        }
    }
    for (std::size_t i = 0; i < retention_weeks.size(); ++i)
        s.retention[i].weeks = retention_weeks[i];

    // Per person (rows are grouped by person, in registration order). Registration i is the person's latest
    // for the instants t with registered_i < t <= registered_{i+1}; it makes them active for the instants
    // with validated_i < t <= withdrawn_i as well.
    for (std::size_t begin = 0; begin < regs.size();) {
        std::size_t end = begin;
        while (end < regs.size() && regs[end].person == regs[begin].person)
            ++end;
        const auto& first = regs[begin];
        const bool counted = in(first.registered_at, a, b);
        if (counted) {
            ++s.volunteers_registered;
            ++s.by_neighbourhood[first.neighbourhood].volunteers_registered;
        }
        for (std::size_t i = begin; i < end; ++i) {
            const auto& r = regs[i];
            const std::int64_t next = i + 1 < end ? regs[i + 1].registered_at : INT64_MAX;
            if (counted && r.registered_at < b && b <= next) {  // the latest registration at `until`
                if (r.withdrawn_at && *r.withdrawn_at < b)
                    ++s.volunteers_withdrawn;
                else if (r.validated_at && *r.validated_at < b)
                    ++s.volunteers_active;
                else
                    ++s.volunteers_awaiting_validation;
            }
            if (!r.validated_at)
                continue;
            const std::int64_t lo = std::max(r.registered_at, *r.validated_at);
            const std::int64_t hi = std::min(next, r.withdrawn_at.value_or(INT64_MAX));
            // Weeks whose end instant lies in (lo, hi] (the end instants increase with the week).
            const auto first = std::upper_bound(week_ends.begin(), week_ends.end(), lo);
            const auto last = std::upper_bound(week_ends.begin(), week_ends.end(), hi);
            if (first < last) {
                ++active_delta[static_cast<std::size_t>(first - week_ends.begin())];
                --active_delta[static_cast<std::size_t>(last - week_ends.begin())];
            }
        }
        begin = end;
    }
    std::int64_t running = 0;
    for (std::size_t w = 0; w < weeks.size(); ++w) {
        running += active_delta[w];
        s.weekly[w].volunteers_active = running;
    }
}

// --- requests
// ------------------------------------------------------------------------------------------------

/// Where the period's requests stand at `until`, and their delays. Reads integers only, through SQLite's own
/// interface (this is the one scan whose length grows with the period's requests).
void request_figures(SQLite::Database& db, const period& p, summary& s) {
    const std::int64_t b = p.until;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(
            db.getHandle(),
            "SELECT created_at, first_proposed_at, first_accepted_at, first_done_at, closed_at, outcome "
            "FROM stat_request WHERE created_at >= ? AND created_at < ?",
            -1, &raw, nullptr) != SQLITE_OK)
        throw std::runtime_error(sqlite3_errmsg(db.getHandle()));
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> q(raw, sqlite3_finalize);
    sqlite3_bind_int64(raw, 1, p.from);
    sqlite3_bind_int64(raw, 2, p.until);
    std::array<std::vector<std::int64_t>, 3> delays;
    auto at = [raw, b](int i, std::int64_t& t) {
        if (sqlite3_column_type(raw, i) == SQLITE_NULL)
            return false;
        t = sqlite3_column_int64(raw, i);
        return t < b;
    };
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
        const std::int64_t created = sqlite3_column_int64(raw, 0);
        std::int64_t t = 0;
        for (int i = 0; i < 3; ++i)
            if (at(i + 1, t))
                delays[static_cast<std::size_t>(i)].push_back(t - created);
        const auto* outcome = reinterpret_cast<const char*>(sqlite3_column_text(raw, 5));
        const std::string_view o = outcome ? outcome : "";
        if (at(3, t))
            ++s.outcomes.helped;
        else if (!at(4, t))
            ++s.outcomes.open;
        else if (o == "cancelled")
            ++s.outcomes.cancelled;
        else if (o == "unfulfillable")
            ++s.outcomes.unfulfillable;
        else
            ++s.outcomes.fulfilled_otherwise;
    }
    if (rc != SQLITE_DONE)
        throw std::runtime_error(sqlite3_errmsg(db.getHandle()));
    s.unfulfilled_requests = s.outcomes.unfulfillable + s.outcomes.open;
    for (std::size_t i = 0; i < 3; ++i) {
        s.delays[i].requests = static_cast<std::int64_t>(delays[i].size());
        s.delays[i].median = nearest_rank(delays[i], 50);
        s.delays[i].p90 = nearest_rank(delays[i], 90);
    }
}

// --- daily counters
// ------------------------------------------------------------------------------------------

/// The weekly cell a count of `metric` feeds, if any.
std::int64_t week_row::*week_field(std::string_view metric) {
    if (metric == "done")
        return &week_row::missions_done;
    if (metric == "request")
        return &week_row::requests;
    return nullptr;
}

/// Adds `n` to the figure a daily counter (metric, key) feeds; `week` is the index of the week it counts in.
void apply_count(summary& s, std::size_t week, std::string_view metric, const std::string& key,
                 std::int64_t n) {
    struct additive {
        std::string_view base;
        std::int64_t breakdown_row::*field;
        std::int64_t summary::*total;
        std::int64_t week_row::*week;
    };
    static const additive kinds[] = {
        {"done", &breakdown_row::missions_done, &summary::missions_done, week_field("done")},
        {"support", &breakdown_row::supports, &summary::supports, nullptr},
        {"request", &breakdown_row::requests, &summary::requests, week_field("request")},
    };
    for (const auto& k : kinds) {
        if (!metric.starts_with(k.base))
            continue;
        const auto rest = metric.substr(k.base.size());
        if (rest.empty()) {
            s.*k.total += n;
            if (k.week)
                s.weekly[week].*k.week += n;
        } else if (rest == ".category") {
            s.by_category[key].*k.field += n;
        } else if (rest == ".neighbourhood") {
            s.by_neighbourhood[key].*k.field += n;
        } else if (rest == ".channel") {
            s.by_channel[key].*k.field += n;
        }
        return;
    }
    if (metric == "setback") {
        const auto bar = key.find('|');
        s.setbacks[{key.substr(0, bar),
                    bar == std::string::npos ? unspecified_reason : key.substr(bar + 1)}] += n;
    } else if (metric == "welfare") {
        s.welfare_concerns += n;
    } else if (metric == "redispatch") {
        s.redispatches += n;
    }
}

/// Calls f(at, metric, key) for every count the events in [lo, hi) make, by the recorder's own rule.
template <class F>
void event_counts(SQLite::Database& db, recorder& lookups, std::int64_t lo, std::int64_t hi, F f) {
    auto q_lease =
        store::prepare(db,
                       "SELECT seq, at, entity, entity_id, action, reason, data FROM event WHERE action IN "
                       "('done','created','declined','expired','dropped','missed','welfare_concern',"
                       "'redispatch_flagged') AND at >= ? AND at < ?");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(lo));
    q.bind(2, static_cast<std::int64_t>(hi));
    while (q.executeStep()) {
        const std::int64_t at = q.getColumn(1).getInt64();
        const std::string entity = q.getColumn(2).getString(), id = q.getColumn(3).getString(),
                          action = q.getColumn(4).getString();
        const std::optional<std::string> reason =
            q.getColumn(5).isNull() ? std::nullopt : std::optional<std::string>(q.getColumn(5).getString());
        const json::value data = json::parse(q.getColumn(6).getString());
        const json::object none;
        const event_view e{q.getColumn(0).getInt64(),
                           at,
                           entity,
                           id,
                           action,
                           reason,
                           data.is_object() ? data.as_object() : none};
        day_counts(
            e, [&](const std::string& rid) { return lookups.request(rid); },
            [&](const std::string& metric, const std::string& key) { f(at, metric, key); });
    }
}

void counter_figures(SQLite::Database& db, const day_split& days, summary& s) {
    if (days.has_whole_days()) {
        auto q_lease =
            store::prepare(db, "SELECT day, metric, key, n FROM stat_day WHERE day >= ? AND day < ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, static_cast<std::int64_t>(days.first_day));
        q.bind(2, static_cast<std::int64_t>(days.last_day));
        while (q.executeStep())
            apply_count(s, days.week_of_day(q.getColumn(0).getInt64()), q.getColumn(1).getText(),
                        q.getColumn(2).getString(), q.getColumn(3).getInt64());
    }
    recorder lookups(db);
    // The partial days: the events themselves.
    for (auto [lo, hi] : days.partial)
        event_counts(db, lookups, lo, hi,
                     [&](std::int64_t at, const std::string& metric, const std::string& key) {
                         apply_count(s, days.week_of(at), metric, key, 1);
                     });
    // The minor pieces: their weekly counts move from the week their day went to, to their own. Only the
    // weekly cells change, and the recorder counts them one per event (a mission done: "done"; a request
    // created: "request"), so the events are counted without decoding them.
    auto m_lease =
        store::prepare(db,
                       "SELECT entity, COUNT(*) FROM event WHERE ((entity = 'mission' AND action = "
                       "'done') OR (entity = 'request' AND action = 'created')) AND at >= ? AND "
                       "at < ? GROUP BY entity");
    SQLite::Statement& mq = *m_lease;
    for (const auto& m : days.minors) {
        mq.reset();
        mq.bind(1, static_cast<std::int64_t>(m.lo));
        mq.bind(2, static_cast<std::int64_t>(m.hi));
        while (mq.executeStep()) {
            const auto field = week_field(mq.getColumn(0).getString() == "mission" ? "done" : "request");
            const std::int64_t n = mq.getColumn(1).getInt64();
            s.weekly[m.major].*field -= n;
            s.weekly[m.minor].*field += n;
        }
    }
}

// --- distinct counts over chained occurrences
// ----------------------------------------------------------------

/// The number of subjects of `kind` with an occurrence in the period and, `with_weeks`, in each of its weeks
/// (out[0] the period, out[1 + w] its week w): the occurrences x in an interval [lo, hi) whose previous
/// occurrence y (of the same subject) is before lo. Every x falls in the period and in one week, so each row
/// or cell is checked against those two intervals only.
std::vector<std::int64_t> distinct_counts(SQLite::Database& db, int kind, const period& p,
                                          const day_split& days, bool with_weeks) {
    std::vector<std::pair<std::int64_t, std::int64_t>> intervals{{p.from, p.until}};
    if (with_weeks)
        intervals.insert(intervals.end(), days.weeks.begin(), days.weeks.end());
    std::vector<std::int64_t> out(intervals.size(), 0);
    const std::size_t n_held = with_weeks ? 2 : 1;
    // The intervals an occurrence of a partial day, at x, counts in: the period, and the week of x.
    auto holding = [&](std::int64_t x) {
        return std::array<std::size_t, 2>{0, with_weeks ? 1 + days.week_of(x) : 0};
    };
    // The intervals the occurrences of whole day `d` count in: the period, and the week the day went to.
    auto holding_day = [&](std::int64_t d) {
        return std::array<std::size_t, 2>{0, with_weeks ? 1 + days.week_of_day(d) : 0};
    };
    if (days.has_whole_days()) {
        // Whole days: (day of x, day of y) cells. A cell is decided by days alone unless y's day is the day
        // of an unaligned interval start (then the rows are looked at below).
        auto q_lease =
            store::prepare(db, "SELECT dx, dy, n FROM stat_gap WHERE kind = ? AND dx >= ? AND dx < ?");
        SQLite::Statement& q = *q_lease;
        q.bind(1, kind);
        q.bind(2, static_cast<std::int64_t>(days.first_day));
        q.bind(3, static_cast<std::int64_t>(days.last_day));
        while (q.executeStep()) {
            const std::int64_t dx = q.getColumn(0).getInt64(), dy = q.getColumn(1).getInt64(),
                               n = q.getColumn(2).getInt64();
            const auto ks = holding_day(dx);
            for (std::size_t i = 0; i < n_held; ++i)
                if (dy < day_of(intervals[ks[i]].first))
                    out[ks[i]] += n;
        }
        // Rows of whole days whose previous occurrence is on the day of an unaligned interval start, before
        // that start: they count for that interval (the period's `from`, a city week's Monday 00:00).
        auto r_lease = store::prepare(
            db, "SELECT x FROM stat_occurrence WHERE kind = ? AND y >= ? AND y < ? AND x >= ? AND x < ?");
        SQLite::Statement& r = *r_lease;
        for (std::size_t k = 0; k < intervals.size(); ++k) {
            const auto [lo, hi] = intervals[k];
            const std::int64_t dlo = day_of(lo);
            if (lo == dlo * day_s)
                continue;
            // The whole days that may count for the interval (those of its week, or the period's).
            const std::int64_t first = std::max(days.first_day, dlo),
                               last = std::min(days.last_day, day_of(hi - 1) + 1);
            if (first >= last)
                continue;
            r.reset();
            r.bind(1, kind);
            r.bind(2, static_cast<std::int64_t>(dlo * day_s));
            r.bind(3, static_cast<std::int64_t>(lo));
            r.bind(4, static_cast<std::int64_t>(first * day_s));
            r.bind(5, static_cast<std::int64_t>(last * day_s));
            while (r.executeStep()) {
                const std::int64_t dx = day_of(r.getColumn(0).getInt64());
                const auto ks = holding_day(dx);
                if (days.whole(dx) && (ks[0] == k || (with_weeks && ks[1] == k)))
                    ++out[k];
            }
        }
        // The minor pieces: their occurrences were counted for the week their day went to; they count for
        // their own week instead.
        if (with_weeks) {
            auto m_lease =
                store::prepare(db, "SELECT x, y FROM stat_occurrence WHERE kind = ? AND x >= ? AND x < ?");
            SQLite::Statement& m = *m_lease;
            for (const auto& piece : days.minors) {
                m.reset();
                m.bind(1, kind);
                m.bind(2, static_cast<std::int64_t>(piece.lo));
                m.bind(3, static_cast<std::int64_t>(piece.hi));
                while (m.executeStep()) {
                    const auto y = opt_int(m, 1);
                    if (!y || *y < days.weeks[piece.major].first)
                        --out[1 + piece.major];
                    if (!y || *y < days.weeks[piece.minor].first)
                        ++out[1 + piece.minor];
                }
            }
        }
    }
    // Partial days: every occurrence, exactly.
    auto q_lease = store::prepare(db, "SELECT x, y FROM stat_occurrence WHERE kind = ? AND x >= ? AND x < ?");
    SQLite::Statement& q = *q_lease;
    for (auto [lo, hi] : days.partial) {
        q.reset();
        q.bind(1, kind);
        q.bind(2, static_cast<std::int64_t>(lo));
        q.bind(3, static_cast<std::int64_t>(hi));
        while (q.executeStep()) {
            const std::int64_t x = q.getColumn(0).getInt64();
            const auto y = opt_int(q, 1);
            const auto ks = holding(x);
            for (std::size_t i = 0; i < n_held; ++i) {
                const auto [ilo, ihi] = intervals[ks[i]];
                if (in(x, ilo, ihi) && (!y || *y < ilo))
                    ++out[ks[i]];
            }
        }
    }
    return out;
}

}  // namespace

summary compute_summary(SQLite::Database& db, const period& p, const domain::city_time& city) {
    summary s;
    s.p = p;
    const day_split days(p, city);
    const auto& weeks = days.weeks;
    for (auto [lo, hi] : weeks)
        s.weekly.push_back(week_row{monday_of(lo, city), 0, 0, 0, 0});

    volunteer_figures(db, p, days, s);
    request_figures(db, p, s);
    counter_figures(db, days, s);

    const auto mobilised = distinct_counts(db, occ_mobilised, p, days, true);
    s.volunteers_mobilised = mobilised[0];
    for (std::size_t w = 0; w < weeks.size(); ++w)
        s.weekly[w].volunteers_mobilised = mobilised[w + 1];
    s.residents_helped = distinct_counts(db, occ_helped, p, days, false)[0];
    s.residents_requesting = distinct_counts(db, occ_requesting, p, days, false)[0];

    drop_empty_rows(s);
    return s;
}

}  // namespace relais::stats
