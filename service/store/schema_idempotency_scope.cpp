#include "store/schema.hpp"

namespace relais::store {

// An Idempotency-Key is now bound to the request it first came with (IETF draft
// "The Idempotency-Key HTTP Header Field"): a digest of that request's body is kept beside the stored
// answer, and the same key with another body is refused (422) instead of answered. Rows written before
// this migration have an empty fingerprint and match any body until they expire.
const char* schema_idempotency_scope_sql() {
    return R"sql(
ALTER TABLE idempotency ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
)sql";
}

}  // namespace relais::store
