#include "auth/token.hpp"

#include <sodium.h>

#include <array>

namespace relais::auth {

namespace {

std::string to_hex(const unsigned char* data, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 15];
    }
    return out;
}

}  // namespace

std::string new_token() {
    std::array<unsigned char, token_bytes> raw{};
    randombytes_buf(raw.data(), raw.size());
    auto out = to_hex(raw.data(), raw.size());
    sodium_memzero(raw.data(), raw.size());
    return out;
}

std::string hash_token(std::string_view token) {
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()), token.size());
    return to_hex(digest.data(), digest.size());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    if (a.empty())
        return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string new_id(std::string_view prefix) {
    // RFC 4648 base32 alphabet in lower case; 10 random bytes = 80 bits = 16 characters of 5 bits.
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    std::array<unsigned char, 10> raw{};
    randombytes_buf(raw.data(), raw.size());
    std::string out(prefix);
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char b : raw) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out += alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    return out;
}

bool well_formed_token(std::string_view token) {
    if (token.size() != token_bytes * 2)
        return false;
    for (char c : token)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

}  // namespace relais::auth
