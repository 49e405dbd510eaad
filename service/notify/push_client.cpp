#include "notify/push_client.hpp"

#include <algorithm>
#include <cctype>

namespace relais::notify {

namespace {

/// A token is renewed when less than this is left of it, so no request carries one about to expire.
constexpr std::chrono::seconds token_margin{3600};
/// Tokens kept at most (one per push service's origin).
constexpr std::size_t max_cached_tokens = 64;

const char* urgency_name(push_urgency u) {
    switch (u) {
        case push_urgency::very_low:
            return "very-low";
        case push_urgency::low:
            return "low";
        case push_urgency::high:
            return "high";
        case push_urgency::normal:
            break;
    }
    return "normal";
}

/// The request once the subscription is known to be sound and the Authorization value is at hand.
push_request make_request(const push_subscription& subscription, const push_message& message,
                          std::string authorization) {
    const auto& t = message.topic;
    if (t.size() > 32 || !std::all_of(t.begin(), t.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '-' || c == '_';
        }))
        throw web_push_error(web_push_error::kind::bad_message,
                             "topic: at most 32 characters of the base64url alphabet");
    push_request r;
    r.url = subscription.endpoint;
    r.body = encrypt_push(message.payload, subscription.p256dh, subscription.auth);
    r.headers = {"TTL: " + std::to_string(std::max<std::int64_t>(0, message.ttl.count())),
                 std::string("Urgency: ") + urgency_name(message.urgency), "Content-Encoding: aes128gcm",
                 "Authorization: " + std::move(authorization)};
    if (!t.empty())
        r.headers.push_back("Topic: " + t);
    return r;
}

}  // namespace

send_outcome push_outcome::as_send_outcome() const {
    switch (result) {
        case kind::sent:
            return {send_outcome::kind::sent, reason, no_answer};
        case kind::temporary:
            return {send_outcome::kind::temporary, reason, no_answer};
        case kind::gone:
        case kind::permanent:
            break;
    }
    return {send_outcome::kind::permanent, reason, no_answer};
}

push_request build_push_request(const vapid_keys& keys, std::string_view subject,
                                const push_subscription& subscription, const push_message& message,
                                std::chrono::system_clock::time_point now) {
    check_subscription(subscription, true);
    return make_request(subscription, message, keys.authorization(subscription.endpoint, subject, now));
}

push_outcome outcome_of_push_status(long status, const std::string& transport_error) {
    using kind = push_outcome::kind;
    if (status == 0)
        return {kind::temporary, "no answer: " + transport_error, true};
    const std::string what = "HTTP " + std::to_string(status);
    if (status >= 200 && status < 300)
        return {kind::sent, {}};
    if (status == 404 || status == 410)
        return {kind::gone, what + ": subscription gone"};
    if (status == 429)
        return {kind::temporary, what + ": rate limited"};
    if (status >= 500)
        return {kind::temporary, what};
    if (status == 413)
        return {kind::permanent, what + ": message too large"};
    if (status == 401 || status == 403)
        return {kind::permanent, what + ": VAPID authorization refused"};
    return {kind::permanent, what + ": refused"};
}

void check_endpoint(std::string_view endpoint, bool allow_local_http) {
    const std::string origin = origin_of(endpoint);  // throws for anything but an absolute http(s) URL
    if (origin.rfind("https://", 0) == 0)
        return;
    // In clear only to this machine (the tests' push service): a payload is encrypted, but its token is not.
    if (!allow_local_http || !smtp_url_is_local(origin))
        throw web_push_error(web_push_error::kind::bad_endpoint, "endpoint: not an https:// URL");
}

void check_subscription(const push_subscription& subscription, bool allow_local_http) {
    check_endpoint(subscription.endpoint, allow_local_http);
    p256_key::from_public(base64url_decode(subscription.p256dh, "p256dh"), "p256dh");
    if (base64url_decode(subscription.auth, "auth").size() != 16)
        throw web_push_error(web_push_error::kind::bad_length, "auth: an authentication secret has 16 bytes");
}

push_client::push_client(push_settings s)
    : s_(std::move(s)),
      keys_(vapid_keys::from_base64url(s_.vapid_private_key, s_.vapid_public_key)),
      http_(s_.ca_file, s_.timeout) {
    check_vapid_subject(s_.subject);
}

std::string push_client::authorization_for(std::string_view endpoint) {
    const auto now = std::chrono::system_clock::now();
    const std::string origin = origin_of(endpoint);
    if (const auto it = tokens_.find(origin); it != tokens_.end() && it->second.expires - now > token_margin)
        return it->second.authorization;
    if (tokens_.size() >= max_cached_tokens)
        tokens_.clear();  // a handful of push services in practice: many origins are hostile endpoints
    auto& slot = tokens_[origin];
    slot.authorization = keys_.authorization(endpoint, s_.subject, now);
    slot.expires = std::chrono::time_point_cast<std::chrono::seconds>(now) + max_vapid_validity;
    return slot.authorization;
}

push_outcome push_client::send(const push_subscription& subscription, const push_message& message) {
    using kind = push_outcome::kind;
    push_request r;
    try {
        check_subscription(subscription, s_.allow_local_http);
        r = make_request(subscription, message, authorization_for(subscription.endpoint));
    } catch (const web_push_error& e) {
        // The message names the field, never the value, so it can go to the delivery log.
        switch (e.which()) {
            case web_push_error::kind::too_large:
            case web_push_error::kind::bad_message:
                return {kind::permanent, std::string("not sendable: ") + e.what()};
            case web_push_error::kind::crypto:
                return {kind::temporary, e.what()};
            default:
                return {kind::gone, std::string("unusable subscription: ") + e.what()};
        }
    }
    const auto a = http_.post(r.url, "application/octet-stream", r.body, r.headers);
    return outcome_of_push_status(a.status, a.error);
}

}  // namespace relais::notify
