#include "auth/password.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace relais::auth {

std::string hash_password(std::string_view password) {
    std::vector<char> out(crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("password hashing ran out of memory");
    return std::string(out.data());
}

bool verify_password(std::string_view encoded, std::string_view password) {
    const std::string enc(encoded);  // libsodium wants a NUL-terminated string
    return crypto_pwhash_str_verify(enc.c_str(), password.data(), password.size()) == 0;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

}  // namespace relais::auth
