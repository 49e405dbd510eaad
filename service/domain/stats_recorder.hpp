#pragma once

#include "store/statement_cache.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <boost/json/object.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

// Keeps the statistics tables (migration 3, store/schema_stats.cpp) in step with the event log. Every event
// goes through domain::append_event, which calls record_event in the same transaction: a refused operation
// rolls its statistics back with it, and a committed one has them committed. It lives in domain/ (its
// namespace is the statistics') because the domain's write path keeps it in step; stats/ reads its tables.
namespace relais::stats {

/// Kinds of chained occurrences (stat_occurrence.kind) for exact distinct counts.
enum occurrence_kind : int {
    occ_mobilised = 1,   ///< subject: a volunteer person; x: a mission done by them
    occ_helped = 2,      ///< subject: a resident; x: a mission done for them
    occ_requesting = 3,  ///< subject: a resident; x: a request of theirs created
};

/// The version of what the recorder writes. Tables written by another version (or by none: a database that
/// had events before migration 3) are not in sync, and are rebuilt from the log before they are read.
inline constexpr const char* format_version = "2";

/// One event as the statistics see it.
struct event_view {
    std::int64_t seq = 0;
    std::int64_t at = 0;
    std::string_view entity, entity_id, action;
    const std::optional<std::string>& reason;
    const boost::json::object& data;
};

/// What the statistics need of a request (stat_request), fixed at its creation.
struct request_attrs {
    std::string resident_id, category, neighbourhood, channel;
};

/// Calls `emit(metric, key)` once per daily counter (stat_day) the event adds one to. `request_of(id)` gives
/// the attributes of a request (std::optional<request_attrs>). The recorder and the computation of a
/// period's partial first and last days both use this one function, so they agree by construction.
template <class Lookup, class Emit>
void day_counts(const event_view& e, Lookup&& request_of, Emit&& emit);

class batch;

/// Applies events to the statistics tables. It holds its statements while it lives, so one recorder can apply
/// many events (a rebuild) cheaply; record_event makes a short-lived one per event, whose statements come
/// from the connection's statement cache (store::prepare) when there is one, as on the server's writer.
class recorder {
  public:
    explicit recorder(SQLite::Database& db, batch* pending = nullptr) : db_(db), batch_(pending) {}

    void record(const event_view& e);

    /// stat_request attributes of a request, if known.
    std::optional<request_attrs> request(const std::string& id);

  private:
    friend class batch;
    enum stmt_id : std::size_t {
        s_person,
        s_insert_volunteer,
        s_validate,
        s_withdraw,
        s_insert_request,
        s_close_request,
        s_first_proposed,
        s_first_accepted,
        s_first_done,
        s_request_attrs,
        s_person_of,
        s_day,
        s_occ_bump,
        s_occ_pred,
        s_occ_next,
        s_occ_insert,
        s_occ_set_y,
        s_gap_add,
        s_gap_clean,
        s_meta,
        s_format,
        stmt_count
    };
    SQLite::Statement& stmt(stmt_id id);
    void add_day(std::int64_t at, std::string_view metric, std::string_view key);
    void add_occurrence(int kind, const std::string& subject, std::int64_t x);
    void add_gap(int kind, std::int64_t x, std::optional<std::int64_t> y, int delta);
    void set_first(stmt_id which, const std::string& request_id, std::int64_t at);
    std::string person_of(const std::string& volunteer_id);

    SQLite::Database& db_;
    batch* batch_;          ///< where the additive counts go instead of the tables, if any
    std::int64_t seq_ = 0;  ///< the event being recorded
    std::array<std::optional<store::statement_lease>, stmt_count> stmts_;
};

/// The additive part of the recording of many events in one transaction (the daily counts of stat_day and
/// stat_gap, the requests' first-proposed/accepted/done times, the log position of stat_meta), kept in memory
/// and written by flush() with one statement per distinct key: the seed's million missions add to a few
/// hundred thousand keys. What the recorder reads back (stat_volunteer, stat_request's attributes) is still
/// written at once, and nothing reads these counts before the commit.
///
/// Occurrences (stat_occurrence, and the stat_gap counts of their chains) are kept too when the table is
/// empty as the batch begins (a new database, as the seed's): the chain of each subject is then a function
/// of its occurrences alone (each one linked to the subject's previous one, those of the same second
/// counted once with their number), built and written by flush() in the same rows the recorder would have
/// left. On a table that already holds occurrences they are recorded at once, as without a batch. The
/// batch also remembers the persons (stat_volunteer.person) and request attributes it read, which never
/// change once written.
///
/// A savepoint rolled back takes its events out of the log, so their counts must go too. SQLite says nothing
/// of savepoints, but the log does: its rows are numbered max + 1, so an event numbered at or below one
/// already counted means those were rolled back (record drops them), and settle() drops the ones above the
/// log's last row. settle() then adds the survivors to the totals for good: call it only where no savepoint
/// still open could roll them back (the seed, between two requests). Used by `relais seed`; the server's
/// writer records each event at once (its jobs' savepoints are nested in one group commit).
class batch {
  public:
    explicit batch(SQLite::Database& db);
    batch(const batch&) = delete;
    batch& operator=(const batch&) = delete;
    ~batch();

    /// The events recorded since the last call that are still in the log count for good.
    void settle();

    /// settle(), then writes the totals and the log position, inside the transaction, before COMMIT; the
    /// batch is empty after. Without it (an exception, a rollback) nothing of the batch is written.
    void flush();

    /// Makes `b` the batch of record_event on this thread for its connection (the previous one after).
    class scope {
      public:
        explicit scope(batch& b) noexcept;
        ~scope();
        scope(const scope&) = delete;
        scope& operator=(const scope&) = delete;

      private:
        batch* previous_;
    };

  private:
    friend class recorder;
    friend void record_event(SQLite::Database&, std::int64_t, std::int64_t, std::string_view,
                             std::string_view, std::string_view, const std::optional<std::string>&,
                             const boost::json::object&);

    struct day_entry {
        std::int64_t seq, day;
        std::string metric, key;
    };
    struct gap_entry {
        std::int64_t seq;
        int kind;
        std::int64_t dx, dy;
        int delta;
    };
    struct first_entry {
        std::int64_t seq;
        int which;
        std::string request_id;
        std::int64_t at;
    };
    struct occurrence_entry {
        std::int64_t seq;
        int kind;
        std::string subject;
        std::int64_t x;
    };

    /// Starts the recording of event `seq`: drops what events numbered from `seq` on (rolled back) left.
    void begin(std::int64_t seq);
    /// Writes the settled occurrences' chains (stat_occurrence) and adds their links to the gap totals.
    void write_occurrences();

    SQLite::Database& db_;
    // Not yet settled, in the order recorded (so in increasing seq).
    std::vector<std::int64_t> seqs_;
    std::vector<day_entry> days_;
    std::vector<gap_entry> gaps_;
    std::vector<first_entry> firsts_;
    std::vector<occurrence_entry> occurrences_;
    // Settled totals.
    std::map<std::tuple<std::int64_t, std::string, std::string>, std::int64_t> day_totals_;
    std::map<std::tuple<int, std::int64_t, std::int64_t>, std::pair<std::int64_t, bool>> gap_totals_;
    std::map<std::pair<int, std::string>, std::int64_t> first_totals_;
    std::vector<occurrence_entry> settled_occurrences_;
    bool keeps_occurrences_ = false;  ///< stat_occurrence was empty when the batch began
    // What the recorder read that never changes: a volunteer's person, a request's attributes.
    std::unordered_map<std::string, std::string> persons_;
    std::unordered_map<std::string, request_attrs> requests_;
    std::optional<std::int64_t> first_seq_;  ///< the first event settled
    std::int64_t settled_to_ = 0;            ///< the last event settled
    bool complete_ = true;                   ///< every event of the log from first_seq_ on was recorded here
};

/// Records one event just appended (`seq` is its row). Called by domain::append_event.
void record_event(SQLite::Database& db, std::int64_t seq, std::int64_t at, std::string_view entity,
                  std::string_view entity_id, std::string_view action,
                  const std::optional<std::string>& reason, const boost::json::object& data);

/// True when the statistics tables reflect every event of the log, written by this format_version.
bool in_sync(SQLite::Database& db);

/// Empties the statistics tables and records every event of the log again, oldest first. Used when the
/// tables lag the log (a database that had events before migration 3) and by the tests. A registration's
/// person is then found with the volunteer records' current emails.
void rebuild(SQLite::Database& db);

// ---------------------------------------------------------------------------------------------------------

inline constexpr const char* setback_actions[] = {"declined", "expired", "dropped", "missed"};

template <class Lookup, class Emit>
void day_counts(const event_view& e, Lookup&& request_of, Emit&& emit) {
    auto request_id = [&]() -> std::string {
        if (auto* v = e.data.if_contains("request_id"); v && v->is_string())
            return std::string(v->as_string());
        return {};
    };
    auto by_request = [&](std::string_view metric) {
        const std::optional<request_attrs> r = request_of(request_id());
        const std::string m(metric);
        emit(m, std::string());
        emit(m + ".category", r ? r->category : std::string("unknown"));
        emit(m + ".neighbourhood", r ? r->neighbourhood : std::string("unknown"));
        emit(m + ".channel", r ? r->channel : std::string("unknown"));
    };
    if (e.entity == "mission") {
        if (e.action == "done") {
            by_request("done");
        } else if (e.action == "welfare_concern") {
            emit(std::string("welfare"), std::string());
        } else {
            for (const char* kind : setback_actions)
                if (e.action == kind) {
                    emit(std::string("setback"),
                         std::string(kind) + "|" +
                             (e.reason && !e.reason->empty() ? *e.reason : "unspecified"));
                    break;
                }
        }
    } else if (e.entity == "support" && e.action == "created") {
        by_request("support");
    } else if (e.entity == "request" && e.action == "created") {
        const std::optional<request_attrs> r = request_of(std::string(e.entity_id));
        emit(std::string("request"), std::string());
        emit(std::string("request.category"), r ? r->category : std::string("unknown"));
        emit(std::string("request.neighbourhood"), r ? r->neighbourhood : std::string("unknown"));
        emit(std::string("request.channel"), r ? r->channel : std::string("unknown"));
    } else if (e.entity == "request" && e.action == "redispatch_flagged") {
        emit(std::string("redispatch"), std::string());
    }
}

}  // namespace relais::stats
