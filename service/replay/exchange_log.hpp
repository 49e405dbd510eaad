#pragma once

#include <string>
#include <string_view>

namespace relais::replay {

/// One HTTP exchange as a client saw it, for the contract check of bodies (scripts/check-bodies.mjs).
struct exchange_record {
    std::string_view source;   ///< who made it: "api-tests", "replay"
    std::string_view context;  ///< where in the source (a test case's name), or ""
    std::string_view method;
    std::string_view target;  ///< the request target as sent (path and query)
    unsigned status = 0;
    std::string_view request_content_type;
    std::string_view request_body;
    std::string_view response_content_type;
    std::string_view response_body;
};

/// The environment variable naming the file exchanges are appended to; unset or empty, nothing is recorded.
/// Test tooling only: the exchanges are those of the API tests and of the synthetic season replay.
inline constexpr const char* exchange_log_variable = "RELAIS_EXCHANGE_LOG";

/// Whether `content_type` (parameters allowed) is JSON: application/json or a `+json` type.
bool is_json_media_type(std::string_view content_type);

/// The JSON line of an exchange (no newline): bodies of JSON media types are kept whole as strings, the
/// others only by their length.
std::string exchange_line(const exchange_record& e);

/// Appends the exchange's line to the file named by RELAIS_EXCHANGE_LOG when it is set (created owner-only).
/// Each line goes out in one append-mode write, so processes and threads sharing the file do not interleave
/// lines. Never throws: a file that cannot be written is reported once on standard error.
void record_exchange(const exchange_record& e) noexcept;

}  // namespace relais::replay
