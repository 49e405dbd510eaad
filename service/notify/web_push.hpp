#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

// Web Push for the volunteer app: what the pieces are and how they are meant to be wired.
//
//   notify/web_push.hpp        this overview, the typed error and base64url (the encoding of every key)
//   notify/vapid.hpp           vapid_keys: the server's P-256 identity (RFC 8292), its Authorization header
//   notify/push_encryption.hpp encrypt_push(): a payload for one subscription (RFC 8291, aes128gcm RFC 8188)
//   notify/push_client.hpp     push_client: POSTs one message to a subscription's endpoint and says what
//                              became of it (sent, gone, temporary, permanent)
//
// Wiring (not done here):
//  1. Keys, once: vapid_keys::generate(), then store private_key() and public_key() (base64url text) in the
//     database or a key file; at start, vapid_keys::from_base64url(private, public). The public key is the
//     `applicationServerKey` the service worker passes to pushManager.subscribe(): serve it to the app.
//  2. Subscribing: the app posts PushSubscription.toJSON() = {endpoint, keys: {p256dh, auth}}. Check it with
//     check_subscription() (throws web_push_error: answer 422) and store the three strings with the
//     volunteer; they are personal data (erase them with the volunteer, never log them).
//  3. Sending, on the sender's thread (blocking): one push_client for its lifetime (it keeps the connection
//     and caches the VAPID token per push service); send(subscription, message) returns a push_outcome:
//     sent; gone (404/410, or stored keys that are not keys: delete the subscription, the channel no longer
//     reaches that device); temporary (429, 5xx, no answer: retry later like the SMS channel); permanent
//     (other 4xx: give up on this message). push_outcome::as_send_outcome() maps it onto the outbox's
//     send_outcome (gone counts as permanent).
//  4. The payload is what the service worker's `push` event reads (event.data.json()): a small JSON object
//     such as {"title", "body", "url"}; at most max_push_payload bytes. Keep personal details out of it where
//     a link will do: it transits the browser vendor's push service (encrypted, but still).
//  5. Tests: tests/api/support/push_service_process starts a local push service (push_service.py in
//     tests/support) that hands out subscriptions, checks tokens and decrypts; its endpoints are
//     http://127.0.0.1:PORT/..., which push_client sends to only with push_settings::allow_local_http (a
//     test-only option, like --test-clock); with --cert/--key it speaks HTTPS, trusted through ca_file.
namespace relais::notify {

/// Hostile or malformed input to web push (a subscription's keys, a stored VAPID key, an endpoint, a payload
/// too large), or a failure of the cryptography itself. The message names the field and the fault, never the
/// value (keys and endpoints are personal data). Derives from std::invalid_argument so that a bad key in the
/// configuration stops the server at start like any other bad option.
class web_push_error : public std::invalid_argument {
  public:
    enum class kind {
        bad_base64,    ///< not base64url (or not canonical: stray characters, bad padding, trailing bits)
        bad_length,    ///< decodes, but not to the length the field must have
        bad_key,       ///< the right length, but not a valid P-256 key (a point off the curve, a zero scalar)
        bad_endpoint,  ///< not an absolute https:// URL of a push service
        too_large,     ///< the payload does not fit one push message
        bad_message,   ///< another option of a message out of range (its topic)
        crypto,        ///< OpenSSL failed where it should not (out of memory, no randomness)
    };
    web_push_error(kind k, const std::string& what) : std::invalid_argument(what), kind_(k) {}
    kind which() const noexcept { return kind_; }

  private:
    kind kind_;
};

/// URL-safe base64 without padding (RFC 4648 section 5), as Web Push and JWT write every binary value.
std::string base64url_encode(std::string_view bytes);

/// Decodes URL-safe base64; padding is accepted but not required. Throws web_push_error (bad_base64) naming
/// `field` for any other character, a bad length or non-zero trailing bits.
std::string base64url_decode(std::string_view text, std::string_view field);

}  // namespace relais::notify
