#include "store/schema.hpp"

namespace relais::store {

// Text messages (issue 14). `programme.country`: the city's country (ISO 3166 alpha-2), the region phone
// numbers written without a country code belong to (domain/phone_plan.hpp). `outbox.provider_id`: the SMS
// provider's id of a message sent, which its status callbacks name; `delivered_at` when it reported delivery.
// `sms_opt_out`: numbers that replied STOP (E.164; kept while the number is known to the service, erased with
// the person). `inbound_sms`: replies that were not an answer the service understood, for the coordinators
// (the text is personal data: it falls under the outbox's retention).
const char* schema_sms_sql() {
    return R"sql(
ALTER TABLE programme ADD COLUMN country TEXT NOT NULL DEFAULT 'FR';
ALTER TABLE outbox ADD COLUMN provider_id TEXT;
ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
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
)sql";
}

}  // namespace relais::store
