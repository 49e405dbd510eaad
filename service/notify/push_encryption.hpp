#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relais::notify {

/// The record size written in every message's header (RFC 8188), as browsers expect it.
inline constexpr std::size_t push_record_size = 4096;
/// The header of an aes128gcm body: salt (16), record size (4), key id length (1), sender's public key (65).
inline constexpr std::size_t push_header_size = 86;
/// The largest payload one push message carries: push services must accept 4096-byte bodies (RFC 8030 section
/// 7.2), which leaves this much after the header, the padding delimiter and the 16-byte tag.
inline constexpr std::size_t max_push_payload = 4096 - push_header_size - 1 - 16;

/// Encrypts `payload` for one subscription (RFC 8291 over the aes128gcm content coding of RFC 8188): an
/// ephemeral P-256 key agreed with the subscription's `p256dh` (65-byte public key, base64url), mixed with
/// its `auth` secret (16 bytes, base64url) and a random 16-byte salt through HKDF-SHA256; one record, the
/// payload followed by the delimiter 0x02, sealed with AES-128-GCM. Returns the body to POST with
/// `Content-Encoding: aes128gcm`: salt || record size (4096, big-endian) || 65 || sender's public key ||
/// ciphertext and tag. Throws web_push_error: bad_base64, bad_length or bad_key for a key that is not one,
/// too_large for a payload over max_push_payload.
std::string encrypt_push(std::string_view payload, std::string_view p256dh, std::string_view auth);

/// The same with the salt (16 bytes) and the sender's ephemeral private key (a 32-byte scalar) given, both
/// base64url, so the output is deterministic: for the worked example of RFC 8291 section 5 and for tests
/// only. Never reuse a salt or a key for two messages.
std::string encrypt_push(std::string_view payload, std::string_view p256dh, std::string_view auth,
                         std::string_view salt, std::string_view sender_private_key);

}  // namespace relais::notify
