#include "notify/p256_key.hpp"

#include "notify/web_push.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

namespace relais::notify {

namespace {

// Owners of OpenSSL objects, freed on every path (the error paths throw).
struct bn_free {
    void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct bn_ctx_free {
    void operator()(BN_CTX* p) const { BN_CTX_free(p); }
};
struct group_free {
    void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
};
struct point_free {
    void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
struct param_bld_free {
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct param_free {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct pkey_ctx_free {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct md_ctx_free {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct ecdsa_sig_free {
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
using bn_ptr = std::unique_ptr<BIGNUM, bn_free>;
using group_ptr = std::unique_ptr<EC_GROUP, group_free>;
using point_ptr = std::unique_ptr<EC_POINT, point_free>;

constexpr std::size_t scalar_size = 32;
constexpr std::size_t point_size = 65;

/// A failure of OpenSSL itself; its error queue is emptied so it does not surface in a later, unrelated call.
web_push_error crypto_failure(const char* what) {
    ERR_clear_error();
    return web_push_error(web_push_error::kind::crypto, std::string("web push: OpenSSL failed to ") + what);
}

web_push_error bad_key(std::string_view field, const char* why) {
    ERR_clear_error();
    return web_push_error(web_push_error::kind::bad_key,
                          std::string(field) + ": not a P-256 key (" + why + ")");
}

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* key) {
    return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

group_ptr p256_group() {
    group_ptr g(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
    if (!g)
        throw crypto_failure("load the P-256 group");
    return g;
}

/// An EVP key from its parts (`priv` may be null for a public key alone); `point` is already validated.
std::shared_ptr<EVP_PKEY> key_from_data(const BIGNUM* priv, const unsigned char* point) {
    std::unique_ptr<OSSL_PARAM_BLD, param_bld_free> bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point, point_size) ||
        (priv && !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv)))
        throw crypto_failure("build a key");
    std::unique_ptr<OSSL_PARAM, param_free> params(OSSL_PARAM_BLD_to_param(bld.get()));
    std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &key, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
        throw crypto_failure("import a key");
    return own(key);
}

}  // namespace

p256_key p256_key::generate() {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", SN_X9_62_prime256v1);
    if (!key)
        throw crypto_failure("generate a key");
    return p256_key(own(key));
}

p256_key p256_key::from_private(std::string_view scalar, std::string_view field) {
    if (scalar.size() != scalar_size)
        throw web_push_error(
            web_push_error::kind::bad_length,
            std::string(field) + ": a P-256 private key has 32 bytes, not " + std::to_string(scalar.size()));
    const auto group = p256_group();
    bn_ptr d(BN_bin2bn(reinterpret_cast<const unsigned char*>(scalar.data()), static_cast<int>(scalar.size()),
                       nullptr));
    if (!d)
        throw crypto_failure("read a private key");
    BN_set_flags(d.get(), BN_FLG_CONSTTIME);
    if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0)
        throw bad_key(field, "the scalar is zero or not below the group order");
    // The public point is d·G: EVP cannot derive it from the scalar alone in OpenSSL 3.0.
    std::unique_ptr<BN_CTX, bn_ctx_free> bn_ctx(BN_CTX_new());
    point_ptr pub(EC_POINT_new(group.get()));
    unsigned char point[point_size];
    if (!bn_ctx || !pub || !EC_POINT_mul(group.get(), pub.get(), d.get(), nullptr, nullptr, bn_ctx.get()) ||
        EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, point, sizeof point,
                           bn_ctx.get()) != point_size)
        throw crypto_failure("compute a public key");
    return p256_key(key_from_data(d.get(), point));
}

p256_key p256_key::from_public(std::string_view point, std::string_view field) {
    if (point.size() != point_size)
        throw web_push_error(
            web_push_error::kind::bad_length,
            std::string(field) + ": a P-256 public key has 65 bytes, not " + std::to_string(point.size()));
    const auto* bytes = reinterpret_cast<const unsigned char*>(point.data());
    if (bytes[0] != 0x04)
        throw bad_key(field, "not an uncompressed point");
    // Checked here rather than trusted to the import: a point off the curve is the classic invalid-curve
    // attack on ECDH, and the error must be ours (typed, without the value).
    const auto group = p256_group();
    point_ptr p(EC_POINT_new(group.get()));
    if (!p)
        throw crypto_failure("allocate a point");
    if (!EC_POINT_oct2point(group.get(), p.get(), bytes, point.size(), nullptr) ||
        EC_POINT_is_on_curve(group.get(), p.get(), nullptr) != 1 ||
        EC_POINT_is_at_infinity(group.get(), p.get()))
        throw bad_key(field, "the point is not on the curve");
    return p256_key(key_from_data(nullptr, bytes));
}

std::string p256_key::public_point() const {
    unsigned char point[point_size];
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len) !=
            1 ||
        len != point_size || point[0] != 0x04)
        throw crypto_failure("export a public key");
    return std::string(reinterpret_cast<const char*>(point), len);
}

std::string p256_key::private_scalar() const {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PRIV_KEY, &raw) != 1)
        throw crypto_failure("export a private key");
    bn_ptr d(raw);
    std::string out(scalar_size, '\0');
    if (BN_bn2binpad(d.get(), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) !=
        static_cast<int>(scalar_size))
        throw crypto_failure("export a private key");
    return out;
}

std::string p256_key::ecdh(const p256_key& peer) const {
    std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free> ctx(
        EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    std::size_t len = 0;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
        EVP_PKEY_derive_set_peer(ctx.get(), peer.key_.get()) <= 0 ||
        EVP_PKEY_derive(ctx.get(), nullptr, &len) <= 0)
        throw crypto_failure("agree on a shared secret");
    std::string out(len, '\0');
    if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) <= 0 ||
        len != scalar_size)
        throw crypto_failure("agree on a shared secret");
    out.resize(len);
    return out;
}

std::string p256_key::sign_es256(std::string_view data) const {
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> md(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!md ||
        EVP_DigestSignInit_ex(md.get(), nullptr, "SHA256", nullptr, nullptr, key_.get(), nullptr) <= 0 ||
        EVP_DigestSign(md.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) <= 0)
        throw crypto_failure("sign");
    std::string der(len, '\0');
    if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) <= 0)
        throw crypto_failure("sign");
    // OpenSSL writes ECDSA-Sig-Value (DER); JWS wants the two integers as fixed 32-byte big-endian halves.
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<ECDSA_SIG, ecdsa_sig_free> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    if (!sig)
        throw crypto_failure("read its signature");
    std::string out(2 * scalar_size, '\0');
    auto* raw = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw, scalar_size) != static_cast<int>(scalar_size) ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw + scalar_size, scalar_size) !=
            static_cast<int>(scalar_size))
        throw crypto_failure("read its signature");
    return out;
}

}  // namespace relais::notify
