#include "store/schema.hpp"

namespace relais::store {

// The notification outbox (issue 14). A message is decided from the events of a write transaction and
// inserted in that same transaction, so it exists exactly when the change it tells of was committed. The
// sender delivers it later, off the writer: `status` queued -> sent | failed (cancelled when it no longer
// applies: a reminder of a mission cancelled meanwhile); `next_attempt_at` is when it is due (later than
// its creation for a reminder), then drives the retries with `attempts`. `about_id`: the mission (or
// request) it concerns. Its recipient's address and the texts are
// personal data: kept only until `purge_after` (retention), never logged.
// outbox_log: what happened to each message (retry with its reason, failed, bounced...; queued and sent are
// now the row's created_at and sent_at: see notify/outbox.cpp), for the coordinators and /metrics; it holds
// no address and no text.
const char* schema_outbox_sql() {
    return R"sql(
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  event_seq INTEGER,
  kind TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email','sms','push')),
  recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('volunteer','resident','coordinator','partner')),
  recipient_id TEXT NOT NULL,
  about_id TEXT,
  address TEXT NOT NULL,
  lang TEXT NOT NULL,
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  optional INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed','cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  sent_at INTEGER,
  purge_after INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_recipient ON outbox(recipient_kind, recipient_id, seq);
CREATE INDEX outbox_purge ON outbox(purge_after);
CREATE INDEX outbox_about ON outbox(about_id) WHERE about_id IS NOT NULL AND status = 'queued';

-- One-tap answers (domain/answer_links.hpp): a proposal's email carries a link with a random token; only its
-- hash is kept. Single use, valid until the proposal expires.
CREATE TABLE answer_link (
  token_hash TEXT PRIMARY KEY,
  mission_id TEXT NOT NULL REFERENCES mission(id),
  volunteer_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX answer_link_mission ON answer_link(mission_id);

CREATE TABLE outbox_log (
  seq INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  status TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX outbox_log_message ON outbox_log(message_id, seq);
)sql";
}

}  // namespace relais::store
