#include "store/schema.hpp"

namespace relais::store {

// One-time password links (issue 15): an admin creates a staff account without choosing its password and
// hands over a link, or issues a reset link for someone who forgot theirs. Only the token's hash is kept; a
// link is spent once, expires, and a newer link for the same account replaces it. The call for volunteers can
// open and close on dates set in advance (city-time instants; NULL: no date).
const char* schema_password_links_sql() {
    return R"sql(
CREATE TABLE password_link (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  purpose TEXT NOT NULL CHECK (purpose IN ('set','reset')),
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX password_link_user ON password_link(user_id, used_at);
ALTER TABLE programme ADD COLUMN registration_opens_at INTEGER;
ALTER TABLE programme ADD COLUMN registration_closes_at INTEGER;
)sql";
}

}  // namespace relais::store
