#pragma once

#include "domain/events.hpp"
#include "domain/volunteers.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relais::domain {

struct resident_needs {
    bool isolated = false, reduced_mobility = false, visually_impaired = false, not_french_speaking = false;
};

struct resident_input {
    std::string first_name, last_name, phone, address, neighbourhood;
    std::optional<std::string> email;
    std::optional<geo> location;
    resident_needs needs;
    std::string preferred_contact = "phone";
    std::vector<std::string> languages{"fr"};
};

struct resident_record {
    std::string id, first_name, last_name, phone, address, neighbourhood, preferred_contact, consent_version;
    std::optional<std::string> email;
    std::optional<geo> location;
    resident_needs needs;
    std::vector<std::string> languages;
    std::int64_t consent_at = 0, created_at = 0;
    std::optional<std::int64_t> erased_at;
};

struct resident_patch {
    std::optional<std::string> first_name, last_name, phone, address, neighbourhood, preferred_contact;
    std::optional<std::optional<std::string>> email;
    std::optional<std::optional<geo>> location;
    std::optional<resident_needs> needs;
    std::optional<std::vector<std::string>> languages;
};

struct request_input {
    std::optional<resident_input> resident;  ///< a new resident...
    std::optional<std::string> resident_id;  ///< ...or a known one (staff only)
    std::string category, details, urgency, recurrence, channel;
    std::int64_t window_from = 0, window_until = 0;
    std::optional<std::string> partner_id;
};

struct created_request {
    std::string id;
    std::string tracking_code;  ///< shown once; only its hash is stored
    std::string resident_id;
};

struct request_record {
    std::string id, resident_id, category, details, urgency, recurrence, channel, status;
    std::optional<std::string> outcome, close_reason, partner_id;
    std::int64_t window_from = 0, window_until = 0, created_at = 0, updated_at = 0;
    std::optional<std::int64_t> closed_at, first_proposed_at, first_accepted_at, first_done_at;
    bool redispatch = false;
    int redispatch_count = 0;
    std::string neighbourhood;  ///< the resident's
    std::int64_t seq = 0;
};

struct request_filter {
    std::optional<std::string> status, category, neighbourhood, urgency, channel;
    std::optional<std::string> stage;  ///< one of queue_stages (domain/queue_state.hpp)
    std::optional<bool> redispatch;
    std::optional<std::string> cursor;
    int limit = 50;
};

/// What a resident sees with their tracking code.
struct track_view {
    std::string status;
    std::optional<std::string> outcome;
    std::optional<std::int64_t> next_visit;
};

extern const std::vector<std::string> urgencies;
extern const std::vector<std::string> close_outcomes;

/// Creates a request (and its resident, with consent recorded now under the programme's consent text
/// version). 422 on unknown codes or a window in the past; 404 on an unknown resident_id.
created_request create_request(SQLite::Database& db, const request_input& in, std::int64_t now,
                               const actor& who);

/// Records a resident without a request (a register's entry), with their consent under `consent_version`;
/// `channel` says how they came (for the event). Returns their id.
std::string record_resident(SQLite::Database& db, const resident_input& r, const std::string& channel,
                            const std::string& consent_version, std::int64_t now, const actor& who);

request_record load_request(SQLite::Database& db, const std::string& id);
resident_record load_resident(SQLite::Database& db, const std::string& id);

/// The dispatch queue: flagged (re-dispatch) first, then by urgency, then oldest first. Reads the request
/// and resident tables only, and not the clock: the API caches its pages on that basis (api::read_cache
/// with the store's watched tables); keep it so or change both.
std::vector<request_record> list_requests(SQLite::Database& db, const request_filter& f, page_info& page);

/// Residents whose phone is `phone` (canonical form), for phone intake.
std::vector<resident_record> find_residents(SQLite::Database& db, const std::optional<std::string>& phone,
                                            std::int64_t after_seq, int limit, page_info& page);
void patch_resident(SQLite::Database& db, const std::string& id, const resident_patch& p, std::int64_t now,
                    const actor& who);

/// Closes a request with an outcome; its live missions are cancelled and its support ends.
void close_request(SQLite::Database& db, const std::string& id, const std::string& outcome,
                   const std::optional<std::string>& reason, std::int64_t now, const actor& who);

/// Tracking: 404 for an unknown code (no hint whether it ever existed).
track_view track_request(SQLite::Database& db, const std::string& code_hash, std::int64_t now);
/// Cancels by tracking code; 409 if already closed.
track_view cancel_by_tracking(SQLite::Database& db, const std::string& code_hash, std::int64_t now);

/// Sets or clears the re-dispatch flag (a declined/dropped/expired mission puts the request back on top).
void flag_redispatch(SQLite::Database& db, const std::string& request_id, std::int64_t now);

/// Urgency rank for sorting (today first).
int urgency_rank(std::string_view urgency);

}  // namespace relais::domain
