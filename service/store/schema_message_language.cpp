#include "store/schema.hpp"

namespace relais::store {

// The language a person's messages are written in, apart from the languages they speak (issue 14).
// `contact_preference.language`: a volunteer's choice (NULL: the first of their languages that has texts).
// `users.message_language`: a coordinator's (NULL: French, the coordination's language so far).
const char* schema_message_language_sql() {
    return R"sql(
ALTER TABLE contact_preference ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN message_language TEXT;
)sql";
}

}  // namespace relais::store
