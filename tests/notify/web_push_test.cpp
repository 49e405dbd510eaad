// Web Push without a network: the encryption against RFC 8291's worked example and against a decryption
// written here from the RFC (not from the code under test), the VAPID token verified by OpenSSL with the
// public key, keys stored and loaded, and hostile keys, endpoints and payloads refused with a typed error.
#include "notify/web_push.hpp"
#include "notify/push_client.hpp"
#include "notify/push_encryption.hpp"
#include "notify/vapid.hpp"

#include <doctest/doctest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>

using namespace relais::notify;

namespace {

// RFC 8291 section 5, "Push Message Encryption Example" (the private keys and intermediate values are those
// of its appendix A).
constexpr const char* rfc_plaintext = "When I grow up, I want to be a watermelon";
constexpr const char* rfc_as_public =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr const char* rfc_as_private = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr const char* rfc_ua_public =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr const char* rfc_ua_private = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr const char* rfc_salt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr const char* rfc_auth = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr const char* rfc_message =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
    "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";
constexpr const char* rfc_ecdh_secret = "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs";
constexpr const char* rfc_ikm = "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg";
constexpr const char* rfc_cek = "oIhVW04MRdy2XN9CiKLxTg";
constexpr const char* rfc_nonce = "4h_95klXJ5E_qnoN";

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string b64d(std::string_view s) {
    return base64url_decode(s, "test");
}

const unsigned char* u8(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

/// A P-256 EVP key from raw parts, built here with OpenSSL directly (the receiver's side of the tests).
pkey_ptr p256(const std::string& point, const std::string& scalar = {}) {
    std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                        OSSL_PARAM_BLD_free);
    std::unique_ptr<BIGNUM, decltype(&BN_free)> d(
        scalar.empty() ? nullptr : BN_bin2bn(u8(scalar), static_cast<int>(scalar.size()), nullptr), BN_free);
    REQUIRE(OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0));
    REQUIRE(OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()));
    if (d)
        REQUIRE(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()));
    std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld.get()),
                                                                   OSSL_PARAM_free);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), EVP_PKEY_CTX_free);
    EVP_PKEY* key = nullptr;
    REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
    REQUIRE(EVP_PKEY_fromdata(ctx.get(), &key, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) ==
            1);
    return pkey_ptr(key, EVP_PKEY_free);
}

/// A receiver (a browser's subscription keys): its raw private scalar and public point, and an auth secret.
struct receiver {
    std::string scalar, point, auth;
};

receiver new_receiver() {
    pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
    REQUIRE(key);
    receiver r;
    r.point.resize(65);
    std::size_t len = 0;
    REQUIRE(EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                            reinterpret_cast<unsigned char*>(r.point.data()), 65, &len) == 1);
    REQUIRE(len == 65);
    BIGNUM* d = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1);
    r.scalar.resize(32);
    REQUIRE(BN_bn2binpad(d, reinterpret_cast<unsigned char*>(r.scalar.data()), 32) == 32);
    BN_clear_free(d);
    r.auth.resize(16);
    REQUIRE(RAND_bytes(reinterpret_cast<unsigned char*>(r.auth.data()), 16) == 1);
    return r;
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
    unsigned char out[32];
    unsigned int len = 0;
    REQUIRE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), u8(data), data.size(), out, &len));
    return std::string(reinterpret_cast<char*>(out), len);
}

/// HKDF-SHA256 for outputs of at most one block, written out from RFC 5869 (extract, then T(1)).
std::string hkdf(const std::string& salt, const std::string& ikm, const std::string& info, std::size_t len) {
    return hmac_sha256(hmac_sha256(salt, ikm), info + '\x01').substr(0, len);
}

/// What a user agent does on receipt (RFC 8291 section 3.4 and RFC 8188): the payload, or "" and `why`.
struct opened {
    std::string payload;
    std::string why;
    std::string ecdh, ikm, cek, nonce;  ///< intermediate values, for the RFC's appendix A
};

opened decrypt(const std::string& body, const receiver& r) {
    opened o;
    if (body.size() < 86 + 17) {
        o.why = "short";
        return o;
    }
    const std::string salt = body.substr(0, 16);
    const std::uint32_t rs = static_cast<std::uint32_t>(static_cast<unsigned char>(body[16])) << 24 |
                             static_cast<std::uint32_t>(static_cast<unsigned char>(body[17])) << 16 |
                             static_cast<std::uint32_t>(static_cast<unsigned char>(body[18])) << 8 |
                             static_cast<unsigned char>(body[19]);
    if (rs != 4096 || static_cast<unsigned char>(body[20]) != 65) {
        o.why = "header";
        return o;
    }
    const std::string as_public = body.substr(21, 65);
    const std::string record = body.substr(86);
    const auto mine = p256(r.point, r.scalar);
    const auto theirs = p256(as_public);
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(mine.get(), nullptr),
                                                                    EVP_PKEY_CTX_free);
    std::size_t len = 32;
    o.ecdh.resize(32);
    REQUIRE(EVP_PKEY_derive_init(ctx.get()) == 1);
    REQUIRE(EVP_PKEY_derive_set_peer(ctx.get(), theirs.get()) == 1);
    REQUIRE(EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(o.ecdh.data()), &len) == 1);
    o.ikm = hkdf(r.auth, o.ecdh, std::string("WebPush: info", 14) + r.point + as_public, 32);
    o.cek = hkdf(salt, o.ikm, std::string("Content-Encoding: aes128gcm", 28), 16);
    o.nonce = hkdf(salt, o.ikm, std::string("Content-Encoding: nonce", 24), 12);

    const std::string ciphertext = record.substr(0, record.size() - 16);
    std::string tag = record.substr(record.size() - 16);
    std::string plain(ciphertext.size(), '\0');
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> c(EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free);
    int n = 0, last = 0;
    REQUIRE(EVP_DecryptInit_ex2(c.get(), EVP_aes_128_gcm(), u8(o.cek), u8(o.nonce), nullptr) == 1);
    REQUIRE(EVP_DecryptUpdate(c.get(), reinterpret_cast<unsigned char*>(plain.data()), &n, u8(ciphertext),
                              static_cast<int>(ciphertext.size())) == 1);
    REQUIRE(EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_AEAD_SET_TAG, 16, tag.data()) == 1);
    if (EVP_DecryptFinal_ex(c.get(), reinterpret_cast<unsigned char*>(plain.data()) + n, &last) != 1) {
        o.why = "tag";
        return o;
    }
    // Padding: zeros after the delimiter, which must be 0x02 (the last record).
    while (!plain.empty() && plain.back() == '\0')
        plain.pop_back();
    if (plain.empty() || plain.back() != '\x02') {
        o.why = "delimiter";
        return o;
    }
    plain.pop_back();
    o.payload = plain;
    return o;
}

receiver rfc_receiver() {
    return {b64d(rfc_ua_private), b64d(rfc_ua_public), b64d(rfc_auth)};
}

/// Converts a JWS r||s signature back to DER and verifies it with OpenSSL against the public point.
bool es256_verifies(const std::string& point, const std::string& signing_input, const std::string& rs) {
    if (rs.size() != 64)
        return false;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    REQUIRE(ECDSA_SIG_set0(sig, BN_bin2bn(u8(rs), 32, nullptr), BN_bin2bn(u8(rs) + 32, 32, nullptr)) == 1);
    unsigned char* der = nullptr;
    const int der_len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    REQUIRE(der_len > 0);
    const auto key = p256(point);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    REQUIRE(EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1);
    const int ok = EVP_DigestVerify(md.get(), der, static_cast<std::size_t>(der_len), u8(signing_input),
                                    signing_input.size());
    OPENSSL_free(der);
    return ok == 1;
}

struct jwt {
    std::string signing_input, signature;
    boost::json::object header, claims;
};

jwt split_jwt(const std::string& token) {
    const auto a = token.find('.');
    const auto b = token.find('.', a + 1);
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    REQUIRE(token.find('.', b + 1) == std::string::npos);
    jwt j;
    j.signing_input = token.substr(0, b);
    j.header = boost::json::parse(b64d(token.substr(0, a))).as_object();
    j.claims = boost::json::parse(b64d(token.substr(a + 1, b - a - 1))).as_object();
    j.signature = b64d(token.substr(b + 1));
    return j;
}

/// The token and key of an Authorization value "vapid t=..., k=...".
std::pair<std::string, std::string> parse_vapid(const std::string& value) {
    REQUIRE(value.rfind("vapid t=", 0) == 0);
    const auto comma = value.find(", k=");
    REQUIRE(comma != std::string::npos);
    return {value.substr(8, comma - 8), value.substr(comma + 4)};
}

web_push_error::kind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const web_push_error& e) {
        // The message names the field, never the value.
        CHECK(std::string(e.what()).find("AAAA") == std::string::npos);
        return e.which();
    }
    FAIL("no web_push_error");
    return web_push_error::kind::crypto;
}

}  // namespace

TEST_CASE("web push: RFC 8291 section 5's worked example, reproduced byte for byte") {
    const std::string body = encrypt_push(rfc_plaintext, rfc_ua_public, rfc_auth, rfc_salt, rfc_as_private);
    CHECK(base64url_encode(body) == rfc_message);
    CHECK(body == b64d(rfc_message));
    CHECK(base64url_encode(body.substr(21, 65)) == rfc_as_public);
    // And the receiving side, written from the RFC, finds the appendix's intermediate values and the text.
    const auto o = decrypt(body, rfc_receiver());
    CHECK(o.why == "");
    CHECK(o.payload == rfc_plaintext);
    CHECK(base64url_encode(o.ecdh) == rfc_ecdh_secret);
    CHECK(base64url_encode(o.ikm) == rfc_ikm);
    CHECK(base64url_encode(o.cek) == rfc_cek);
    CHECK(base64url_encode(o.nonce) == rfc_nonce);
}

TEST_CASE("web push: encrypt then decrypt with the receiving key; fresh salt and key per message") {
    const receiver r = new_receiver();
    const std::string p256dh = base64url_encode(r.point), auth = base64url_encode(r.auth);
    for (const std::string& payload :
         {std::string(),
          std::string("{\"title\":\"Mission\",\"body\":\"Courses, 14 h\",\"url\":\"/benevole\"}"),
          std::string("é\0\x02\xff", 5), std::string(max_push_payload, 'x')}) {
        const std::string body = encrypt_push(payload, p256dh, auth);
        CHECK(body.size() == push_header_size + payload.size() + 1 + 16);
        CHECK(body.size() <= 4096);
        const auto o = decrypt(body, r);
        CHECK(o.why == "");
        CHECK(o.payload == payload);
    }
    const std::string a = encrypt_push("same", p256dh, auth), b = encrypt_push("same", p256dh, auth);
    CHECK(a.substr(0, 16) != b.substr(0, 16));    // salt
    CHECK(a.substr(21, 65) != b.substr(21, 65));  // ephemeral key
    // Tampering anywhere in the record is caught by the tag; another receiver's key opens nothing.
    std::string tampered = a;
    tampered[100] = static_cast<char>(tampered[100] ^ 1);
    CHECK(decrypt(tampered, r).why == "tag");
    receiver other = new_receiver();
    other.auth = r.auth;
    CHECK(decrypt(a, other).why == "tag");
    receiver wrong_auth = r;
    wrong_auth.auth[0] = static_cast<char>(wrong_auth.auth[0] ^ 1);
    CHECK(decrypt(a, wrong_auth).why == "tag");
}

TEST_CASE("web push: the VAPID token verifies with the public key and carries the right claims") {
    const auto keys = vapid_keys::generate();
    CHECK(keys.private_key().size() == 43);
    CHECK(keys.public_key().size() == 87);
    const auto now = std::chrono::system_clock::from_time_t(1796299200) + std::chrono::milliseconds(750);
    const std::string value = keys.authorization("https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91b",
                                                 "mailto:entraide@ville.example", now);
    const auto [token, k] = parse_vapid(value);
    CHECK(k == keys.public_key());
    const jwt j = split_jwt(token);
    CHECK(j.header == boost::json::object{{"typ", "JWT"}, {"alg", "ES256"}});
    CHECK(j.claims.size() == 3);
    CHECK(j.claims.at("aud") == "https://fcm.googleapis.com");
    CHECK(j.claims.at("exp") == 1796299200 + 12 * 3600);
    CHECK(j.claims.at("sub") == "mailto:entraide@ville.example");
    CHECK(j.signature.size() == 64);
    CHECK(es256_verifies(b64d(k), j.signing_input, j.signature));
    // A changed claim, a changed signature or another key does not verify.
    CHECK_FALSE(es256_verifies(b64d(k), j.signing_input + "x", j.signature));
    std::string bad = j.signature;
    bad[40] = static_cast<char>(bad[40] ^ 1);
    CHECK_FALSE(es256_verifies(b64d(k), j.signing_input, bad));
    CHECK_FALSE(es256_verifies(b64d(vapid_keys::generate().public_key()), j.signing_input, j.signature));
    // No padding anywhere in the token.
    CHECK(token.find('=') == std::string::npos);

    // The audience is the origin: scheme and host in lower case, a port only if not the default.
    CHECK(origin_of("https://Updates.Push.Services.Mozilla.com/wpush/v2/gAAAA") ==
          "https://updates.push.services.mozilla.com");
    CHECK(origin_of("https://push.example:443/x") == "https://push.example");
    CHECK(origin_of("https://push.example:8443/x?y#z") == "https://push.example:8443");
    CHECK(origin_of("http://127.0.0.1:8099/push/a") == "http://127.0.0.1:8099");
    CHECK(origin_of("http://[::1]:8099/push/a") == "http://[::1]:8099");
    // Validity: at most 12 h, whatever is asked.
    const auto long_one = split_jwt(
        parse_vapid(keys.authorization("https://web.push.apple.com/QGx", "https://ville.example/contact", now,
                                       std::chrono::hours(48)))
            .first);
    CHECK(long_one.claims.at("exp") == 1796299200 + 12 * 3600);
    CHECK(long_one.claims.at("aud") == "https://web.push.apple.com");
    const auto short_one =
        split_jwt(parse_vapid(keys.authorization("https://web.push.apple.com/QGx", "mailto:a@b.example", now,
                                                 std::chrono::minutes(10)))
                      .first);
    CHECK(short_one.claims.at("exp") == 1796299200 + 600);
    // A subject that is not a contact, or that would break the header, is refused.
    for (const char* subject :
         {"", "entraide@ville.example", "http://ville.example", "mailto:", "mailto:a@b\r\nX: y"})
        CHECK_THROWS_AS(keys.authorization("https://web.push.apple.com/QGx", subject, now),
                        std::invalid_argument);
}

TEST_CASE("web push: VAPID keys survive save and load") {
    const auto keys = vapid_keys::generate();
    const auto loaded = vapid_keys::from_base64url(keys.private_key(), keys.public_key());
    CHECK(loaded.private_key() == keys.private_key());
    CHECK(loaded.public_key() == keys.public_key());
    // The public half is computed when only the private one is stored, and padding is accepted.
    const auto derived = vapid_keys::from_base64url(keys.private_key() + "=");
    CHECK(derived.public_key() == keys.public_key());
    CHECK(derived.private_key() == keys.private_key());
    // A token from the loaded key verifies with the original public key.
    const auto [token, k] = parse_vapid(loaded.authorization("https://push.example/x", "mailto:a@b.example",
                                                             std::chrono::system_clock::now()));
    const jwt j = split_jwt(token);
    CHECK(es256_verifies(b64d(keys.public_key()), j.signing_input, j.signature));
    // The RFC's sender key: its public half is the RFC's.
    CHECK(vapid_keys::from_base64url(rfc_as_private).public_key() == rfc_as_public);
    // Two halves of different pairs are refused.
    CHECK(kind_of([&] {
              vapid_keys::from_base64url(keys.private_key(), vapid_keys::generate().public_key());
          }) == web_push_error::kind::bad_key);
}

TEST_CASE("web push: hostile keys, endpoints and payloads throw a typed error, never crash") {
    using kind = web_push_error::kind;
    const receiver r = new_receiver();
    const std::string p256dh = base64url_encode(r.point), auth = base64url_encode(r.auth);

    // Base64url itself.
    CHECK(base64url_decode("", "f").empty());
    CHECK(base64url_decode("YQ", "f") == "a");
    CHECK(base64url_decode("YQ==", "f") == "a");
    for (const char* bad : {"Y", "YQ=", "YQ===", "Y=Q=", "ab+/", "ab c", "YR", "YWI=a", "====", "\xff\xfe"})
        CHECK(kind_of([&] { base64url_decode(bad, "f"); }) == kind::bad_base64);

    // The subscription's public key.
    CHECK(kind_of([&] { encrypt_push("x", "not*base64", auth); }) == kind::bad_base64);
    CHECK(kind_of([&] { encrypt_push("x", "", auth); }) == kind::bad_length);
    CHECK(kind_of([&] { encrypt_push("x", base64url_encode(r.point.substr(0, 64)), auth); }) ==
          kind::bad_length);
    CHECK(kind_of([&] { encrypt_push("x", base64url_encode(r.point + "A"), auth); }) == kind::bad_length);
    CHECK(kind_of([&] { encrypt_push("x", base64url_encode(r.point.substr(0, 33)), auth); }) ==
          kind::bad_length);  // a compressed point: browsers never send one
    std::string off_curve = r.point;
    off_curve[64] = static_cast<char>(off_curve[64] ^ 1);
    CHECK(kind_of([&] { encrypt_push("x", base64url_encode(off_curve), auth); }) == kind::bad_key);
    CHECK(kind_of([&] {
              encrypt_push("x", base64url_encode(std::string("\x04") + std::string(64, '\0')), auth);
          }) == kind::bad_key);  // (0, 0): not on the curve, and no encoding of infinity
    std::string compressed_tag = r.point;
    compressed_tag[0] = '\x02';
    CHECK(kind_of([&] { encrypt_push("x", base64url_encode(compressed_tag), auth); }) == kind::bad_key);
    CHECK(kind_of([&] { encrypt_push("x", base64url_encode(std::string(65, '\xff')), auth); }) ==
          kind::bad_key);

    // The auth secret.
    CHECK(kind_of([&] { encrypt_push("x", p256dh, base64url_encode(r.auth.substr(0, 15))); }) ==
          kind::bad_length);
    CHECK(kind_of([&] { encrypt_push("x", p256dh, ""); }) == kind::bad_length);
    CHECK(kind_of([&] { encrypt_push("x", p256dh, "AAAA!AAAAAAAAAAAAAAAAA"); }) == kind::bad_base64);

    // The payload.
    CHECK_NOTHROW(encrypt_push(std::string(max_push_payload, 'x'), p256dh, auth));
    CHECK(kind_of([&] { encrypt_push(std::string(max_push_payload + 1, 'x'), p256dh, auth); }) ==
          kind::too_large);

    // Stored VAPID keys and the deterministic overload's inputs.
    CHECK(kind_of([&] { vapid_keys::from_base64url("AAAA"); }) == kind::bad_length);
    CHECK(kind_of([&] { vapid_keys::from_base64url(base64url_encode(std::string(32, '\0'))); }) ==
          kind::bad_key);
    CHECK(kind_of([&] { vapid_keys::from_base64url(base64url_encode(std::string(32, '\xff'))); }) ==
          kind::bad_key);  // above the group order
    CHECK(kind_of([&] { vapid_keys::from_base64url("%%%"); }) == kind::bad_base64);
    CHECK(kind_of([&] { encrypt_push("x", p256dh, auth, "AAAA", rfc_as_private); }) == kind::bad_length);
    CHECK(kind_of([&] { encrypt_push("x", p256dh, auth, rfc_salt, "AAAA"); }) == kind::bad_length);

    // Endpoints.
    for (const char* bad :
         {"", "fcm.googleapis.com/fcm/send/x", "ftp://push.example/x", "https://", "https:///x",
          "https://user:pw@push.example/x", "http://push.example/x", "javascript:alert(1)",
          "https://push.example:99999/x", "https://push.example:0/x", "https://push.example:/x",
          "http://127.0.0.1:8/x", "https://push.example/a b", "https://push.example\\@evil.example/",
          "https://[::1/x", "https://[zz]/x", "https://push_example/x", "https://.example/x",
          "https://push.example/x\r\nHost: evil"})
        CHECK(kind_of([&] { check_endpoint(bad); }) == kind::bad_endpoint);
    CHECK_NOTHROW(check_endpoint("https://fcm.googleapis.com/fcm/send/x"));
    CHECK_NOTHROW(check_endpoint("http://127.0.0.1:8/x", true));
    CHECK_NOTHROW(check_endpoint("http://localhost:8/x", true));
    CHECK(kind_of([&] { check_endpoint("http://push.example/x", true); }) == kind::bad_endpoint);
    CHECK(kind_of([&] { check_endpoint("http://127.0.0.1.evil.example/x", true); }) == kind::bad_endpoint);
    CHECK(kind_of([&] { check_endpoint("http://127.0.0.1@evil.example/x", true); }) == kind::bad_endpoint);
    CHECK(kind_of([&] { check_endpoint("https://push.example/" + std::string(max_endpoint_size, 'x')); }) ==
          kind::bad_endpoint);
    CHECK_NOTHROW(check_subscription({"https://push.example/x", p256dh, auth}));
    CHECK(kind_of([&] {
              check_subscription({"https://push.example/x", base64url_encode(off_curve), auth});
          }) == kind::bad_key);
    CHECK(kind_of([&] {
              check_subscription({"https://push.example/x", p256dh, "AAAA"});
          }) == kind::bad_length);

    // Random garbage in every field: typed errors only.
    std::mt19937 rng(8291);
    for (int i = 0; i < 300; ++i) {
        std::string junk(rng() % 100, '\0');
        if (junk.size() == 16 || junk.size() == 32)
            junk += 'x';  // random bytes of these lengths are a valid auth secret or private key
        for (auto& c : junk)
            c = static_cast<char>(rng() % 256);
        if (i % 2)
            junk = base64url_encode(junk);
        CHECK_THROWS_AS(encrypt_push("x", junk, auth), web_push_error);
        CHECK_THROWS_AS(encrypt_push("x", p256dh, junk), web_push_error);
        CHECK_THROWS_AS(vapid_keys::from_base64url(junk), web_push_error);
        CHECK_THROWS_AS(check_endpoint(junk), web_push_error);
    }
}

TEST_CASE("web push: the request, and how a push service's answer counts") {
    const auto keys = vapid_keys::generate();
    const receiver r = new_receiver();
    const push_subscription sub{"https://push.example:8443/wpush/v2/abc", base64url_encode(r.point),
                                base64url_encode(r.auth)};
    push_message m;
    m.payload = R"({"title":"Mission"})";
    m.ttl = std::chrono::hours(4);
    m.urgency = push_urgency::high;
    m.topic = "mission-42";
    const auto now = std::chrono::system_clock::now();
    const auto req = build_push_request(keys, "mailto:a@b.example", sub, m, now);
    CHECK(req.url == sub.endpoint);
    CHECK(decrypt(req.body, r).payload == m.payload);
    REQUIRE(req.headers.size() == 5);
    CHECK(req.headers[0] == "TTL: 14400");
    CHECK(req.headers[1] == "Urgency: high");
    CHECK(req.headers[2] == "Content-Encoding: aes128gcm");
    CHECK(req.headers[3].rfind("Authorization: vapid t=", 0) == 0);
    CHECK(req.headers[4] == "Topic: mission-42");
    const auto j = split_jwt(parse_vapid(req.headers[3].substr(15)).first);
    CHECK(j.claims.at("aud") == "https://push.example:8443");

    m.topic = "not a topic";
    CHECK(kind_of([&] { build_push_request(keys, "mailto:a@b.example", sub, m, now); }) ==
          web_push_error::kind::bad_message);
    m.topic.clear();
    m.ttl = std::chrono::seconds(-5);
    m.urgency = push_urgency::very_low;
    const auto req2 = build_push_request(keys, "mailto:a@b.example", sub, m, now);
    CHECK(req2.headers.size() == 4);
    CHECK(req2.headers[0] == "TTL: 0");
    CHECK(req2.headers[1] == "Urgency: very-low");

    using kind = push_outcome::kind;
    CHECK(outcome_of_push_status(201, "").result == kind::sent);
    CHECK(outcome_of_push_status(202, "").result == kind::sent);
    CHECK(outcome_of_push_status(404, "").result == kind::gone);
    CHECK(outcome_of_push_status(410, "").result == kind::gone);
    CHECK(outcome_of_push_status(429, "").result == kind::temporary);
    CHECK(outcome_of_push_status(500, "").result == kind::temporary);
    CHECK(outcome_of_push_status(503, "").result == kind::temporary);
    CHECK(outcome_of_push_status(400, "").result == kind::permanent);
    CHECK(outcome_of_push_status(401, "").result == kind::permanent);
    CHECK(outcome_of_push_status(403, "").result == kind::permanent);
    CHECK(outcome_of_push_status(413, "").result == kind::permanent);
    const auto none = outcome_of_push_status(0, "Couldn't connect to server");
    CHECK(none.result == kind::temporary);
    CHECK(none.no_answer);
    CHECK(outcome_of_push_status(410, "").as_send_outcome().result == send_outcome::kind::permanent);
    CHECK(outcome_of_push_status(503, "").as_send_outcome().result == send_outcome::kind::temporary);
    CHECK(outcome_of_push_status(201, "").as_send_outcome().result == send_outcome::kind::sent);

    // The client refuses bad settings at construction, like the other channels.
    push_settings s;
    s.subject = "mailto:a@b.example";
    CHECK_THROWS_AS(push_client{s}, std::invalid_argument);  // no key
    s.vapid_private_key = keys.private_key();
    CHECK_NOTHROW(push_client{s});
    s.subject = "nobody";
    CHECK_THROWS_AS(push_client{s}, std::invalid_argument);
}
