#include "store/schema.hpp"
#include "store/migrations.hpp"

namespace relais::store {

std::span<const migration> schema_migrations() {
    // Each migration's SQL lives in its own file (schema_<name>.cpp). Never edit a released migration:
    // add a new one.
    static const migration migrations[] = {
        {1, "core", schema_core_sql()},
        {2, "accounts", schema_accounts_sql()},
        {3, "stats", schema_stats_sql()},
        {4, "calendar", schema_calendar_sql()},
        {5, "queue index", schema_queue_sql()},
        {6, "session rowid", schema_session_rowid_sql()},
        {7, "idempotency scope", schema_idempotency_scope_sql()},
        {8, "city time zone", schema_city_time_zone_sql()},
        {9, "account volunteer index", schema_account_volunteer_index_sql()},
        {10, "outbox", schema_outbox_sql()},
        {11, "sms", schema_sms_sql()},
        {12, "sign in", schema_sign_in_sql()},
        {13, "push", schema_push_sql()},
        {14, "message templates", schema_templates_sql()},
        {15, "message language", schema_message_language_sql()},
        {16, "resident merge", schema_resident_merge_sql()},
        {17, "no candidate", schema_no_candidate_sql()},
        {18, "collectives", schema_collectives_sql()},
        {19, "password links", schema_password_links_sql()},
        {20, "neighbourhood shapes", schema_neighbourhood_shapes_sql()},
        {21, "programmes and reserve", schema_programmes_reserve_sql()},
        {22, "outreach", schema_outreach_sql()},
        {23, "charter and training", schema_charter_training_sql()},
        {24, "addresses", schema_addresses_sql()},
        {25, "demo data out of the schema", schema_demo_data_sql()},
        {26, "outbox links", schema_outbox_links_sql()},
        {27, "check lists", schema_check_lists_sql()},
        {28, "outbox sent indexes", schema_outbox_sent_indexes_sql()},
        {29, "outbox due by channel", schema_outbox_due_channel_sql()},
        {30, "outbox urgent first", schema_outbox_urgent_sql()},
        {31, "partner language", schema_partner_language_sql()},
        {32, "receipts owed", schema_receipts_owed_sql()},
    };
    return migrations;
}

}  // namespace relais::store
