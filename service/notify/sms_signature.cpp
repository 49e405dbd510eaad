#include "notify/sms_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace relais::notify {

namespace {

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string twilio_signature(std::string_view token, std::string_view url,
                             std::vector<std::pair<std::string, std::string>> params) {
    std::stable_sort(params.begin(), params.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string data(url);
    for (const auto& [k, v] : params)
        data += k + v;
    const std::string mac = hmac(EVP_sha1(), token, data);
    std::string b64(4 * ((mac.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                        reinterpret_cast<const unsigned char*>(mac.data()), static_cast<int>(mac.size()));
    b64.resize(static_cast<std::size_t>(n));
    return b64;
}

std::string webhook_signature(std::string_view token, std::string_view body) {
    static constexpr char hex[] = "0123456789abcdef";
    const std::string mac = hmac(EVP_sha256(), token, body);
    std::string out = "sha256=";
    for (unsigned char c : mac) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

bool signature_matches(std::string_view received, std::string_view expected) {
    return received.size() == expected.size() && !expected.empty() &&
           CRYPTO_memcmp(received.data(), expected.data(), expected.size()) == 0;
}

}  // namespace relais::notify
