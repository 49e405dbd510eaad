#pragma once

#include "http/types.hpp"
#include "wire/route.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relais::http {

using wire::path_params;

/// The outcome of routing one request: a handler with its route template and parameters, or a reason why
/// there is none (404, or 405 with the allowed methods).
struct route_match {
    const wire::route* target = nullptr;
    std::string_view pattern;  ///< the route template, e.g. "/api/v1/volunteers/{id}" (for logs and metrics)
    path_params params;
    bool path_known = false;  ///< true if some route has this path (so a missing method means 405)
    std::string allow;        ///< for 405: the allowed methods, comma-separated
};

/// The route table. Routing is a pure function of the method and path: no I/O, no state besides the table,
/// so it is tested on its own.
class router {
  public:
    router() = default;
    /// A router over every route of `table`, which must outlive it.
    explicit router(const wire::route_table& table);
    /// Adds a route (which must outlive the router); its pattern's segments are literals or `{name}`
    /// captures. Throws on a duplicate.
    void add(const wire::route& r);

    /// Finds the route for `method` and `path` (path without query string, not percent-decoded).
    route_match match(verb method, std::string_view path) const;

  private:
    struct entry {
        verb method;
        std::string pattern;
        std::vector<std::string> segments;
        const wire::route* target;
    };
    std::vector<entry> entries_;
};

/// Splits "/a/b/c" into {"a","b","c"}; a trailing slash gives an empty last segment.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace relais::http
