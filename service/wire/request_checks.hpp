#pragma once

#include <boost/beast/http/verb.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relais::wire {

// Pure functions the dispatcher applies to every request (no I/O, no state), tested on their own.

/// POST, PUT, PATCH and DELETE (anything but GET, HEAD and OPTIONS) change state: they need CSRF proof
/// when a session cookie carries authority.
bool is_unsafe_method(boost::beast::http::verb method);

/// The value of cookie `name` in a `Cookie` header ("a=1; b=2"), or nullopt.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);

/// True if `origin` ("https://host[:port]") names the same host and port as the `Host` header (http or
/// https; a default port may be written or not). "null", paths and garbage are not same-origin.
bool same_origin(std::string_view origin, std::string_view host);

/// What the CSRF check concluded.
enum class csrf_verdict { ok, missing_token, wrong_token, cross_origin };

/// The inputs of the CSRF check of one request.
struct csrf_input {
    boost::beast::http::verb method;
    bool has_session = false;                ///< a valid session cookie came with the request
    bool session_token_required = true;      ///< false for routes that do not use the session (login)
    std::string_view header_token;           ///< X-CSRF-Token (empty if absent)
    std::string_view session_csrf_hash;      ///< hash_token of the session's CSRF token
    std::optional<std::string_view> origin;  ///< Origin header, if present
    std::string_view host;                   ///< Host header (or the trusted forwarded host)
};

/// The CSRF rule: an unsafe method with an `Origin` header must be same-origin (always: this also stops
/// login CSRF); an unsafe method on a valid session must carry `X-CSRF-Token` equal to the session's token
/// (compared as hashes, in constant time). Safe methods and unsafe ones without a session pass.
csrf_verdict check_csrf(const csrf_input& in);

/// The client's address: the socket peer, or with `behind_proxy` the last (rightmost, i.e. added by our
/// own proxy) valid address of `X-Forwarded-For`. Only trust the header when a proxy really is in front.
std::string client_address(std::string_view peer, std::string_view forwarded_for, bool behind_proxy);

/// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses.
bool is_loopback(std::string_view address);

/// The host name of a Host header value: lower-case, without the port, an IPv6 literal without its
/// brackets. nullopt if the value is not a plausible host[:port].
std::optional<std::string> host_name_of(std::string_view host_header);

/// True if `host_header` names one of `allowed` (host names, each maybe with a port that is ignored; "*"
/// allows any). The defence against DNS rebinding: a page of another site that makes the browser's name
/// for that site point at this server still sends that site's name as Host.
bool host_allowed(std::string_view host_header, const std::vector<std::string>& allowed);

/// The key every per-address limit counts under: an IPv4 address as it is (an IPv4-mapped IPv6 address
/// as its IPv4 form), an IPv6 address as its /64 ("2001:db8:1:2::/64"), since one subscriber is usually
/// given a whole /64 and could otherwise rotate addresses inside it; anything unparsable as it is.
std::string client_key(std::string_view address);

}  // namespace relais::wire
