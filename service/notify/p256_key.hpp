#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

namespace relais::notify {

/// A P-256 key (a key pair, or a public key alone) over OpenSSL 3's EVP interface, in the raw forms Web Push
/// uses: a 32-byte big-endian private scalar and a 65-byte uncompressed point (0x04 || x || y). Immutable and
/// cheap to copy (the key is shared). Every import validates and throws web_push_error naming `field`.
class p256_key {
  public:
    /// A fresh key pair from OpenSSL's random generator.
    static p256_key generate();
    /// The key pair of a private scalar (its public point computed): 32 bytes, 0 < d < the group order.
    static p256_key from_private(std::string_view scalar, std::string_view field);
    /// A public key: 65 bytes, uncompressed, on the curve and not the point at infinity.
    static p256_key from_public(std::string_view point, std::string_view field);

    /// The uncompressed public point (65 bytes).
    std::string public_point() const;
    /// The private scalar (32 bytes); throws web_push_error (crypto) for a public key alone.
    std::string private_scalar() const;
    /// The ECDH shared secret with `peer` (its x coordinate, 32 bytes).
    std::string ecdh(const p256_key& peer) const;
    /// An ECDSA P-256 SHA-256 signature of `data` as JWS ES256 writes it: r || s, 32 bytes each.
    std::string sign_es256(std::string_view data) const;

  private:
    explicit p256_key(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
    std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace relais::notify
