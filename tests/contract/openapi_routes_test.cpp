// The route table and the API contract stay in step: every route the server declares is documented in
// proto/openapi.yaml, and every operation documented there is served; each declared route's request body
// schema and personal-data flag are the contract's (requestBody, x-personal-data).

#include "support/temp_dir.hpp"
#include "support/wired_server.hpp"

#include <doctest/doctest.h>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
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

/// What the contract says of one operation besides its path: its request body ("" none; a components schema
/// name; "inline" for a JSON schema written in place; "form" for an urlencoded form) and x-personal-data.
struct operation_facts {
    std::string body;
    bool personal = false;
    bool operator==(const operation_facts&) const = default;
};

/// The facts of every operation under `paths:` (same indentation rules as scan_openapi_operations).
std::map<std::string, operation_facts> scan_openapi_facts(std::istream& in) {
    std::map<std::string, operation_facts> out;
    bool in_paths = false;
    std::string path, op;
    enum { none, body, json_media, json_schema } where = none;
    std::string raw;
    while (std::getline(in, raw)) {
        std::string_view line = trim_right(raw);
        const std::size_t ind = indent_of(line);
        if (ind == line.size() || line[ind] == '#')
            continue;
        const std::string_view text = line.substr(ind);
        if (ind == 0) {
            in_paths = line == "paths:";
            path.clear();
            op.clear();
            continue;
        }
        if (!in_paths)
            continue;
        if (ind == 2) {
            path = std::string(key_of(text));
            op.clear();
            continue;
        }
        if (ind == 4) {
            static constexpr std::string_view methods[] = {"get", "post", "put", "patch", "delete"};
            const auto k = key_of(text);
            op.clear();
            if (!path.empty() && std::find(std::begin(methods), std::end(methods), k) != std::end(methods)) {
                std::string m(k);
                std::transform(m.begin(), m.end(), m.begin(),
                               [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
                op = m + " " + path;
                out[op];
            }
            where = none;
            continue;
        }
        if (op.empty())
            continue;
        auto& f = out[op];
        if (ind == 6) {
            where = text == "requestBody:" ? body : none;
            if (text == "x-personal-data: true")
                f.personal = true;
            continue;
        }
        constexpr std::string_view ref = "$ref: '#/components/";
        if (where == body && ind == 8 && text.starts_with(ref)) {
            const auto name = text.substr(text.rfind('/') + 1);
            f.body = std::string(name.substr(0, name.size() - 1));  // without the closing quote
        } else if (where == body && ind == 10) {
            if (text == "application/json:") {
                where = json_media;
            } else if (text == "application/x-www-form-urlencoded:") {
                f.body = "form";
            }
        } else if (where == json_media && ind == 12 && text == "schema:") {
            where = json_schema;
            f.body = "inline";
        } else if (where == json_schema && ind == 14 && text.starts_with(ref)) {
            const auto name = text.substr(text.rfind('/') + 1);
            f.body = std::string(name.substr(0, name.size() - 1));
            where = none;
        } else if (where == json_schema && ind <= 12) {
            // Still in the request body when another media type follows (a webhook taking JSON or a form:
            // the form, listed last, names the body).
            where = ind == 10 ? body : none;
            if (where == body && text == "application/x-www-form-urlencoded:")
                f.body = "form";
        }
    }
    return out;
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

    // The real route table, declared exactly as the server declares it, over a throwaway database.
    testing::temp_dir dir;
    store::store_options so;
    so.path = dir.file("contract.db");
    so.readers = 1;
    store::store db(so);
    route_set served;
    std::map<std::string, operation_facts> declared;
    {
        const testing::wired_server wired(db);
        for (const auto& r : wired.routes.routes()) {
            const std::string op = std::string(wire::bhttp::to_string(r.method)) + " " + r.pattern;
            served.insert(op);
            declared[op] = {r.body, r.data == wire::data_kind::personal};
        }
    }
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

    // The same declaration says what body each operation takes and whether it touches personal data.
    std::ifstream again(spec_path);
    const auto facts = scan_openapi_facts(again);
    int compared = 0;
    for (const auto& [op, mine] : declared) {
        const auto it = facts.find(op);
        if (it == facts.end())
            continue;  // reported above
        ++compared;
        INFO(op);
        CHECK_MESSAGE(mine.body == it->second.body, "request body: declared '", mine.body, "', contract '",
                      it->second.body, "'");
        CHECK_MESSAGE(mine.personal == it->second.personal, "personal data: declared ", mine.personal,
                      ", contract's x-personal-data ", it->second.personal);
    }
    CHECK(compared == static_cast<int>(declared.size()));
}

TEST_CASE("the facts scanner reads request bodies and x-personal-data") {
    std::istringstream in(R"yaml(paths:
  /a:
    post:
      x-personal-data: true
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Thing'
    patch:
      requestBody:
        $ref: '#/components/requestBodies/Empty'
  /b:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                x:
                  $ref: '#/components/schemas/Other'
    get:
      responses:
        '200':
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing'
  /c:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
)yaml");
    const auto f = scan_openapi_facts(in);
    CHECK(f.at("POST /a") == operation_facts{"Thing", true});
    CHECK(f.at("PATCH /a") == operation_facts{"Empty", false});
    CHECK(f.at("POST /b") == operation_facts{"inline", false});
    CHECK(f.at("GET /b") == operation_facts{"", false});
    CHECK(f.at("POST /c") == operation_facts{"form", false});
}
