#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relais::domain {

/// Parses an ISO 8601 date-time with a mandatory offset ("2026-11-23T10:00:00Z", "...+01:00",
/// fractional seconds ignored) into Unix seconds; nullopt if malformed or without offset.
std::optional<std::int64_t> parse_iso8601(std::string_view s);

/// Formats Unix seconds as "YYYY-MM-DDTHH:MM:SSZ".
std::string format_iso8601(std::int64_t unix_seconds);

/// Parses "YYYY-MM-DD" into Unix seconds at 00:00 UTC; nullopt if malformed.
std::optional<std::int64_t> parse_date(std::string_view s);

/// "HH:MM" -> minutes since midnight (0..1440, "24:00" allowed as an end); nullopt if malformed.
std::optional<int> parse_hhmm(std::string_view s);

/// Day number (floor(t / 86400)) of Unix seconds (UTC days).
inline std::int64_t utc_day_of(std::int64_t t) {
    constexpr std::int64_t d = 86400;
    return t >= 0 ? t / d : -((-t + d - 1) / d);
}

/// Day of week of Unix seconds in UTC, 0 = Monday.
int weekday_utc(std::int64_t unix_seconds);

}  // namespace relais::domain
