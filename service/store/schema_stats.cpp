#include "store/schema.hpp"

namespace relais::store {

// Statistics (service/stats/). Everything here is derived from the event log: stats::recorder updates these
// tables from append_event, in the same transaction as the event, and stats::rebuild can recompute them from
// the log at any time. They hold ids, codes and times only (no personal data), like the log itself.
//
// - stat_volunteer: one row per volunteer registration, with the "person" it belongs to (a registration made
//   again with the same email after a withdrawal belongs to the same person as the first one).
// - stat_request: one row per request with the times of its milestones, clustered by creation time so a
//   period's requests are one range read.
// - stat_day: additive counters per UTC day (missions done, supports set up... per category, neighbourhood,
//   channel, reason).
// - stat_occurrence + stat_gap: exact distinct counts over any period (volunteers mobilised, residents
// helped,
//   residents requesting). Each subject's occurrences are chained (y = the subject's previous occurrence); a
//   subject occurs in [a, b) iff one of its occurrences x in [a, b) has y < a. stat_gap counts occurrences
//   per (day of x, day of y) so that count is a small sum; stat_occurrence holds the exact times for the
//   partial days at the ends of a period.
const char* schema_stats_sql() {
    return R"sql(
-- last_seq: the last event recorded. When it is not the log's last event (a database that had events before
-- this migration), the tables are rebuilt from the log before they are read.
CREATE TABLE stat_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL
);
INSERT INTO stat_meta(id, last_seq) VALUES (1, 0);

CREATE TABLE stat_volunteer (
  volunteer_id TEXT PRIMARY KEY,
  person TEXT NOT NULL,
  neighbourhood TEXT NOT NULL,
  registered_at INTEGER NOT NULL,
  seq INTEGER NOT NULL,  -- the registration event's: orders registrations made in the same second
  validated_at INTEGER,
  withdrawn_at INTEGER,
  withdrawal_reason TEXT
) WITHOUT ROWID;
-- Finds the earlier registration of someone registering again with the same email.
CREATE INDEX volunteer_email ON volunteer(email);

CREATE TABLE stat_request (
  created_at INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  resident_id TEXT NOT NULL,
  category TEXT NOT NULL,
  neighbourhood TEXT NOT NULL,
  channel TEXT NOT NULL,
  first_proposed_at INTEGER,
  first_accepted_at INTEGER,
  first_done_at INTEGER,
  closed_at INTEGER,
  outcome TEXT,
  PRIMARY KEY (created_at, request_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX stat_request_id ON stat_request(request_id);

CREATE TABLE stat_day (
  day INTEGER NOT NULL,
  metric TEXT NOT NULL,
  key TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (day, metric, key)
) WITHOUT ROWID;

CREATE TABLE stat_occurrence (
  kind INTEGER NOT NULL,
  subject TEXT NOT NULL,
  x INTEGER NOT NULL,
  y INTEGER,
  m INTEGER NOT NULL,
  PRIMARY KEY (kind, subject, x)
) WITHOUT ROWID;
CREATE INDEX stat_occurrence_x ON stat_occurrence(kind, x, y);
CREATE INDEX stat_occurrence_y ON stat_occurrence(kind, y, x);

CREATE TABLE stat_gap (
  kind INTEGER NOT NULL,
  dx INTEGER NOT NULL,
  dy INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (kind, dx, dy)
) WITHOUT ROWID;
)sql";
}

}  // namespace relais::store
