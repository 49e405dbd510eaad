#include "store/schema.hpp"

namespace relais::store {

// An email's HTML part is no longer kept in the outbox (issue 14's durable POSTs with email on: it was the
// biggest part of the row the request's own commit writes). The sender builds it from the text and
// `body_links`, the service's own links the text holds (one per line), when it sends. Rows queued before keep
// their `body_html`, which the sender uses as it is. The "queued" line of `outbox_log` is no longer written
// either: the row's created_at is that moment.
const char* schema_outbox_links_sql() {
    return R"sql(
ALTER TABLE outbox ADD COLUMN body_links TEXT;
)sql";
}

}  // namespace relais::store
