#include "store/schema.hpp"

namespace relais::store {

// Personal calendar feeds (api/calendar_routes.cpp): each volunteer may have one secret feed URL for their
// phone's calendar. Only the SHA-256 of the secret is kept (like session tokens); making a new one replaces
// the old, so a leaked URL is revoked by regenerating it.
const char* schema_calendar_sql() {
    return R"sql(
CREATE TABLE calendar_feed (
  volunteer_id TEXT PRIMARY KEY REFERENCES volunteer(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
)sql";
}

}  // namespace relais::store
