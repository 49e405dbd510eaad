#pragma once

#include "api/body_reader.hpp"
#include "domain/outreach.hpp"
#include "domain/phone_plan.hpp"
#include "domain/requests.hpp"
#include "domain/volunteers.hpp"

#include <optional>
#include <string>
#include <vector>

// Decoders shared by several routes: each reads fields through a body_reader, recording faults there.
namespace relais::api {

constexpr text_rule name_rule{1, 80, false};
constexpr text_rule details_rule{0, 2000, true};
constexpr text_rule note_rule{0, 2000, true};
constexpr text_rule address_rule{3, 300, false};

std::optional<domain::geo> read_location(body_reader& r, std::string_view key);
std::optional<std::vector<domain::availability_slot>> read_availability(body_reader& r, std::string_view key,
                                                                        bool required);
/// An array of short codes (category or language codes), deduplicated, order kept.
std::optional<std::vector<std::string>> read_codes(body_reader& r, std::string_view key,
                                                   std::size_t max_items, bool required, bool languages);
std::optional<std::string> read_email(body_reader& r, std::string_view key, bool required);
/// A phone number in canonical (E.164) form; one without a country code is of the city's region.
std::optional<std::string> read_phone(body_reader& r, std::string_view key, bool required,
                                      const domain::phone_plan& phones);
/// The languages messages are written in (the dictionaries web/i18n/*.json).
extern const std::vector<std::string> message_languages;
std::optional<domain::resident_needs> read_needs(body_reader& r, std::string_view key);
/// An outreach call's outcome (the CallOutcome and MissionCallOutcome bodies): `outcome`, `note` (empty:
/// none) and `need` {category, details}.
domain::call_outcome read_call_outcome(body_reader& r);

}  // namespace relais::api
