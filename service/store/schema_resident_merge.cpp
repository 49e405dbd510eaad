#include "store/schema.hpp"

namespace relais::store {

// Two residents found to be one person (issue 15): the duplicate's requests, supports and call tasks move to
// the resident kept, its own row is erased and points at that resident (`merged_into`), so a statistics
// rebuild counts the events that still name the duplicate under the resident kept.
const char* schema_resident_merge_sql() {
    return R"sql(
ALTER TABLE resident ADD COLUMN merged_into TEXT;
)sql";
}

}  // namespace relais::store
