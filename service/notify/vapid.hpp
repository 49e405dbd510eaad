#pragma once

#include "notify/p256_key.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace relais::notify {

/// How long a VAPID token is valid at most: RFC 8292 allows 24 h; 12 h leaves room for clocks that disagree.
inline constexpr std::chrono::seconds max_vapid_validity{12 * 3600};

/// The application server's identity for Web Push (RFC 8292): a P-256 key pair. Both halves are base64url
/// text (no padding) so they can be stored as they are: the private key (32-byte scalar, 43 characters) stays
/// on the server; the public key (65-byte uncompressed point, 87 characters) is the `applicationServerKey`
/// the service worker subscribes with, and push services accept only tokens signed by that key.
class vapid_keys {
  public:
    /// A new key pair (once per deployment: changing it orphans every subscription).
    static vapid_keys generate();
    /// Loads a stored pair. `public_key` may be empty (it is computed); if given it must be the private
    /// key's, which catches two halves of different pairs. Throws web_push_error (bad_base64, bad_length,
    /// bad_key).
    static vapid_keys from_base64url(std::string_view private_key, std::string_view public_key = {});

    const std::string& private_key() const noexcept { return private_b64_; }
    const std::string& public_key() const noexcept { return public_b64_; }

    /// A signed JWT (ES256): header {"typ":"JWT","alg":"ES256"}, claims {"aud", "exp" (seconds since the
    /// epoch), "sub"}, the signature r||s; each part base64url without padding.
    std::string token(std::string_view audience, std::chrono::system_clock::time_point expires,
                      std::string_view subject) const;

    /// The Authorization header's value for a POST to `endpoint`: "vapid t=<token>, k=<public key>", the
    /// token for the endpoint's origin, expiring `validity` after `now` (at most max_vapid_validity).
    /// Throws web_push_error (bad_endpoint) for an endpoint that is not an absolute http(s) URL, and
    /// std::invalid_argument for a subject that is not a mailto: or https: URI.
    std::string authorization(std::string_view endpoint, std::string_view subject,
                              std::chrono::system_clock::time_point now,
                              std::chrono::seconds validity = max_vapid_validity) const;

  private:
    vapid_keys(p256_key key, std::string private_b64, std::string public_b64)
        : key_(std::move(key)), private_b64_(std::move(private_b64)), public_b64_(std::move(public_b64)) {}

    p256_key key_;
    std::string private_b64_, public_b64_;
};

/// The longest endpoint accepted (push services' are a few hundred characters).
inline constexpr std::size_t max_endpoint_size = 2048;

/// The origin of an endpoint URL, the token's audience: scheme://host[:port], scheme and host in lower case,
/// the port only if it is not the scheme's default. Throws web_push_error (bad_endpoint) unless the URL is
/// absolute http:// or https://, printable ASCII, at most max_endpoint_size, with a host (a DNS name, a
/// dotted IPv4 address or a bracketed IPv6 one), a port in 1..65535 if any, and no user information.
std::string origin_of(std::string_view endpoint);

/// Throws std::invalid_argument unless `subject` is a contact RFC 8292 accepts: a mailto: or https: URI.
void check_vapid_subject(std::string_view subject);

}  // namespace relais::notify
