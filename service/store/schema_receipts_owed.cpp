#include "store/schema.hpp"

namespace relais::store {

// Receipts owed (issue 14). A public request's commit used to write its resident's "request received"
// message in full: the resident's row read, the text written, an outbox row with its index entries, in every
// request's commit, the writer's serial path (about 13% of its work per request). Now the commit writes one
// row per group commit: the receipts it owes (each request's event, resident, category and tracking code,
// which exists nowhere else), atomically with the requests; the sender has them written out as outbox
// messages by a writer job of their own, at once when the server has time, after the surge otherwise
// (notify::expand_owed_receipts). Never lost (committed with the request), never sent for a request rolled
// back (gone with it), written out once (the job deletes the rows it writes out, in its own transaction).
const char* schema_receipts_owed_sql() {
    return R"sql(
CREATE TABLE receipt_owed (
  seq INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  items TEXT NOT NULL
);
)sql";
}

}  // namespace relais::store
