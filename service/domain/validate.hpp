#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relais::domain {

/// A plausible email address (one @, a dot in the domain, no spaces), lower-cased; nullopt otherwise.
std::optional<std::string> normalize_email(std::string_view in);

/// An ISO 639-1 language code (two lower-case letters).
bool valid_language(std::string_view code);

/// Great-circle distance in kilometres.
double distance_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace relais::domain
