#pragma once

#include "core/dictionary.hpp"
#include "store/committed_event.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relais::notify {

/// What the planner needs besides the database: which channels exist, the address links start with, the
/// texts (the browser's own dictionaries, web/i18n, keys "msg.*"), and how long messages are kept.
struct planner_settings {
    bool email = false;      ///< --smtp-url given
    bool sms = false;        ///< --sms-provider given
    bool push = false;       ///< web push on (a VAPID key pair; --public-url given)
    std::string public_url;  ///< --public-url (no trailing slash), else the bind address
    std::shared_ptr<const core::dictionaries> words = core::dictionaries::none();
    std::int64_t keep_seconds = 30 * 86400;  ///< --outbox-retention-days
};

/// Decides the messages a group commit's events call for and queues them in the outbox, on the writer's
/// connection, inside the transaction that made the events (store_options::before_commit): a message exists
/// exactly when its change is committed. Returns how many were queued.
///
/// Each message goes on the first channel that reaches its recipient: a text message (SMS on, a mobile
/// number, no STOP received from it; not between 21:00 and 08:00 city time unless about a mission that
/// starts that day: it then waits for 08:00), else an email (email on, an address). A volunteer with a device
/// that accepts web push gets a notification first (quiet hours as texts); their own channel order otherwise.
/// What is sent:
/// - a volunteer: a mission proposed to them (category, time, neighbourhood, the deadline, a link to their
///   space; never the resident's address or name), a mission of theirs cancelled, their registration
///   validated; for an accepted mission, a reminder at 18:00 (city time) the evening before and two hours
///   before, and two hours after its end "did it happen?" (queued at acceptance, due then, cancelled if the
///   mission is cancelled, dropped, missed or reported first);
/// - a resident with an email address: "a volunteer is coming" (first name and time) when a mission is
///   accepted, and that the visit will not take place if it is then cancelled or dropped;
/// - every coordinator: a welfare concern reported with a mission, at once (no name: the console has it).
/// A person without a mobile number or an email address (or erased) gets nothing.
/// An event whose planning fails loses its own messages only (logged; counted in `*failed` if given); the
/// others' are kept. Returns the messages queued.
///
/// A new public request's receipt ("request received", with its tracking code) is the exception: the commit
/// records it as owed (one receipt_owed row per group commit, the codes with it: migration 32) and
/// expand_owed_receipts writes the message out later, so that a surge of requests does not pay for its
/// receipts in its own commits (issue 14).
int plan_messages(SQLite::Database& db, const std::vector<store::committed_event>& events,
                  const planner_settings& s, std::size_t* failed = nullptr);

/// When the oldest receipt still owed was recorded (programme time); none if none is owed.
std::optional<std::int64_t> oldest_owed_receipt(SQLite::Database& db);

/// Writes out the receipts owed, oldest first, as outbox messages (what plan_messages would have queued in
/// the request's commit, to the resident as they are now: an erased one gets nothing; due at the request's
/// time), and forgets them, in the caller's transaction: each is written out once. At least `limit`
/// receipts when that many are owed (whole commits' rows). One that fails is lost alone (logged; counted in
/// `*failed`). Returns how many receipts were taken.
int expand_owed_receipts(SQLite::Database& db, const planner_settings& s, std::int64_t now, int limit,
                         std::size_t* failed = nullptr);

}  // namespace relais::notify
