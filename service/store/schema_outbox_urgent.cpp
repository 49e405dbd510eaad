#include "store/schema.hpp"

namespace relais::store {

// Urgent messages first (issue 14). The queue was one line, oldest first: behind a backlog of 300,000
// receipts (a surge of requests, each with its "request received") a sign-in code or a proposal waited for
// all of them. `urgent` (notify::urgent_kind, whose list of kinds this migration repeats for the messages
// already queued) splits each channel's queue in two ranges of `outbox_due`: the sender reads the urgent one
// first, and while the server is saturated leaves the other for later (notify/sender.hpp).
const char* schema_outbox_urgent_sql() {
    return R"sql(
ALTER TABLE outbox ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET urgent = 1 WHERE status = 'queued' AND kind IN ('sign_in_code', 'email_confirmation',
  'password_reset_link', 'password_set_link', 'proposal', 'mission_cancelled', 'mission_changed',
  'visit_cancelled', 'volunteer_coming', 'reminder_evening', 'reminder_soon', 'welfare_concern');
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(status, channel, urgent, next_attempt_at) WHERE status = 'queued';
)sql";
}

}  // namespace relais::store
