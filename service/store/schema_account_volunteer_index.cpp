#include "store/schema.hpp"

namespace relais::store {

// A volunteer's account is found by their volunteer id when they withdraw, change their email or are erased:
// without this index each of those scanned every account (a seeded city of 100,000 volunteers spent most of
// its load there).
const char* schema_account_volunteer_index_sql() {
    return R"sql(
CREATE INDEX users_volunteer ON users(volunteer_id) WHERE volunteer_id IS NOT NULL;
)sql";
}

}  // namespace relais::store
