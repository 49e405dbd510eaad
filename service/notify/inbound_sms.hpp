#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Text messages people send to the programme's number (the provider's inbound webhook, api/sms_routes.cpp).
namespace relais::notify {

/// What a reply says: yes (OUI, O, 1, YES, Y), no (NON, N, 2, NO), stop (STOP, ARRET, UNSUBSCRIBE: no more
/// SMS to this number), start (START, UNSTOP: SMS again), or anything else. Case, accents, spaces and final
/// punctuation do not matter ("Oui !", "non.", " stop ").
enum class reply_word { yes, no, stop, start, other };
reply_word word_of(std::string_view body);

/// One received text.
struct inbound_text {
    std::string from;         ///< the sender's number as the provider gives it (E.164)
    std::string body;         ///< at most 1,600 characters are kept
    std::string provider_id;  ///< the provider's id (a repeated delivery of the same id is ignored)
};

/// What was done with it.
enum class inbound_outcome {
    accepted,        ///< the sender's latest pending proposal is accepted
    declined,        ///< ... declined (the next candidate is asked when automatic dispatch is on)
    opted_out,       ///< STOP: no more SMS to this number
    opted_in,        ///< START
    no_pending,      ///< a yes or no from a volunteer with no proposal waiting
    unknown_sender,  ///< not a volunteer's number
    not_understood,  ///< anything else: shown to the coordinators
    duplicate,       ///< already received (same provider id)
};
const char* name_of(inbound_outcome o);

/// Acts on a received text in the caller's write transaction: answers the latest proposal still waiting for
/// the volunteer whose number sent it, records a STOP or START, and keeps every text (with what was done)
/// for the coordinators until `now + keep_seconds` (retention).
inbound_outcome handle_inbound(SQLite::Database& db, const inbound_text& in, std::int64_t now,
                               std::int64_t keep_seconds);

/// True if `e164` replied STOP (and not START since).
bool opted_out(SQLite::Database& db, const std::string& e164);

/// A received text as the coordinators see it.
struct inbound_summary {
    std::string id, outcome, body;
    std::int64_t received_at = 0;
    std::string sender_kind, sender_id;  ///< "volunteer" and its id, or empty (unknown number)
};

/// The latest received texts, newest first; `needing_attention` only those no automatic answer handled.
std::vector<inbound_summary> inbound_texts(SQLite::Database& db, bool needing_attention, int limit);

}  // namespace relais::notify
