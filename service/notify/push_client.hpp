#pragma once

#include "notify/http_poster.hpp"
#include "notify/push_encryption.hpp"
#include "notify/smtp_mailer.hpp"
#include "notify/vapid.hpp"
#include "notify/web_push.hpp"

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace relais::notify {

/// Where and how web push goes (suggested options: --push-vapid-key-file, --push-subject).
struct push_settings {
    std::string vapid_private_key;  ///< base64url, 32 bytes (vapid_keys::private_key()); empty: push off
    std::string vapid_public_key;   ///< base64url, 65 bytes; may be empty (computed), checked if given
    std::string subject;            ///< the operator's contact for push services: mailto:... or https://...
    std::string ca_file;            ///< certificate authorities to trust instead of the system's (tests)
    std::chrono::seconds timeout{30};
    bool allow_local_http = false;  ///< accept http:// endpoints on this machine (the tests' push service)
};

/// A browser's subscription as PushSubscription.toJSON() gives it: {endpoint, keys: {p256dh, auth}}.
/// Personal data: never logged.
struct push_subscription {
    std::string endpoint;  ///< the push service's URL for this device (https://)
    std::string p256dh;    ///< the device's P-256 public key, base64url (65 bytes)
    std::string auth;      ///< the device's authentication secret, base64url (16 bytes)
};

/// How soon the device should be woken (RFC 8030 section 5.3): push services save battery on low urgencies.
enum class push_urgency { very_low, low, normal, high };

/// One message.
struct push_message {
    std::string payload;  ///< what the service worker's push event reads (UTF-8 JSON), ≤ max_push_payload
    std::chrono::seconds ttl{
        std::chrono::hours(24)};  ///< how long the push service keeps it for an offline device
    push_urgency urgency = push_urgency::normal;
    /// Optional (RFC 8030 section 5.4): a newer message with the same topic replaces one still waiting at the
    /// push service. At most 32 characters of the base64url alphabet.
    std::string topic;
};

/// What became of one push message.
struct push_outcome {
    enum class kind {
        sent,       ///< 2xx: the push service took it (201 Created, 202 Accepted)
        gone,       ///< 404/410, or a subscription that can never work: delete the subscription
        temporary,  ///< 429, 5xx, no answer: try again later
        permanent,  ///< any other 4xx, or a message that cannot be sent (too large): give up on this message
    } result = kind::sent;
    std::string reason;      ///< for the delivery log: a status and a category, never the endpoint or a key
    bool no_answer = false;  ///< the push service answered nothing (connection, TLS, timeout)

    /// The outbox's view: gone is a permanent failure of this message (the caller also deletes the
    /// subscription).
    send_outcome as_send_outcome() const;
};

/// What to POST for one message: the endpoint, the request's headers ("Name: value") and its encrypted body.
struct push_request {
    std::string url;
    std::vector<std::string> headers;  ///< TTL, Urgency, Content-Encoding, Authorization, optional Topic
    std::string body;
};

/// Builds the request for `message` to `subscription`, signed by `keys` for `subject`, its token valid
/// max_vapid_validity from `now`. Throws web_push_error for a subscription or message that cannot be sent.
push_request build_push_request(const vapid_keys& keys, std::string_view subject,
                                const push_subscription& subscription, const push_message& message,
                                std::chrono::system_clock::time_point now);

/// How a push service's answer counts (status 0: no answer, `transport_error` says why): 2xx sent; 404 and
/// 410 gone; 429 and 5xx temporary; other statuses permanent.
push_outcome outcome_of_push_status(long status, const std::string& transport_error);

/// Throws web_push_error unless `endpoint` is an absolute https:// URL with a host (or, with
/// `allow_local_http`, http:// to this machine): for the route that stores a subscription, and for send().
void check_endpoint(std::string_view endpoint, bool allow_local_http = false);

/// Throws web_push_error unless the subscription could be sent to: its endpoint (check_endpoint), its p256dh
/// a P-256 public key on the curve, its auth 16 bytes. The message names the field, never the value.
void check_subscription(const push_subscription& subscription, bool allow_local_http = false);

/// A Web Push client for the sender's thread (blocking, like sms_provider): one HTTP connection cache and one
/// VAPID token per push service (origin), reused while it has more than an hour to live. Never logs.
class push_client {
  public:
    /// Throws std::invalid_argument (or web_push_error, which is one) for a missing or bad key or subject.
    explicit push_client(push_settings s);

    /// Encrypts and POSTs one message; see push_outcome for what the caller does with the answer.
    push_outcome send(const push_subscription& subscription, const push_message& message);

    const vapid_keys& keys() const noexcept { return keys_; }
    const push_settings& settings() const noexcept { return s_; }

  private:
    struct cached_token {
        std::string authorization;
        std::chrono::system_clock::time_point expires;
    };
    std::string authorization_for(std::string_view endpoint);

    push_settings s_;
    vapid_keys keys_;
    http_poster http_;
    std::map<std::string, cached_token, std::less<>> tokens_;  ///< by origin
};

}  // namespace relais::notify
