#include "store/schema.hpp"

namespace relais::store {

// The queue's index by channel. While one channel's server is down (its channel "rests", notify/sender.cpp)
// the sender reads the others' due messages; with `outbox_due` on (status, next_attempt_at) that read walked
// every due message of the resting channel too: with an email backlog of 50,000 and the SMTP server away,
// each commit's wake-up cost a scan of 50,000 rows (a reader thread busy 72% of the time, measured). Now
// each channel's due messages are a range of their own (notify/outbox.cpp reads each channel apart).
// `status` stays first: the reads of a person's queued messages (privacy, digest) keep their equality.
const char* schema_outbox_due_channel_sql() {
    return R"sql(
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(status, channel, next_attempt_at) WHERE status = 'queued';
)sql";
}

}  // namespace relais::store
