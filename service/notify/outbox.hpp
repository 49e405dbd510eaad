#pragma once

#include <SQLiteCpp/Database.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The outbox's rows (migration 10, store/schema_outbox.cpp): written in the transaction of the change they
// tell of, read and updated by the sender. All functions run on a connection the caller holds (the writer's
// for changes).
namespace relais::notify {

/// The channels a message goes by (the outbox's CHECK on `channel`).
inline constexpr std::array<const char*, 3> message_channels{"email", "sms", "push"};

/// A message decided by the planner.
struct outgoing {
    std::string kind;            ///< the template: "proposal", "mission_cancelled", "volunteer_validated"...
    std::string channel;         ///< one of message_channels
    std::string recipient_kind;  ///< volunteer, resident, coordinator, partner
    std::string recipient_id;
    std::string address;  ///< where it goes (personal data: never logged)
    std::string lang;
    std::string subject, text;
    std::vector<std::string> links;  ///< an email's own links (the sender makes them links in its HTML part)
    std::string html;                ///< a ready HTML part: only in a fallback kept before migration 26
    bool optional = false;           ///< may be opted out of (gets a List-Unsubscribe)
    std::optional<std::int64_t> event_seq;
    std::string about_id;                ///< the mission or request it concerns (empty: none)
    std::optional<std::int64_t> due_at;  ///< not before (a reminder); none: at once
    std::string fallback;  ///< a text's email version (fallback_of), sent if the text fails for good; "" none
    std::string unsubscribe_url;  ///< an optional email's one-click opt-out (List-Unsubscribe); "" none
};

/// The email `m` kept inside a text message as its fallback (its address, subject and parts; JSON).
std::string fallback_of(const outgoing& m);

/// A message due for delivery.
struct queued_message {
    std::int64_t seq = 0;  ///< its row (the sender marks it by this: no lookup of its id)
    std::string id, kind, channel, address, lang, subject, text;
    std::vector<std::string> links;  ///< an email's own links, for its HTML part (html_body.hpp)
    std::string html;                ///< the HTML part of an email queued before migration 26 ("" after)
    bool optional = false;
    bool urgent = false;  ///< notify::urgent_kind: read ahead of the others, never held back
    int attempts = 0;
    std::int64_t created_at = 0;
    std::string unsubscribe_url;  ///< List-Unsubscribe of an optional email ("" none)
};

/// One line of a person's messages, as the coordinators see it (no address, no text).
struct message_summary {
    std::string id, kind, channel, status;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> sent_at;
    std::optional<std::int64_t> delivered_at;  ///< reported by the channel (SMS)
    int attempts = 0;
    std::optional<std::string> last_error;
    /// Its delivery log after "queued" (created_at) and "sent" (sent_at): retries with their reasons, a
    /// fallback to email, delivered, bounced, failed, a call task, cancelled; oldest first.
    struct log_line {
        std::int64_t at = 0;
        std::string status;
        std::optional<std::string> detail;
    };
    std::vector<log_line> log;
};

/// Queues `m` (status queued, due at once) and returns its id (its row's created_at is its "queued" entry of
/// the delivery log). It is purged (row and log)
/// `keep_seconds` after `now`.
std::string enqueue(SQLite::Database& db, const outgoing& m, std::int64_t now, std::int64_t keep_seconds);

/// Cancels the queued messages of these kinds about `about_id` (reminders of a mission that will not take
/// place); returns how many.
int cancel_queued(SQLite::Database& db, const std::string& about_id, const std::vector<std::string>& kinds,
                  std::int64_t now);

/// Up to `limit` queued messages due at `now`: the urgent ones (urgent_kind) first, then the others, each
/// oldest first; except those on the channels in `skip` (at most three: email, sms, push; a channel whose
/// server is down waits without holding the others back). `routine` false: the urgent ones only;
/// `routine_due_by`: the others only if due at that time (earlier than `now`: those that have waited since).
std::vector<queued_message> due_messages(SQLite::Database& db, std::int64_t now, int limit,
                                         const std::vector<std::string>& skip = {}, bool routine = true,
                                         std::optional<std::int64_t> routine_due_by = std::nullopt);

/// The message of row `seq` (queued_message::seq) went out (handed to the SMTP server or the SMS provider,
/// whose id for it is `provider_id`). By its row, not its id: one index lookup fewer in the writer per
/// message.
void record_sent(SQLite::Database& db, std::int64_t seq, std::int64_t now,
                 const std::string& provider_id = {});

/// An SMS provider's status report for its message `provider_id`: "delivered" is logged (and shown);
/// "undelivered" or "failed" after it was sent marks the message failed ("bounced", with the provider's error
/// code): the coordinators then see that the person could not be reached. Other statuses are intermediate
/// steps. Repeated reports change nothing. Returns false when no message has that id.
bool record_delivery_report(SQLite::Database& db, const std::string& provider_id, const std::string& status,
                            const std::string& error_code, std::int64_t now);

/// The longest a message keeps being retried, counted from its creation.
inline constexpr std::int64_t retry_horizon = 24 * 3600;

/// The wait before attempt `attempts + 1` after `attempts` failures: 1, 2, 4... minutes, at most 2 hours.
std::int64_t retry_delay(int attempts);

/// A delivery failed for a reason that may pass (`reason`: a code and category, no address): the message is
/// retried after retry_delay, unless that would be past retry_horizon, when it fails for good. Returns true
/// if it will be retried.
bool record_temporary_failure(SQLite::Database& db, const std::string& id, std::int64_t now,
                              const std::string& reason);

/// The message cannot be delivered (refused address, no channel left). A text with a fallback email queues
/// it at once (logged "fallback"); so do a text that gives up after retry_horizon and a bounced one.
void record_failure(SQLite::Database& db, const std::string& id, std::int64_t now, const std::string& reason);

/// A one-click opt-out link (`<base>/desabonner/<token>`) for the optional messages of a recipient (a
/// volunteer, or a coordinator's account): the token is random, only its hash is kept, until `purge_after`.
std::string make_unsubscribe_url(SQLite::Database& db, const std::string& base,
                                 const std::string& recipient_kind, const std::string& recipient_id,
                                 std::int64_t now, std::int64_t purge_after);

/// Opts the link's recipient out of optional messages (reminders, "did it happen?", the morning digest);
/// essential ones still go. False for an unknown or malformed token. Idempotent.
bool unsubscribe(SQLite::Database& db, std::string_view token, std::int64_t now);

/// Deletes the messages (and their logs), the received texts and the call tasks whose retention ended by
/// `now`; returns how many.
std::int64_t purge_outbox(SQLite::Database& db, std::int64_t now);

/// The messages still queued whose retention ended by `now` (never sent: their channel was turned off). The
/// search reads the whole queue (0.2 s for 250,000 waiting), so the server does it on a reader and hands
/// the ids to the writer: purge_outbox below deletes those still queued and expired, and the rest as above.
std::vector<std::string> expired_queued_messages(SQLite::Database& db, std::int64_t now);
std::int64_t purge_outbox(SQLite::Database& db, std::int64_t now,
                          const std::vector<std::string>& expired_queued);

/// A person's messages, newest first (at most `limit`).
std::vector<message_summary> messages_of(SQLite::Database& db, const std::string& recipient_kind,
                                         const std::string& recipient_id, int limit);

/// Prometheus text: relais_outbox_messages{channel,status}, the queue's oldest due message's age and the
/// oldest receipt owed's (relais_receipts_owed_oldest_seconds).
std::string outbox_metrics(SQLite::Database& db, std::int64_t now);

}  // namespace relais::notify
