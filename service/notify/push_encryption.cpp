#include "notify/push_encryption.hpp"

#include "notify/p256_key.hpp"
#include "notify/web_push.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>

namespace relais::notify {

namespace {

constexpr std::size_t salt_size = 16;
constexpr std::size_t auth_size = 16;
constexpr std::size_t tag_size = 16;

web_push_error crypto_failure(const char* what) {
    ERR_clear_error();
    return web_push_error(web_push_error::kind::crypto, std::string("web push: OpenSSL failed to ") + what);
}

/// HKDF-SHA256 (RFC 5869), extract then expand, through OpenSSL's KDF.
std::string hkdf_sha256(std::string_view salt, std::string_view ikm, std::string_view info,
                        std::size_t length) {
    std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr),
                                                          EVP_KDF_free);
    std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr,
                                                                  EVP_KDF_CTX_free);
    if (!ctx)
        throw crypto_failure("load HKDF");
    // OSSL_PARAM takes non-const pointers but only reads them for a derivation.
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(ikm.data()), ikm.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
        OSSL_PARAM_construct_end()};
    std::string out(length, '\0');
    if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), params) <= 0)
        throw crypto_failure("derive a key");
    return out;
}

/// AES-128-GCM of `plaintext`: the ciphertext followed by the 16-byte tag.
std::string aes128gcm_seal(std::string_view key, std::string_view nonce, std::string_view plaintext) {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    std::string out(plaintext.size() + tag_size, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    int n = 0, last = 0;
    // The nonce is 12 bytes, GCM's default IV length.
    if (!ctx ||
        EVP_EncryptInit_ex2(ctx.get(), EVP_aes_128_gcm(), reinterpret_cast<const unsigned char*>(key.data()),
                            reinterpret_cast<const unsigned char*>(nonce.data()), nullptr) != 1 ||
        EVP_EncryptUpdate(ctx.get(), o, &n, reinterpret_cast<const unsigned char*>(plaintext.data()),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), o + n, &last) != 1 ||
        static_cast<std::size_t>(n + last) != plaintext.size() ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size),
                            o + plaintext.size()) != 1)
        throw crypto_failure("encrypt");
    return out;
}

std::string encrypt_with(std::string_view payload, std::string_view p256dh, std::string_view auth,
                         const std::string& salt, const p256_key& sender) {
    if (payload.size() > max_push_payload)
        throw web_push_error(web_push_error::kind::too_large,
                             "payload: " + std::to_string(payload.size()) + " bytes, more than the " +
                                 std::to_string(max_push_payload) + " one push message carries");
    const std::string ua_public = base64url_decode(p256dh, "p256dh");
    const auto receiver = p256_key::from_public(ua_public, "p256dh");
    const std::string auth_secret = base64url_decode(auth, "auth");
    if (auth_secret.size() != auth_size)
        throw web_push_error(
            web_push_error::kind::bad_length,
            "auth: an authentication secret has 16 bytes, not " + std::to_string(auth_secret.size()));
    const std::string as_public = sender.public_point();

    // RFC 8291 section 3.4: the shared secret, keyed by the auth secret and bound to both public keys...
    const std::string ecdh_secret = sender.ecdh(receiver);
    std::string key_info = "WebPush: info";
    key_info += '\0';
    key_info += ua_public;
    key_info += as_public;
    const std::string ikm = hkdf_sha256(auth_secret, ecdh_secret, key_info, 32);
    // ...then RFC 8188 section 2.2/2.3: the content encryption key and the nonce from the salt.
    const std::string cek = hkdf_sha256(salt, ikm, std::string_view("Content-Encoding: aes128gcm\0", 28), 16);
    const std::string nonce = hkdf_sha256(salt, ikm, std::string_view("Content-Encoding: nonce\0", 24), 12);

    // One record, so it is the last: the payload then the delimiter 0x02, no further padding.
    std::string record(payload);
    record += '\x02';

    std::string body = salt;
    body.reserve(push_header_size + record.size() + tag_size);
    const auto rs = static_cast<std::uint32_t>(push_record_size);
    body += static_cast<char>(rs >> 24 & 0xff);
    body += static_cast<char>(rs >> 16 & 0xff);
    body += static_cast<char>(rs >> 8 & 0xff);
    body += static_cast<char>(rs & 0xff);
    body += static_cast<char>(as_public.size());
    body += as_public;
    body += aes128gcm_seal(cek, nonce, record);
    return body;
}

}  // namespace

std::string encrypt_push(std::string_view payload, std::string_view p256dh, std::string_view auth) {
    std::string salt(salt_size, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1)
        throw crypto_failure("draw a salt");
    return encrypt_with(payload, p256dh, auth, salt, p256_key::generate());
}

std::string encrypt_push(std::string_view payload, std::string_view p256dh, std::string_view auth,
                         std::string_view salt, std::string_view sender_private_key) {
    const std::string raw_salt = base64url_decode(salt, "salt");
    if (raw_salt.size() != salt_size)
        throw web_push_error(web_push_error::kind::bad_length,
                             "salt: a salt has 16 bytes, not " + std::to_string(raw_salt.size()));
    const auto sender = p256_key::from_private(base64url_decode(sender_private_key, "sender private key"),
                                               "sender private key");
    return encrypt_with(payload, p256dh, auth, raw_salt, sender);
}

}  // namespace relais::notify
