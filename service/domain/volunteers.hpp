#pragma once

#include "domain/charter.hpp"
#include "domain/events.hpp"
#include "domain/reserve.hpp"
#include "domain/trainings.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relais::domain {

struct geo {
    double lat = 0;
    double lon = 0;
};

/// A weekly availability slot: day 0 = Monday, minutes since midnight.
struct availability_slot {
    int day = 0;
    int start = 0;
    int end = 0;
};

/// The day names of the API, Monday first.
extern const char* const day_names[7];

/// Withdrawal reasons (désistement), a fixed list.
extern const std::vector<std::string> withdrawal_reasons;

/// What a person gives when registering (already checked for shape by the API layer).
struct volunteer_input {
    std::string first_name, last_name, email, phone, neighbourhood;
    std::optional<geo> location;
    std::vector<std::string> skills;
    std::vector<availability_slot> availability;
    std::vector<std::string> languages;
    int max_missions_per_week = 2;
    /// The charter version the person read and accepted (required while the programme has a charter).
    std::optional<std::string> charter_version;
};

/// A volunteer as stored.
struct volunteer_record {
    std::string id, first_name, last_name, email, phone, neighbourhood;
    std::optional<geo> location;
    std::vector<std::string> skills;
    std::vector<availability_slot> availability;
    std::vector<std::string> languages;
    int max_missions_per_week = 0;
    std::string status;
    std::optional<std::string> withdrawal_reason, withdrawal_note;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> validated_at, withdrawn_at, erased_at;
    std::string consent_version;
    std::int64_t consent_at = 0;
    std::optional<reserve_membership> reserve;  ///< set when they are in the reserve (domain/reserve.hpp)
    // Read by load_volunteer only (the lists leave them out).
    std::optional<std::vector<training_record>> trainings;
    std::optional<std::optional<charter_acceptance_record>> charter;  ///< their latest acceptance
    /// Whether the owner of the sign-in account showed the email is theirs (a confirmation link, or a code
    /// received there); unset when the volunteer has no account.
    std::optional<bool> email_confirmed;
};

/// Changes a coordinator (or the volunteer, for their own profile) may make; absent fields are kept.
struct volunteer_patch {
    std::optional<std::string> first_name, last_name, email, phone, neighbourhood;
    std::optional<std::optional<geo>> location;
    std::optional<std::vector<std::string>> skills;
    std::optional<std::vector<availability_slot>> availability;
    std::optional<std::vector<std::string>> languages;
    std::optional<int> max_missions_per_week;
};

struct volunteer_filter {
    std::optional<std::string> status, neighbourhood, skill;
    std::int64_t after_seq = 0;
    int limit = 50;
};

struct page_info {
    std::optional<std::string> next_cursor;
};

/// The problem type of register_volunteer's refusal of an email that already has an account.
inline constexpr std::string_view email_taken_type = "/problems/email-taken";

/// Registers a volunteer (status `registered`) and their volunteer account. Refuses when registration is
/// closed (409), when the email has a live registration or account (409, type email_taken_type), or with
/// unknown codes (422).
/// Returns the new volunteer's id.
std::string register_volunteer(SQLite::Database& db, const volunteer_input& in,
                               const std::string& password_hash, std::int64_t now, const actor& who);

/// The same without the check that the call for volunteers is open (an import of an existing list).
std::string enrol_volunteer(SQLite::Database& db, const volunteer_input& in, const std::string& password_hash,
                            std::int64_t now, const actor& who);

/// Whether `email` has a live registration or account.
bool email_in_use(SQLite::Database& db, const std::string& email);

/// Loads one volunteer; throws not_found.
volunteer_record load_volunteer(SQLite::Database& db, const std::string& id);

/// Lists volunteers in registration order.
std::vector<volunteer_record> list_volunteers(SQLite::Database& db, const volunteer_filter& f,
                                              page_info& page);

/// Applies a patch; 422 on unknown codes, 409 if the new email has a live registration.
void patch_volunteer(SQLite::Database& db, const std::string& id, const volunteer_patch& p, std::int64_t now,
                     const actor& who);

/// Lifecycle: registered -> active (activate), active <-> paused (pause/resume), any but withdrawn ->
/// withdrawn. Resuming a reserve member is their reactivation (the membership ends, reason `reactivated`);
/// a withdrawal ends a membership too. Illegal transitions throw conflict naming the current status.
void activate_volunteer(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who);
void pause_volunteer(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who);
void resume_volunteer(SQLite::Database& db, const std::string& id, std::int64_t now, const actor& who);
/// Withdraws a volunteer; their future proposed and accepted missions are released back to dispatch
/// (dropped with reason `volunteer_withdrawn`, requests flagged), their supports pass to the stand-in or end.
void withdraw_volunteer(SQLite::Database& db, const std::string& id, const std::string& reason,
                        const std::optional<std::string>& note, std::int64_t now, const actor& who);

/// The coordination refuses an applicant (a registration not validated), saying why: their registration
/// ends as a withdrawal of reason `refused` (the statistics count it so) with the reason as its note, and
/// their account stops working. 409 unless the volunteer is `registered`.
void refuse_applicant(SQLite::Database& db, const std::string& id, const std::string& reason,
                      std::int64_t now, const actor& who);

/// Checks that every code exists (categories, neighbourhood); throws validation_error naming the fields.
void check_volunteer_codes(SQLite::Database& db, const std::optional<std::string>& neighbourhood,
                           const std::optional<std::vector<std::string>>& skills,
                           const std::string& prefix = "");

/// Encodes/decodes availability as stored JSON text.
std::string availability_to_json(const std::vector<availability_slot>& slots);
std::vector<availability_slot> availability_from_json(const std::string& text);
std::string strings_to_json(const std::vector<std::string>& v);
std::vector<std::string> strings_from_json(const std::string& text);

}  // namespace relais::domain
