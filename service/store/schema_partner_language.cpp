#include "store/schema.hpp"

namespace relais::store {

// A partner association's language (issue 14: "each message a template per language"): what it is told of
// the residents it referred (`partner_update`) was always in French. 'fr' for the partners already there, as
// they were told so far; an administrator changes it (PATCH /api/v1/partners/{id}).
const char* schema_partner_language_sql() {
    return R"sql(
ALTER TABLE partner ADD COLUMN message_language TEXT NOT NULL DEFAULT 'fr';
)sql";
}

}  // namespace relais::store
