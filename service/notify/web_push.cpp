#include "notify/web_push.hpp"

#include <array>
#include <cstdint>

namespace relais::notify {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The 6-bit value of a base64url character, or -1.
int sextet(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                                static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                                static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest == 2)
            v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        if (rest == 2)
            out += alphabet[v >> 6 & 63];
    }
    return out;
}

std::string base64url_decode(std::string_view text, std::string_view field) {
    const auto fail = [&](const char* why) {
        return web_push_error(web_push_error::kind::bad_base64,
                              std::string(field) + ": not base64url (" + why + ")");
    };
    // Padding is optional: drop it, but only whole and only where it belongs.
    std::size_t pad = 0;
    while (!text.empty() && text.back() == '=') {
        text.remove_suffix(1);
        ++pad;
    }
    if (pad > 0 && (pad > 2 || (text.size() + pad) % 4 != 0))
        throw fail("bad padding");
    if (text.size() % 4 == 1)
        throw fail("bad length");
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        const int v = sextet(c);
        if (v < 0)
            throw fail("unexpected character");
        acc = (acc << 6 | static_cast<std::uint32_t>(v)) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(acc >> bits & 0xff);
        }
    }
    // Left-over bits must be zero, so one value has one text: a stored key compares as text.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        throw fail("non-zero trailing bits");
    return out;
}

}  // namespace relais::notify
