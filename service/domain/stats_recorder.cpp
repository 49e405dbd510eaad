#include "domain/stats_recorder.hpp"
#include "domain/json_text.hpp"
#include "domain/time_format.hpp"
#include "store/statement_cache.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace relais::stats {

namespace json = boost::json;
using domain::text_of;

namespace {

const char* const statements[] = {
    // s_person: the person of an earlier registration with the same email (the new row is already written).
    "SELECT sv.person FROM volunteer v JOIN stat_volunteer sv ON sv.volunteer_id = v.id "
    "WHERE v.email = (SELECT email FROM volunteer WHERE id = :id) AND v.id <> :id AND v.erased_at IS NULL "
    "ORDER BY sv.registered_at, sv.seq LIMIT 1",
    // s_insert_volunteer
    "INSERT OR IGNORE INTO stat_volunteer(volunteer_id, person, neighbourhood, registered_at, seq) "
    "VALUES (?,?,?,?,?)",
    // s_validate
    "UPDATE stat_volunteer SET validated_at = ? WHERE volunteer_id = ? AND validated_at IS NULL",
    // s_withdraw
    "UPDATE stat_volunteer SET withdrawn_at = ?, withdrawal_reason = ? WHERE volunteer_id = ? AND "
    "withdrawn_at IS NULL",
    // s_insert_request
    "INSERT OR IGNORE INTO stat_request(created_at, request_id, resident_id, category, neighbourhood, "
    "channel) "
    "VALUES (?,?,?,?,?,?)",
    // s_close_request
    "UPDATE stat_request SET closed_at = ?, outcome = ? WHERE request_id = ? AND closed_at IS NULL",
    // s_first_proposed, s_first_accepted, s_first_done: the earliest time wins (writes may commit out of
    // order)
    "UPDATE stat_request SET first_proposed_at = :t WHERE request_id = :id "
    "AND (first_proposed_at IS NULL OR first_proposed_at > :t)",
    "UPDATE stat_request SET first_accepted_at = :t WHERE request_id = :id "
    "AND (first_accepted_at IS NULL OR first_accepted_at > :t)",
    "UPDATE stat_request SET first_done_at = :t WHERE request_id = :id "
    "AND (first_done_at IS NULL OR first_done_at > :t)",
    // s_request_attrs
    "SELECT resident_id, category, neighbourhood, channel FROM stat_request WHERE request_id = ?",
    // s_person_of
    "SELECT person FROM stat_volunteer WHERE volunteer_id = ?",
    // s_day
    "INSERT INTO stat_day(day, metric, key, n) VALUES (?,?,?,1) ON CONFLICT(day, metric, key) DO UPDATE SET "
    "n = n + 1",
    // s_occ_bump: the subject already occurred at exactly this second
    "UPDATE stat_occurrence SET m = m + 1 WHERE kind = ? AND subject = ? AND x = ?",
    // s_occ_pred
    "SELECT MAX(x) FROM stat_occurrence WHERE kind = ? AND subject = ? AND x < ?",
    // s_occ_next: the subject's occurrence at this second or the next one after it
    "SELECT x, y FROM stat_occurrence WHERE kind = ? AND subject = ? AND x >= ? ORDER BY x LIMIT 1",
    // s_occ_insert
    "INSERT INTO stat_occurrence(kind, subject, x, y, m) VALUES (?,?,?,?,1)",
    // s_occ_set_y
    "UPDATE stat_occurrence SET y = ? WHERE kind = ? AND subject = ? AND x = ?",
    // s_gap_add
    "INSERT INTO stat_gap(kind, dx, dy, n) VALUES (?,?,?,?) "
    "ON CONFLICT(kind, dx, dy) DO UPDATE SET n = n + excluded.n",
    // s_gap_clean
    "DELETE FROM stat_gap WHERE kind = ? AND dx = ? AND dy = ? AND n = 0",
    // s_meta: advances only over a log the tables already reflect (otherwise they stay marked as lagging)
    "UPDATE stat_meta SET last_seq = :seq WHERE id = 1 "
    "AND last_seq = (SELECT COALESCE(MAX(seq), 0) FROM event WHERE seq < :seq)",
    // s_format: recording the log's first event, the tables are this version's from the start
    "INSERT OR IGNORE INTO stat_day(day, metric, key, n) SELECT -1, 'format', :v, 0 "
    "WHERE NOT EXISTS (SELECT 1 FROM event WHERE seq < :seq)",
};
static_assert(std::size(statements) == 21);

/// Day of the "no previous occurrence" end of a chain: before every real day.
constexpr std::int64_t no_day = -1;

// The batch record_event uses on this thread (set by batch::scope): one connection is used by one thread
// at a time, so nothing here is shared between threads.
thread_local batch* current_batch = nullptr;

}  // namespace

batch::batch(SQLite::Database& db) : db_(db) {
    auto q = store::prepare(db_, "SELECT EXISTS (SELECT 1 FROM stat_occurrence)");
    keeps_occurrences_ = q->executeStep() && q->getColumn(0).getInt() == 0;
}

batch::~batch() {
    if (current_batch == this)
        current_batch = nullptr;
}

batch::scope::scope(batch& b) noexcept : previous_(current_batch) {
    current_batch = &b;
}

batch::scope::~scope() {
    current_batch = previous_;
}

void batch::begin(std::int64_t seq) {
    if (seq <= settled_to_)
        throw std::logic_error("stats::batch settled while a savepoint that was rolled back was open");
    const auto drop = [seq](auto& v) {
        while (!v.empty() && v.back().seq >= seq)
            v.pop_back();
    };
    while (!seqs_.empty() && seqs_.back() >= seq)
        seqs_.pop_back();
    drop(days_);
    drop(gaps_);
    drop(firsts_);
    drop(occurrences_);
    seqs_.push_back(seq);
}

void batch::settle() {
    if (seqs_.empty() && !first_seq_)
        return;
    std::int64_t last = 0;
    {
        auto q = store::prepare(db_, "SELECT COALESCE(MAX(seq), 0) FROM event");
        q->executeStep();
        last = q->getColumn(0).getInt64();
    }
    const auto drop = [last](auto& v) {
        while (!v.empty() && v.back().seq > last)
            v.pop_back();
    };
    while (!seqs_.empty() && seqs_.back() > last)
        seqs_.pop_back();
    drop(days_);
    drop(gaps_);
    drop(firsts_);
    drop(occurrences_);
    if (!first_seq_ && !seqs_.empty()) {
        first_seq_ = seqs_.front();
        settled_to_ = seqs_.front() - 1;
    }
    if (first_seq_) {
        // The recorded events are distinct rows after the last settlement: all of them when as many.
        if (last - settled_to_ != static_cast<std::int64_t>(seqs_.size()))
            complete_ = false;
        settled_to_ = std::max(settled_to_, last);
    }
    for (auto& d : days_)
        ++day_totals_[{d.day, std::move(d.metric), std::move(d.key)}];
    for (const auto& g : gaps_) {
        auto& t = gap_totals_[{g.kind, g.dx, g.dy}];
        t.first += g.delta;
        t.second = t.second || g.delta < 0;
    }
    for (auto& f : firsts_) {
        auto [it, fresh] = first_totals_.try_emplace({f.which, std::move(f.request_id)}, f.at);
        if (!fresh)
            it->second = std::min(it->second, f.at);
    }
    for (auto& o : occurrences_)
        settled_occurrences_.push_back(std::move(o));
    seqs_.clear();
    days_.clear();
    gaps_.clear();
    firsts_.clear();
    occurrences_.clear();
}

void batch::write_occurrences() {
    // Each subject's chain, as the recorder builds it one occurrence at a time: every distinct second linked
    // to the subject's previous one (none for the first), counted in stat_gap by their days, with how many
    // occurred in that second.
    auto& v = settled_occurrences_;
    std::sort(v.begin(), v.end(), [](const occurrence_entry& a, const occurrence_entry& b) {
        return std::tie(a.kind, a.subject, a.x) < std::tie(b.kind, b.subject, b.x);
    });
    auto insert =
        store::prepare(db_, "INSERT INTO stat_occurrence(kind, subject, x, y, m) VALUES (?,?,?,?,?)");
    for (std::size_t i = 0; i < v.size();) {
        std::optional<std::int64_t> previous;
        const std::size_t subject_end = [&] {
            std::size_t j = i;
            while (j < v.size() && v[j].kind == v[i].kind && v[j].subject == v[i].subject)
                ++j;
            return j;
        }();
        while (i < subject_end) {
            std::size_t j = i;
            while (j < subject_end && v[j].x == v[i].x)
                ++j;
            const auto& o = v[i];
            insert->reset();
            insert->clearBindings();
            insert->bind(1, o.kind);
            insert->bind(2, o.subject);
            insert->bind(3, static_cast<std::int64_t>(o.x));
            if (previous)
                insert->bind(4, static_cast<std::int64_t>(*previous));
            insert->bind(5, static_cast<std::int64_t>(j - i));
            insert->exec();
            auto& gap = gap_totals_[{o.kind, domain::utc_day_of(o.x),
                                     previous ? domain::utc_day_of(*previous) : no_day}];
            ++gap.first;
            previous = o.x;
            i = j;
        }
    }
    v.clear();
}

void batch::flush() {
    settle();
    write_occurrences();
    {
        auto q = store::prepare(db_,
                                "INSERT INTO stat_day(day, metric, key, n) VALUES (?,?,?,?) ON CONFLICT(day, "
                                "metric, key) DO UPDATE SET n = n + excluded.n");
        for (const auto& [k, n] : day_totals_) {
            q->reset();
            q->bind(1, static_cast<std::int64_t>(std::get<0>(k)));
            q->bind(2, std::get<1>(k));
            q->bind(3, std::get<2>(k));
            q->bind(4, static_cast<std::int64_t>(n));
            q->exec();
        }
    }
    {
        // As recorded one by one: a count brought to zero by a decrement goes.
        auto add = store::prepare(db_, statements[recorder::s_gap_add]);
        auto clean = store::prepare(db_, statements[recorder::s_gap_clean]);
        for (const auto& [k, t] : gap_totals_) {
            const auto [kind, dx, dy] = k;
            if (t.first != 0) {
                add->reset();
                add->bind(1, kind);
                add->bind(2, static_cast<std::int64_t>(dx));
                add->bind(3, static_cast<std::int64_t>(dy));
                add->bind(4, static_cast<std::int64_t>(t.first));
                add->exec();
            }
            if (t.second) {
                clean->reset();
                clean->bind(1, kind);
                clean->bind(2, static_cast<std::int64_t>(dx));
                clean->bind(3, static_cast<std::int64_t>(dy));
                clean->exec();
            }
        }
    }
    for (const auto& [k, at] : first_totals_) {
        auto q = store::prepare(db_, statements[k.first]);
        q->bind(":t", static_cast<std::int64_t>(at));
        q->bind(":id", k.second);
        q->exec();
    }
    if (first_seq_) {
        if (complete_) {
            auto meta = store::prepare(db_,
                                       "UPDATE stat_meta SET last_seq = :last WHERE id = 1 AND last_seq = "
                                       "(SELECT COALESCE(MAX(seq), 0) FROM event WHERE seq < :first)");
            meta->bind(":last", static_cast<std::int64_t>(settled_to_));
            meta->bind(":first", static_cast<std::int64_t>(*first_seq_));
            meta->exec();
        }
        auto format = store::prepare(db_, statements[recorder::s_format]);
        format->bind(":v", format_version);
        format->bind(":seq", static_cast<std::int64_t>(*first_seq_));
        format->exec();
    }
    day_totals_.clear();
    gap_totals_.clear();
    first_totals_.clear();
    first_seq_.reset();
    settled_to_ = 0;
    complete_ = true;
}

SQLite::Statement& recorder::stmt(stmt_id id) {
    auto& s = stmts_[id];
    if (!s)
        s.emplace(store::prepare(db_, statements[id]));
    else
        (*s)->reset();
    (*s)->clearBindings();
    return **s;
}

std::optional<request_attrs> recorder::request(const std::string& id) {
    if (batch_)
        if (auto it = batch_->requests_.find(id); it != batch_->requests_.end())
            return it->second;
    auto& q = stmt(s_request_attrs);
    q.bind(1, id);
    if (!q.executeStep())
        return std::nullopt;
    request_attrs r{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                    q.getColumn(3).getString()};
    if (batch_)  // written once, at the request's creation
        batch_->requests_.emplace(id, r);
    return r;
}

std::string recorder::person_of(const std::string& volunteer_id) {
    if (batch_)
        if (auto it = batch_->persons_.find(volunteer_id); it != batch_->persons_.end())
            return it->second;
    auto& q = stmt(s_person_of);
    q.bind(1, volunteer_id);
    if (!q.executeStep())
        return volunteer_id;
    std::string person = q.getColumn(0).getString();
    if (batch_)  // written once, at the registration
        batch_->persons_.emplace(volunteer_id, person);
    return person;
}

void recorder::add_day(std::int64_t at, std::string_view metric, std::string_view key) {
    if (batch_) {
        batch_->days_.push_back({seq_, domain::utc_day_of(at), std::string(metric), std::string(key)});
        return;
    }
    auto& q = stmt(s_day);
    q.bind(1, static_cast<std::int64_t>(domain::utc_day_of(at)));
    q.bind(2, std::string(metric));
    q.bind(3, std::string(key));
    q.exec();
}

void recorder::add_gap(int kind, std::int64_t x, std::optional<std::int64_t> y, int delta) {
    const std::int64_t dx = domain::utc_day_of(x);
    const std::int64_t dy = y ? domain::utc_day_of(*y) : no_day;
    if (batch_) {
        batch_->gaps_.push_back({seq_, kind, dx, dy, delta});
        return;
    }
    auto& q = stmt(s_gap_add);
    q.bind(1, kind);
    q.bind(2, static_cast<std::int64_t>(dx));
    q.bind(3, static_cast<std::int64_t>(dy));
    q.bind(4, delta);
    q.exec();
    if (delta < 0) {
        auto& c = stmt(s_gap_clean);
        c.bind(1, kind);
        c.bind(2, static_cast<std::int64_t>(dx));
        c.bind(3, static_cast<std::int64_t>(dy));
        c.exec();
    }
}

void recorder::add_occurrence(int kind, const std::string& subject, std::int64_t x) {
    if (batch_ && batch_->keeps_occurrences_) {
        batch_->occurrences_.push_back({seq_, kind, subject, x});
        return;
    }
    // The subject's occurrence at this second, or its next one (recorded out of time order).
    std::optional<std::pair<std::int64_t, std::optional<std::int64_t>>> next;
    {
        auto& q = stmt(s_occ_next);
        q.bind(1, kind);
        q.bind(2, subject);
        q.bind(3, static_cast<std::int64_t>(x));
        if (q.executeStep())
            next.emplace(q.getColumn(0).getInt64(),
                         q.getColumn(1).isNull() ? std::optional<std::int64_t>()
                                                 : std::optional<std::int64_t>(q.getColumn(1).getInt64()));
    }
    if (next && next->first == x) {
        // Same subject, same second: the chain does not change.
        auto& bump = stmt(s_occ_bump);
        bump.bind(1, kind);
        bump.bind(2, subject);
        bump.bind(3, static_cast<std::int64_t>(x));
        bump.exec();
        return;
    }
    std::optional<std::int64_t> pred;
    {
        auto& q = stmt(s_occ_pred);
        q.bind(1, kind);
        q.bind(2, subject);
        q.bind(3, static_cast<std::int64_t>(x));
        if (q.executeStep() && !q.getColumn(0).isNull())
            pred = q.getColumn(0).getInt64();
    }
    {
        auto& q = stmt(s_occ_insert);
        q.bind(1, kind);
        q.bind(2, subject);
        q.bind(3, static_cast<std::int64_t>(x));
        if (pred)
            q.bind(4, static_cast<std::int64_t>(*pred));
        q.exec();
    }
    add_gap(kind, x, pred, +1);
    if (next) {
        // An occurrence recorded out of time order: the next one now chains to this one.
        auto& q = stmt(s_occ_set_y);
        q.bind(1, static_cast<std::int64_t>(x));
        q.bind(2, kind);
        q.bind(3, subject);
        q.bind(4, static_cast<std::int64_t>(next->first));
        q.exec();
        add_gap(kind, next->first, next->second, -1);
        add_gap(kind, next->first, x, +1);
    }
}

void recorder::set_first(stmt_id which, const std::string& request_id, std::int64_t at) {
    if (batch_) {
        batch_->firsts_.push_back({seq_, static_cast<int>(which), request_id, at});
        return;
    }
    auto& q = stmt(which);
    q.bind(":t", static_cast<std::int64_t>(at));
    q.bind(":id", request_id);
    q.exec();
}

void recorder::record(const event_view& e) {
    seq_ = e.seq;
    const std::string id(e.entity_id);
    // A request's attributes, read once per event (a mission done needs them twice).
    std::optional<std::pair<std::string, std::optional<request_attrs>>> cached;
    auto lookup = [&](const std::string& request_id) {
        if (!cached || cached->first != request_id)
            cached.emplace(request_id, request(request_id));
        return cached->second;
    };
    if (e.entity == "volunteer") {
        if (e.action == "registered") {
            std::string person = id;
            {
                auto& q = stmt(s_person);
                q.bind(":id", id);
                if (q.executeStep())
                    person = q.getColumn(0).getString();
            }
            auto& q = stmt(s_insert_volunteer);
            q.bind(1, id);
            q.bind(2, person);
            q.bind(3, text_of(e.data, "neighbourhood"));
            q.bind(4, static_cast<std::int64_t>(e.at));
            q.bind(5, static_cast<std::int64_t>(e.seq));
            q.exec();
        } else if (e.action == "activated") {
            auto& q = stmt(s_validate);
            q.bind(1, static_cast<std::int64_t>(e.at));
            q.bind(2, id);
            q.exec();
        } else if (e.action == "withdrawn") {
            auto& q = stmt(s_withdraw);
            q.bind(1, static_cast<std::int64_t>(e.at));
            if (e.reason)
                q.bind(2, *e.reason);
            q.bind(3, id);
            q.exec();
        }
    } else if (e.entity == "request") {
        if (e.action == "created") {
            auto& q = stmt(s_insert_request);
            q.bind(1, static_cast<std::int64_t>(e.at));
            q.bind(2, id);
            q.bind(3, text_of(e.data, "resident_id"));
            q.bind(4, text_of(e.data, "category"));
            q.bind(5, text_of(e.data, "neighbourhood"));
            q.bind(6, text_of(e.data, "channel"));
            q.exec();
            add_occurrence(occ_requesting, text_of(e.data, "resident_id"), e.at);
        } else if (e.action == "closed") {
            std::string outcome = text_of(e.data, "outcome");
            if (outcome.empty() && e.reason)
                outcome = *e.reason;
            auto& q = stmt(s_close_request);
            q.bind(1, static_cast<std::int64_t>(e.at));
            q.bind(2, outcome);
            q.bind(3, id);
            q.exec();
        }
    } else if (e.entity == "mission") {
        const std::string request_id = text_of(e.data, "request_id");
        if (e.action == "proposed") {
            set_first(s_first_proposed, request_id, e.at);
        } else if (e.action == "accepted") {
            set_first(s_first_accepted, request_id, e.at);
        } else if (e.action == "done") {
            set_first(s_first_done, request_id, e.at);
            add_occurrence(occ_mobilised, person_of(text_of(e.data, "volunteer_id")), e.at);
            if (auto r = lookup(request_id))
                add_occurrence(occ_helped, r->resident_id, e.at);
        }
    }
    day_counts(e, lookup,
               [&](const std::string& metric, const std::string& key) { add_day(e.at, metric, key); });
    if (batch_)
        return;  // the batch moves the log position once, when it is flushed
    auto& meta = stmt(s_meta);
    meta.bind(":seq", static_cast<std::int64_t>(e.seq));
    meta.exec();
    auto& format = stmt(s_format);
    format.bind(":v", format_version);
    format.bind(":seq", static_cast<std::int64_t>(e.seq));
    format.exec();
}

void record_event(SQLite::Database& db, std::int64_t seq, std::int64_t at, std::string_view entity,
                  std::string_view entity_id, std::string_view action,
                  const std::optional<std::string>& reason, const json::object& data) {
    batch* pending = current_batch && &current_batch->db_ == &db ? current_batch : nullptr;
    if (pending)
        pending->begin(seq);
    recorder r(db, pending);
    r.record(event_view{seq, at, entity, entity_id, action, reason, data});
}

bool in_sync(SQLite::Database& db) {
    auto q_lease = store::prepare(
        db,
        "SELECT last_seq = (SELECT COALESCE(MAX(seq), 0) FROM event) AND EXISTS (SELECT 1 FROM stat_day "
        "WHERE day = -1 AND metric = 'format' AND key = ?) FROM stat_meta WHERE id = 1");
    SQLite::Statement& q = *q_lease;
    q.bind(1, format_version);
    return q.executeStep() && q.getColumn(0).getInt() == 1;
}

void rebuild(SQLite::Database& db) {
    for (const char* table : {"stat_volunteer", "stat_request", "stat_day", "stat_occurrence", "stat_gap"})
        db.exec(std::string("DELETE FROM ") + table);
    db.exec("UPDATE stat_meta SET last_seq = 0 WHERE id = 1");
    auto format_lease =
        store::prepare(db, "INSERT INTO stat_day(day, metric, key, n) VALUES (-1, 'format', ?, 0)");
    SQLite::Statement& format = *format_lease;
    format.bind(1, format_version);
    format.exec();
    // Residents merged into another (domain/resident_merge.hpp): their requests count for the one kept.
    std::unordered_map<std::string, std::string> merged;
    {
        auto m = store::prepare(db, "SELECT id, merged_into FROM resident WHERE merged_into IS NOT NULL");
        while (m->executeStep())
            merged.emplace(m->getColumn(0).getString(), m->getColumn(1).getString());
        m->reset();
    }
    recorder r(db);
    auto q_lease =
        store::prepare(db, "SELECT seq, at, entity, entity_id, action, reason, data FROM event ORDER BY seq");
    SQLite::Statement& q = *q_lease;
    while (q.executeStep()) {
        const std::string entity = q.getColumn(2).getString();
        const std::string entity_id = q.getColumn(3).getString();
        const std::string action = q.getColumn(4).getString();
        const std::optional<std::string> reason =
            q.getColumn(5).isNull() ? std::nullopt : std::optional<std::string>(q.getColumn(5).getString());
        json::value data = json::parse(q.getColumn(6).getString());
        if (!merged.empty() && entity == "request" && action == "created" && data.is_object())
            if (auto* who = data.as_object().if_contains("resident_id"); who && who->is_string())
                if (auto it = merged.find(std::string(who->as_string())); it != merged.end())
                    *who = it->second;
        const json::object none;
        r.record(event_view{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), entity, entity_id, action,
                            reason, data.is_object() ? data.as_object() : none});
    }
}

}  // namespace relais::stats
