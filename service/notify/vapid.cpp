#include "notify/vapid.hpp"

#include "notify/web_push.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace relais::notify {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

web_push_error bad_endpoint(const char* why) {
    return web_push_error(web_push_error::kind::bad_endpoint, std::string("endpoint: ") + why);
}

}  // namespace

vapid_keys vapid_keys::generate() {
    auto key = p256_key::generate();
    auto private_b64 = base64url_encode(key.private_scalar());
    auto public_b64 = base64url_encode(key.public_point());
    return vapid_keys(std::move(key), std::move(private_b64), std::move(public_b64));
}

vapid_keys vapid_keys::from_base64url(std::string_view private_key, std::string_view public_key) {
    auto key =
        p256_key::from_private(base64url_decode(private_key, "VAPID private key"), "VAPID private key");
    const std::string point = key.public_point();
    if (!public_key.empty() && base64url_decode(public_key, "VAPID public key") != point)
        throw web_push_error(web_push_error::kind::bad_key,
                             "VAPID public key: not the public half of the VAPID private key");
    // Re-encoded rather than kept as given, so the stored text is canonical (no padding).
    auto private_b64 = base64url_encode(key.private_scalar());
    return vapid_keys(std::move(key), std::move(private_b64), base64url_encode(point));
}

std::string vapid_keys::token(std::string_view audience, std::chrono::system_clock::time_point expires,
                              std::string_view subject) const {
    const auto exp = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
    const boost::json::object claims{
        {"aud", audience}, {"exp", static_cast<std::int64_t>(exp)}, {"sub", subject}};
    const std::string signing_input = base64url_encode(R"({"typ":"JWT","alg":"ES256"})") + "." +
                                      base64url_encode(boost::json::serialize(claims));
    return signing_input + "." + base64url_encode(key_.sign_es256(signing_input));
}

std::string vapid_keys::authorization(std::string_view endpoint, std::string_view subject,
                                      std::chrono::system_clock::time_point now,
                                      std::chrono::seconds validity) const {
    check_vapid_subject(subject);
    validity = std::clamp(validity, std::chrono::seconds(1), max_vapid_validity);
    const auto expires = std::chrono::time_point_cast<std::chrono::seconds>(now) + validity;
    return "vapid t=" + token(origin_of(endpoint), expires, subject) + ", k=" + public_b64_;
}

std::string origin_of(std::string_view endpoint) {
    // Parsed by hand, strictly: Boost.URL 1.81 reads the host of http://127.0.0.1.evil.example/ as 127.0.0.1,
    // and the host decides both the token's audience and whether a clear-text endpoint is local.
    if (endpoint.size() > max_endpoint_size)
        throw bad_endpoint("too long");
    if (std::any_of(endpoint.begin(), endpoint.end(),
                    [](unsigned char c) { return c <= 0x20 || c >= 0x7f || c == '\\'; }))
        throw bad_endpoint("a space, control or non-ASCII character");
    const auto colon = endpoint.find("://");
    if (colon == std::string_view::npos)
        throw bad_endpoint("not an absolute URL");
    const std::string scheme = lower(endpoint.substr(0, colon));
    if (scheme != "https" && scheme != "http")
        throw bad_endpoint("not an http(s) URL");
    std::string_view authority = endpoint.substr(colon + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos)
        throw bad_endpoint("user information in the URL");
    std::string_view host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos || close == 1)
            throw bad_endpoint("bad IPv6 address");
        host = authority.substr(0, close + 1);
        if (!std::all_of(host.begin() + 1, host.end() - 1,
                         [](unsigned char c) { return std::isxdigit(c) || c == ':' || c == '.'; }))
            throw bad_endpoint("bad IPv6 address");
        if (const auto rest = authority.substr(close + 1); !rest.empty()) {
            if (rest.front() != ':')
                throw bad_endpoint("bad IPv6 address");
            port = rest.substr(1);
            if (port.empty())
                throw bad_endpoint("bad port");
        }
    } else {
        const auto p = authority.find(':');
        if (p != std::string_view::npos) {
            host = authority.substr(0, p);
            port = authority.substr(p + 1);
            if (port.empty())
                throw bad_endpoint("bad port");
        }
        // A DNS name or a dotted IPv4 address: letters, digits, dots and hyphens only.
        if (!std::all_of(host.begin(), host.end(),
                         [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; }))
            throw bad_endpoint("bad host");
    }
    if (host.empty() || host.front() == '.' || host.front() == '-')
        throw bad_endpoint("no host");
    std::string origin = scheme + "://" + lower(host);
    if (!port.empty()) {
        if (port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
            throw bad_endpoint("bad port");
        const long number = std::stol(std::string(port));
        if (number < 1 || number > 65535)
            throw bad_endpoint("bad port");
        const bool default_port = (scheme == "https" && number == 443) || (scheme == "http" && number == 80);
        if (!default_port)
            origin += ":" + std::to_string(number);
    }
    return origin;
}

void check_vapid_subject(std::string_view subject) {
    const std::string s = lower(subject.substr(0, 8));
    const bool mailto = s.rfind("mailto:", 0) == 0 && subject.size() > 7;
    const bool https = s.rfind("https://", 0) == 0 && subject.size() > 8;
    if (!mailto && !https)
        throw std::invalid_argument("the VAPID subject must be a mailto: or https: contact of the operator");
    // It goes into a JSON string and a header: no control characters.
    if (std::any_of(subject.begin(), subject.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        throw std::invalid_argument("the VAPID subject must not contain control characters");
}

}  // namespace relais::notify
