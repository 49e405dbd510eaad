// The route table and the API contract stay in step: every route the server registers is documented in
// proto/openapi.yaml, and every operation documented there is served.

#include "api/routes.hpp"
#include "app/app_context.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

using namespace relais;

namespace {

/// "METHOD /path/{param}", the form both sides are compared in.
using route_set = std::set<std::string>;

std::size_t indent_of(std::string_view line) {
    std::size_t n = 0;
    while (n < line.size() && line[n] == ' ')
        ++n;
    return n;
}

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::string_view unquote(std::string_view s) {
    if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front())
        return s.substr(1, s.size() - 2);
    return s;
}

/// The key of a mapping entry ("key:" or "key: value", the key possibly quoted), or "" if `entry` is not one.
std::string_view key_of(std::string_view entry) {
    std::size_t colon = std::string_view::npos;
    if (entry.front() == '\'' || entry.front() == '"') {
        const auto close = entry.find(entry.front(), 1);
        if (close == std::string_view::npos || close + 1 >= entry.size() || entry[close + 1] != ':')
            return {};
        colon = close + 1;
    } else {
        colon = entry.find(':');
        // A colon inside a plain key must be followed by a space or end the line to end the key.
        while (colon != std::string_view::npos && colon + 1 < entry.size() && entry[colon + 1] != ' ')
            colon = entry.find(':', colon + 1);
    }
    if (colon == std::string_view::npos)
        return {};
    return unquote(entry.substr(0, colon));
}

/// The operations under `paths:` of an OpenAPI document, found by indentation alone (a small scanner, not
/// a YAML parser): path keys at indent 2 starting with '/', operation keys (get, post, put, patch, delete)
/// at indent 4 under them. Block scalars and nested objects are deeper, so they are never mistaken for keys.
route_set scan_openapi_operations(std::istream& in) {
    route_set ops;
    bool in_paths = false;
    std::string current_path;
    std::string raw;
    while (std::getline(in, raw)) {
        std::string_view line = trim_right(raw);
        const std::size_t ind = indent_of(line);
        if (ind == line.size() || line[ind] == '#')
            continue;  // blank or comment
        if (ind == 0) {
            in_paths = line == "paths:";
            current_path.clear();
            continue;
        }
        if (!in_paths || line[ind] == '-')
            continue;  // outside `paths:`, or a list item
        const std::string_view key = key_of(line.substr(ind));
        if (key.empty())
            continue;
        if (ind == 2) {
            current_path = key.starts_with('/') ? std::string(key) : std::string();
        } else if (ind == 4 && !current_path.empty()) {
            static constexpr std::string_view methods[] = {"get", "post", "put", "patch", "delete"};
            if (std::find(std::begin(methods), std::end(methods), key) != std::end(methods)) {
                std::string method(key);
                std::transform(method.begin(), method.end(), method.begin(),
                               [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
                ops.insert(method + " " + current_path);
            }
        }
    }
    return ops;
}

route_set operations_of(std::string_view yaml) {
    std::istringstream in{std::string(yaml)};
    return scan_openapi_operations(in);
}

std::string join(const route_set& s) {
    std::string out;
    for (const auto& r : s)
        out += "\n  " + r;
    return out;
}

}  // namespace

TEST_CASE("the openapi scanner finds path operations and nothing else") {
    const auto ops = operations_of(R"yaml(openapi: 3.1.0
info:
  title: x
  description: |
    paths:
      /not-a-path:
        get:
paths:
  /healthz:
    get:
      summary: x
      responses:
        '200':
          description: |
            post:
  '/api/v1/things/{id}':
    parameters:
      - $ref: '#/components/parameters/IdPath'
    # delete:
    patch:
      description: x
    x-roles: [admin]
    post: {}
  /api/v1/things:
    post:
      requestBody:
        content:
          application/json:
            schema:
              properties:
                get:
                  type: string
  "/api/v1/other": # a comment
    delete:
      summary: x
components:
  schemas:
    /odd:
      get:
)yaml");
    const route_set expected{"GET /healthz", "PATCH /api/v1/things/{id}", "POST /api/v1/things/{id}",
                             "POST /api/v1/things", "DELETE /api/v1/other"};
    INFO("found:", join(ops));
    CHECK(ops == expected);
}

TEST_CASE("every served route is in proto/openapi.yaml and every documented operation is served") {
    const std::string spec_path = RELAIS_SOURCE_DIR "/proto/openapi.yaml";
    std::ifstream spec(spec_path);
    REQUIRE_MESSAGE(spec.good(), "cannot read ", spec_path);
    const route_set documented = scan_openapi_operations(spec);
    // The health probes are always there: an empty set means the scanner, not the contract, is broken.
    REQUIRE(documented.count("GET /healthz") == 1);

    // The real route table, built exactly as the server builds it, over a throwaway database.
    testing::temp_dir dir;
    store::store_options so;
    so.path = dir.file("contract.db");
    store::store db(so);
    app::config cfg;
    cfg.db = so.path;
    app::metrics stats;
    app::clock clk(false);
    boost::asio::thread_pool workers(1);
    route_set served;
    {
        app::app_context app{cfg, db, stats, clk, workers, {}};
        api::register_routes(app);
        for (const auto& [method, pattern] : app.routes.routes())
            served.insert(std::string(http::bhttp::to_string(method)) + " " + pattern);
    }
    workers.join();
    db.stop();

    route_set undocumented;  // served, but not in the contract
    std::set_difference(served.begin(), served.end(), documented.begin(), documented.end(),
                        std::inserter(undocumented, undocumented.end()));
    route_set unserved;  // in the contract, but not served
    std::set_difference(documented.begin(), documented.end(), served.begin(), served.end(),
                        std::inserter(unserved, unserved.end()));

    MESSAGE("routes served: ", served.size(), ", operations documented: ", documented.size(),
            "; served but undocumented: ", undocumented.size(),
            ", documented but not served: ", unserved.size(),
            " (path parameter names must match too, e.g. {id})");
    // One check per route, so the failure output names each one.
    for (const auto& r : undocumented)
        CHECK_MESSAGE(documented.count(r) == 1, "served but missing from proto/openapi.yaml: ", r);
    for (const auto& r : unserved)
        CHECK_MESSAGE(served.count(r) == 1, "documented in proto/openapi.yaml but not served: ", r);
    CHECK(undocumented.empty());
    CHECK(unserved.empty());
}
