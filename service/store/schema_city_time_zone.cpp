#include "store/schema.hpp"

namespace relais::store {

// The city's time zone (an IANA name from the system's database) becomes a setting of the programme
// instead of a rule written in the code. Existing databases were Rennes': they keep Europe/Paris.
const char* schema_city_time_zone_sql() {
    return R"sql(
ALTER TABLE programme ADD COLUMN timezone TEXT NOT NULL DEFAULT 'Europe/Paris';
)sql";
}

}  // namespace relais::store
