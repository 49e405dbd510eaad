#pragma once

namespace relais::store {

/// Migration 1: the dispatch model (programme, categories, neighbourhoods, people, requests, supports,
/// missions, partners, collective missions, event log, users, idempotency keys, audit log).
const char* schema_core_sql();

/// Migration 2: sessions and login throttling (auth).
const char* schema_accounts_sql();

/// Migration 3: statistics tables derived from the event log (stats/).
const char* schema_stats_sql();

/// Migration 4: volunteers' secret calendar feed URLs, stored hashed (api/calendar_routes.cpp).
const char* schema_calendar_sql();

/// Migration 5: the index the dispatch queue is read through (performance only).
const char* schema_queue_sql();
const char* schema_session_rowid_sql();
const char* schema_idempotency_scope_sql();

/// Migration 8: the programme's time zone (domain::city_time).
const char* schema_city_time_zone_sql();

/// Migration 9: accounts found by volunteer id (performance only).
const char* schema_account_volunteer_index_sql();

/// Migration 10: the notification outbox and its delivery log (notify/).
const char* schema_outbox_sql();
/// Migration 11: SMS (the city's country, provider ids, opt-outs, inbound texts).
const char* schema_sms_sql();
/// Migration 12: sign-in by code, registration without a password (confirmed emails).
const char* schema_sign_in_sql();
/// Migration 13: web push (VAPID keys, subscriptions) and one-click unsubscribe links.
const char* schema_push_sql();
/// Migration 14: the city's own wording of its messages.
const char* schema_templates_sql();
/// Migration 15: the language of a person's messages (a volunteer's, a coordinator's).
const char* schema_message_language_sql();
/// Migration 16: residents merged into another (the duplicates of one person).
const char* schema_resident_merge_sql();
const char* schema_no_candidate_sql();
const char* schema_collectives_sql();
const char* schema_password_links_sql();
const char* schema_neighbourhood_shapes_sql();
const char* schema_programmes_reserve_sql();
const char* schema_outreach_sql();
const char* schema_charter_training_sql();
/// Migration 24: the addresses of the national register (BAN) and their full-text index (completion).
const char* schema_addresses_sql();
/// Migration 25: Rennes' neighbourhoods, programme name and phone out of a database nobody has used yet.
const char* schema_demo_data_sql();
/// Migration 26: an email's links kept instead of its HTML part (built by the sender).
const char* schema_outbox_links_sql();
const char* schema_check_lists_sql();
/// Migration 28: a queued message out of the recipient and retention indexes until it leaves the queue.
const char* schema_outbox_sent_indexes_sql();
const char* schema_outbox_due_channel_sql();
/// Migration 30: urgent messages ahead of the others in each channel's queue.
const char* schema_outbox_urgent_sql();
/// Migration 31: a partner association's message language.
const char* schema_partner_language_sql();
/// Migration 32: the receipts a group commit of public requests owes, written out later by the sender.
const char* schema_receipts_owed_sql();

}  // namespace relais::store
