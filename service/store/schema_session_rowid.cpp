#include "store/schema.hpp"

namespace relais::store {

// The session table was WITHOUT ROWID (migration 2). SQLite reports no row changes of such tables to
// sqlite3_update_hook, which is how the writer learns that a commit changed sessions (store_options::
// watched_tables, auth::session_cache): a logout must end a cached session at once. Same columns and
// indexes, as an ordinary rowid table.
const char* schema_session_rowid_sql() {
    return R"sql(
CREATE TABLE session_rowid (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
INSERT INTO session_rowid(token_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at)
  SELECT token_hash, user_id, csrf_hash, created_at, last_seen_at, expires_at FROM session;
DROP TABLE session;
ALTER TABLE session_rowid RENAME TO session;
CREATE INDEX session_user ON session(user_id);
CREATE INDEX session_expiry ON session(expires_at);
)sql";
}

}  // namespace relais::store
