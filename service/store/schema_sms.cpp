#include "store/schema.hpp"

namespace relais::store {

// Text messages (issue 14). `programme.country`: the city's country (ISO 3166 alpha-2), the region phone
// numbers written without a country code belong to (domain/phone_plan.hpp). `outbox.provider_id`: the SMS
// provider's id of a message sent, which its status callbacks name; `delivered_at` when it reported delivery;
// `fallback` a text's email version (address, subject, parts: JSON), queued if the text fails for good.
// `sms_opt_out`: numbers that replied STOP (E.164; kept after the person's erasure: a number that said STOP
// gets no text again until it says START). `inbound_sms`: every text received and what was done with it, for
// the coordinators (the text is personal data: the outbox's retention; erased with its sender).
// `call_task`: what a resident with only a landline must be told by phone (a volunteer is coming, a visit is
// cancelled), for the coordinators, instead of a text; `text` says it (it names the volunteer: retention as
// the outbox; erased with the resident). `contact_preference`: a volunteer's channels in order ("sms,email"),
// quiet hours (minutes after local midnight) and optional messages wanted (notify/preferences.hpp).
const char* schema_sms_sql() {
    return R"sql(
ALTER TABLE programme ADD COLUMN country TEXT NOT NULL DEFAULT 'FR';
ALTER TABLE outbox ADD COLUMN provider_id TEXT;
ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
ALTER TABLE outbox ADD COLUMN fallback TEXT;
CREATE INDEX outbox_provider ON outbox(provider_id) WHERE provider_id IS NOT NULL;
CREATE TABLE sms_opt_out (
  number TEXT PRIMARY KEY,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE inbound_sms (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  received_at INTEGER NOT NULL,
  provider_id TEXT,
  sender_kind TEXT,
  sender_id TEXT,
  body TEXT NOT NULL,
  outcome TEXT NOT NULL,
  purge_after INTEGER NOT NULL
);
CREATE UNIQUE INDEX inbound_sms_provider ON inbound_sms(provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX inbound_sms_purge ON inbound_sms(purge_after);
CREATE TABLE call_task (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  resident_id TEXT NOT NULL,
  about_id TEXT,
  text TEXT NOT NULL,
  done_at INTEGER,
  done_by TEXT,
  purge_after INTEGER NOT NULL
);
CREATE INDEX call_task_open ON call_task(done_at, due_at);
CREATE INDEX call_task_resident ON call_task(resident_id);
CREATE INDEX call_task_purge ON call_task(purge_after);
CREATE TABLE contact_preference (
  volunteer_id TEXT PRIMARY KEY,
  channels TEXT NOT NULL,
  quiet_from INTEGER NOT NULL,
  quiet_until INTEGER NOT NULL,
  optional_messages INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";
}

}  // namespace relais::store
