#include "store/schema.hpp"

namespace relais::store {

const char* schema_accounts_sql() {
    return R"sql(
CREATE TABLE session (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX session_user ON session(user_id);
)sql";
}

}  // namespace relais::store
