#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The signatures that prove a request to our SMS webhooks comes from the provider (who knows the token).
namespace relais::notify {

/// Twilio's X-Twilio-Signature: base64 of HMAC-SHA1, keyed by the auth token, of the full URL the provider
/// called followed by each POST parameter's name and value, sorted by name.
std::string twilio_signature(std::string_view token, std::string_view url,
                             std::vector<std::pair<std::string, std::string>> params);

/// The generic webhook's X-Relais-Signature: "sha256=" and the hex HMAC-SHA256, keyed by the token, of the
/// raw body.
std::string webhook_signature(std::string_view token, std::string_view body);

/// Compares a signature received with the expected one in constant time.
bool signature_matches(std::string_view received, std::string_view expected);

}  // namespace relais::notify
