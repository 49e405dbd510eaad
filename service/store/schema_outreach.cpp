#include "store/schema.hpp"

namespace relais::store {

// Reaching people who do not ask (issue 16): the city's register of vulnerable residents (the heatwave
// register: residents who asked the town hall to be called in a crisis) and outreach rounds. A round makes
// one friendly-call request per registered resident, of the new channel `outreach` (the city reached out: the
// resident did not ask), which the dispatch plan assigns like any other; each call's outcome is logged.
// The request table's CHECK on channel is loosened in place (writable_schema, the procedure SQLite documents
// for changing a CHECK constraint that every row already satisfies): rebuilding the table would mean
// dropping it under the foreign keys of missions and supports. It comes last in the migration.
const char* schema_outreach_sql() {
    return R"sql(
CREATE TABLE register_entry (
  resident_id TEXT PRIMARY KEY REFERENCES resident(id),
  source TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  removed_at INTEGER
) WITHOUT ROWID;

CREATE TABLE outreach_round (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL REFERENCES category(code),
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  requests INTEGER NOT NULL
);
ALTER TABLE request ADD COLUMN outreach_round_id TEXT;
CREATE INDEX request_outreach_round ON request(outreach_round_id) WHERE outreach_round_id IS NOT NULL;

CREATE TABLE outreach_outcome (
  seq INTEGER PRIMARY KEY,
  round_id TEXT NOT NULL REFERENCES outreach_round(id),
  request_id TEXT NOT NULL REFERENCES request(id),
  outcome TEXT NOT NULL CHECK (outcome IN ('reached_fine','needs_help','not_reached','declined')),
  note TEXT,
  follow_up_request_id TEXT,
  at INTEGER NOT NULL,
  by TEXT NOT NULL
);
CREATE INDEX outreach_outcome_request ON outreach_outcome(request_id, seq);
CREATE INDEX outreach_outcome_round ON outreach_outcome(round_id, seq);

-- Last: the connection's parsed schema is stale after this until the schema version moves (done by
-- apply_migrations), and ALTER TABLE works from the parsed text's offsets.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (channel IN (''web'',''phone'',''partner''))',
  'CHECK (channel IN (''web'',''phone'',''partner'',''outreach''))')
WHERE type = 'table' AND name = 'request';
PRAGMA writable_schema = OFF;
)sql";
}

}  // namespace relais::store
