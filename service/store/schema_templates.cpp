#include "store/schema.hpp"

namespace relais::store {

// The city's own wording of its messages (issue 14): an admin's rewrite of a dictionary text (`msg.*`,
// `sms.*`) in one language, used instead of it (notify/message_texts.hpp); deleting it restores the default.
const char* schema_templates_sql() {
    return R"sql(
CREATE TABLE message_template (
  lang TEXT NOT NULL,
  key TEXT NOT NULL,
  text TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (lang, key)
) WITHOUT ROWID;
)sql";
}

}  // namespace relais::store
