#pragma once

#include "http/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relais::http {

class request_context;

/// A route handler: decodes the request, calls domain logic, encodes the response. It may throw
/// relais::error; the session's error boundary turns that into problem+json.
using handler = std::function<boost::asio::awaitable<response>(request_context&)>;

/// Path parameters captured by `{name}` segments, in order of appearance.
using path_params = std::vector<std::pair<std::string, std::string>>;

/// The outcome of routing one request: a handler with its route template and parameters, or a reason why
/// there is none (404, or 405 with the allowed methods).
struct route_match {
    const handler* target = nullptr;
    std::string_view pattern;  ///< the route template, e.g. "/api/v1/volunteers/{id}" (for logs and metrics)
    path_params params;
    bool path_known = false;  ///< true if some route has this path (so a missing method means 405)
    std::string allow;        ///< for 405: the allowed methods, comma-separated
};

/// The route table. Routing is a pure function of the method and path: no I/O, no state besides the table,
/// so it is tested on its own.
class router {
public:
    /// Adds a route; `pattern` segments are literals or `{name}` captures. Throws on a duplicate.
    void add(verb method, std::string pattern, handler h);

    /// Finds the route for `method` and `path` (path without query string, not percent-decoded).
    route_match match(verb method, std::string_view path) const;

    /// Every (method, pattern) registered, for the contract test and the authorization table.
    std::vector<std::pair<verb, std::string>> routes() const;

private:
    struct entry {
        verb method;
        std::string pattern;
        std::vector<std::string> segments;
        handler h;
    };
    std::vector<entry> entries_;
};

/// Splits "/a/b/c" into {"a","b","c"}; a trailing slash gives an empty last segment.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace relais::http
