#pragma once

#include "notify/smtp_mailer.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace relais::notify {

/// Where and how SMS go (--sms-provider, --sms-url, --sms-account, --sms-token-file, --sms-from).
struct sms_settings {
    std::string provider;    ///< "twilio" (a Twilio-compatible Messages API) or "webhook"; empty: SMS off
    std::string url;         ///< twilio: the API's base (https://api.twilio.com); webhook: the endpoint
    std::string account;     ///< twilio: the account SID (the path and the basic-auth user)
    std::string token;       ///< the shared secret: basic-auth password / bearer, and the signature key
    std::string from;        ///< the sender: a number in E.164 or an alphanumeric sender id
    std::string status_url;  ///< where the provider reports delivery (our /api/v1/sms/status)
    std::string ca_file;     ///< certificate authorities to trust instead of the system's (tests)
    std::chrono::seconds timeout{30};
};

/// What became of one SMS handed to the provider.
struct sms_outcome {
    send_outcome outcome;     ///< sent (accepted by the provider), temporary or permanent failure
    std::string provider_id;  ///< the provider's id of the message (its status callbacks name it)
};

/// One SMS provider's API, for the sender's thread (blocking calls).
class sms_provider {
  public:
    virtual ~sms_provider() = default;
    /// Hands one text to the provider for `to` (E.164).
    virtual sms_outcome send(const std::string& to, const std::string& text) = 0;
};

/// The provider of `s` (throws std::invalid_argument for an unknown provider name or a missing setting).
std::unique_ptr<sms_provider> make_sms_provider(const sms_settings& s);

/// How a provider's HTTP answer counts: 2xx sent; 400/404/422 (a number refused, a text rejected)
/// permanent; anything else (401/403: our credentials, 429, 5xx, no answer) temporary: it may pass, and a
/// mistyped token must not fail every message for good.
send_outcome outcome_of_status(long status, const std::string& transport_error, const std::string& code);

}  // namespace relais::notify
