#include "store/schema.hpp"

namespace relais::store {

// Web push and unsubscribing (issue 14). `server_key`: secrets the server makes once and keeps (the VAPID
// key pair that signs its pushes, RFC 8292: a new pair would orphan every browser's subscription).
// `push_subscription`: a volunteer's devices (PushSubscription: the push service's endpoint and the device's
// keys; personal data: erased with the volunteer, never logged); a push service's 404/410 deletes one.
// `outbox.unsubscribe_token`: an optional message's one-click unsubscribe link (List-Unsubscribe, RFC 8058).
// `unsubscribe_link`: those links' hashes and whom they stop optional messages for (a volunteer's are in
// contact_preference; `users.optional_messages` is a coordinator's: the morning digest).
const char* schema_push_sql() {
    return R"sql(
CREATE TABLE server_key (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE push_subscription (
  id TEXT PRIMARY KEY,
  volunteer_id TEXT NOT NULL REFERENCES volunteer(id),
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_sent_at INTEGER
) WITHOUT ROWID;
CREATE INDEX push_subscription_volunteer ON push_subscription(volunteer_id);
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;
ALTER TABLE users ADD COLUMN optional_messages INTEGER NOT NULL DEFAULT 1;
CREATE TABLE unsubscribe_link (
  token_hash TEXT PRIMARY KEY,
  recipient_kind TEXT NOT NULL,
  recipient_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  purge_after INTEGER NOT NULL
) WITHOUT ROWID;
)sql";
}

}  // namespace relais::store
