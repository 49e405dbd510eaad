#include "wire/request_checks.hpp"

#include "auth/token.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>

namespace relais::wire {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// "host:port" without the scheme's default port, lower-cased.
std::string normalise_authority(std::string_view authority, std::string_view scheme) {
    std::string a = lower(authority);
    const std::string default_port = scheme == "https" ? ":443" : ":80";
    // An IPv6 literal ends with ']' and has no port; only strip a suffix that follows the host part.
    if (a.size() > default_port.size() && a.ends_with(default_port))
        a.resize(a.size() - default_port.size());
    return a;
}

bool valid_authority(std::string_view a) {
    if (a.empty())
        return false;
    for (char c : a)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' ||
              c == ']' || c == '_'))
            return false;
    return true;
}

}  // namespace

bool is_unsafe_method(boost::beast::http::verb method) {
    return !(method == boost::beast::http::verb::get || method == boost::beast::http::verb::head ||
             method == boost::beast::http::verb::options);
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        auto semi = header.find(';');
        auto pair = trim(header.substr(0, semi));
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos)
            continue;
        if (trim(pair.substr(0, eq)) == name) {
            auto v = trim(pair.substr(eq + 1));
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
                v = v.substr(1, v.size() - 2);
            return v;
        }
    }
    return std::nullopt;
}

bool same_origin(std::string_view origin, std::string_view host) {
    std::string_view scheme;
    if (origin.starts_with("http://"))
        scheme = "http";
    else if (origin.starts_with("https://"))
        scheme = "https";
    else
        return false;  // includes "null" (sandboxed frames, some redirects)
    auto authority = origin.substr(scheme.size() + 3);
    host = trim(host);
    if (!valid_authority(authority) || !valid_authority(host))
        return false;  // a path, user info or anything unexpected is not an origin we serve
    return normalise_authority(authority, scheme) == normalise_authority(host, scheme);
}

csrf_verdict check_csrf(const csrf_input& in) {
    if (!is_unsafe_method(in.method))
        return csrf_verdict::ok;
    if (in.origin && !same_origin(*in.origin, in.host))
        return csrf_verdict::cross_origin;
    if (!in.has_session || !in.session_token_required)
        return csrf_verdict::ok;
    if (in.header_token.empty())
        return csrf_verdict::missing_token;
    // Compare hashes (fixed length) so the comparison leaks nothing about the stored value's length.
    if (!auth::constant_time_equal(auth::hash_token(in.header_token), in.session_csrf_hash))
        return csrf_verdict::wrong_token;
    return csrf_verdict::ok;
}

std::string client_address(std::string_view peer, std::string_view forwarded_for, bool behind_proxy) {
    if (!behind_proxy || forwarded_for.empty())
        return std::string(peer);
    auto comma = forwarded_for.rfind(',');
    auto last = trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(last, ec);
    if (ec)
        return std::string(peer);
    return addr.to_string();
}

bool is_loopback(std::string_view address) {
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(address, ec);
    if (ec)
        return false;
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6()).is_loopback();
    return addr.is_loopback();
}

std::optional<std::string> host_name_of(std::string_view host_header) {
    std::string_view h = trim(host_header);
    if (h.empty() || !valid_authority(h))
        return std::nullopt;
    std::string_view name;
    if (h.front() == '[') {
        const auto close = h.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        name = h.substr(1, close - 1);
        const auto rest = h.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || rest.size() == 1))
            return std::nullopt;
    } else {
        const auto colon = h.find(':');
        name = h.substr(0, colon);
        if (colon != std::string_view::npos) {
            const auto port = h.substr(colon + 1);
            if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos)
                return std::nullopt;
        }
    }
    if (name.empty())
        return std::nullopt;
    std::string out = lower(name);
    while (!out.empty() && out.back() == '.')  // "example.org." is "example.org"
        out.pop_back();
    return out;
}

bool host_allowed(std::string_view host_header, const std::vector<std::string>& allowed) {
    const auto name = host_name_of(host_header);
    for (const auto& a : allowed) {
        if (a == "*")
            return true;
        if (!name)
            continue;
        // An allowed entry may be written "[::1]:8080", "::1" or "example.org:443": compare host names.
        auto entry = host_name_of(a);
        if (!entry && a.find(':') != std::string::npos && a.front() != '[')
            entry = host_name_of("[" + a + "]");  // a bare IPv6 address
        if (entry && *entry == *name)
            return true;
    }
    return false;
}

std::string client_key(std::string_view address) {
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(address, ec);
    if (ec)
        return std::string(address);
    if (addr.is_v4())
        return addr.to_string();
    auto v6 = addr.to_v6();
    if (v6.is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace relais::wire
