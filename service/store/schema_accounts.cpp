#include "store/schema.hpp"

namespace relais::store {

// Sessions (auth/session_store.cpp). Neither the session token nor the CSRF token is stored: only their
// SHA-256, so a copy of the database cannot be used to act as someone. Failed-login counters are kept in
// memory (auth/rate_limiter.hpp), not here.
const char* schema_accounts_sql() {
    return R"sql(
CREATE TABLE session (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX session_user ON session(user_id);
CREATE INDEX session_expiry ON session(expires_at);
)sql";
}

}  // namespace relais::store
