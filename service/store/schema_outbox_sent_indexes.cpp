#include "store/schema.hpp"

namespace relais::store {

// A queued message is no longer in the recipient and retention indexes: it enters them when it leaves the
// queue (sent, failed, cancelled), in the sender's batched marking or the failure's own write, not in the
// commit of the change that queued it (issue 14: a public request's commit writes its resident's message;
// two index entries fewer there). This moves the work, it does not remove it: a message still gets both
// entries once it is sent. A queued message is found by recipient through `outbox_due` (the queued rows are
// those due now and the reminders of upcoming missions: few beside the rest); notify/outbox.cpp,
// domain/privacy.cpp, domain/reserve.cpp and notify/digest.cpp ask for both. A queued message is never past
// its retention: its last attempt makes it failed within 24 h, days before `purge_after`; the purge still
// deletes one that is (a retention shortened meanwhile) through `outbox_due`.
const char* schema_outbox_sent_indexes_sql() {
    return R"sql(
DROP INDEX outbox_recipient;
CREATE INDEX outbox_recipient ON outbox(recipient_kind, recipient_id, seq) WHERE status <> 'queued';
DROP INDEX outbox_purge;
CREATE INDEX outbox_purge ON outbox(purge_after) WHERE status <> 'queued';
)sql";
}

}  // namespace relais::store
