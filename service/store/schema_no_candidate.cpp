#include "store/schema.hpp"

namespace relais::store {

// The queue shows each request's real state (issue 15); "no candidate" is the one a row cannot tell by
// itself: when the automatic dispatch last looked for a volunteer and found nobody. A proposal clears it.
// A welfare alert, when handled, keeps the coordinator's note of what was done (personal data: erased with
// the resident).
const char* schema_no_candidate_sql() {
    return R"sql(
ALTER TABLE request ADD COLUMN no_candidate_at INTEGER;
ALTER TABLE mission ADD COLUMN welfare_ack_note TEXT;
)sql";
}

}  // namespace relais::store
