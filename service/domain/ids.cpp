#include "domain/ids.hpp"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdint>

namespace relais::domain {

namespace {
constexpr char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `chars` random Crockford base32 characters, one call to the generator per 16 characters (5 bits of each
/// byte).
std::string random_base32(std::size_t chars, bool upper) {
    std::array<unsigned char, 16> bytes{};
    std::string out(chars, '0');
    for (std::size_t i = 0; i < chars; ++i) {
        if (i % bytes.size() == 0)
            randombytes_buf(bytes.data(), bytes.size());
        char c = crockford[bytes[i % bytes.size()] & 31];
        out[i] = upper ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}
}  // namespace

std::string new_id(std::string_view prefix) {
    // Nine characters of milliseconds since 1970 (45 bits: until the year 3084), most significant first.
    auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    std::string out(prefix);
    out += '_';
    for (int shift = 40; shift >= 0; shift -= 5)
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(crockford[(ms >> shift) & 31])));
    out += random_base32(11, false);
    return out;
}

std::string new_tracking_code() {
    auto raw = random_base32(16, true);
    return raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4) + "-" + raw.substr(12, 4);
}

std::optional<std::string> normalize_tracking_code(std::string_view typed) {
    if (typed.size() > 40)
        return std::nullopt;
    std::string out;
    for (char ch : typed) {
        if (ch == '-' || ch == ' ')
            continue;
        char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (c == 'O')
            c = '0';
        else if (c == 'I' || c == 'L')
            c = '1';
        bool ok = false;
        for (const char* p = crockford; *p; ++p)
            ok = ok || *p == c;
        if (!ok)
            return std::nullopt;
        out += c;
    }
    if (out.size() != 16)
        return std::nullopt;
    return out;
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

std::string tracking_hash(std::string_view canonical_code) {
    std::array<unsigned char, crypto_generichash_BYTES> h{};
    crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(canonical_code.data()),
                       canonical_code.size(), nullptr, 0);
    return to_hex(h.data(), h.size());
}

}  // namespace relais::domain
