#include "domain/link_token.hpp"

#include "domain/ids.hpp"

#include <sodium.h>

#include <array>

namespace relais::domain {

namespace {

constexpr std::size_t token_bytes = 32;

}  // namespace

std::string new_link_token() {
    std::array<unsigned char, token_bytes> raw{};
    randombytes_buf(raw.data(), raw.size());
    std::string token(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(token.data(), token.size(), raw.data(), raw.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token.resize(token.size() - 1);
    return token;
}

std::string link_token_hash(std::string_view token) {
    std::array<unsigned char, crypto_generichash_BYTES> h{};
    crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       nullptr, 0);
    return to_hex(h.data(), h.size());
}

bool link_token_well_formed(std::string_view token) {
    if (token.size() != sodium_base64_encoded_len(token_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1)
        return false;
    for (char c : token)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_'))
            return false;
    return true;
}

}  // namespace relais::domain
