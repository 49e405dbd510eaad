#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relais::domain {

/// A plausible email address (one @, a dot in the domain, no spaces), lower-cased; nullopt otherwise.
std::optional<std::string> normalize_email(std::string_view in);

/// A phone number in canonical form: French national numbers ("06 12 34 56 78", "06.12.34.56.78",
/// "+33 6 12 34 56 78") become "+33612345678"; other international numbers keep "+" and 8 to 15 digits.
/// nullopt if it cannot be a phone number.
std::optional<std::string> normalize_phone(std::string_view in);

/// An ISO 639-1 language code (two lower-case letters).
bool valid_language(std::string_view code);

/// Great-circle distance in kilometres.
double distance_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace relais::domain
