#pragma once

#include "auth/access_rule.hpp"
#include "wire/request_context.hpp"
#include "wire/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace relais::wire {

/// A route handler: decodes the request, calls domain logic, encodes the response. It may throw
/// relais::error; the dispatcher's error boundary turns that into problem+json.
using handler = std::function<boost::asio::awaitable<response>(request_context&)>;

/// Whether a route's calls read or change people's personal data. Those routes audit each access (the
/// handler knows whose data it is) and their answers are never stored by browsers or proxies.
enum class data_kind : unsigned char { plain, personal };

/// One route of the service, declared once (api/*_routes.cpp). The router, the access and rate-limit
/// checks, the cache policy and the contract tests (proto/openapi.yaml: operations, x-roles, request body
/// schemas, x-personal-data) all read this declaration; no other list of routes exists.
struct route {
    verb method;
    std::string pattern;       ///< literal segments and `{name}` captures: "/api/v1/missions/{id}"
    auth::access_rule access;  ///< who may call it, its flags and its rate-limit class
    std::string body;          ///< the JSON request body's schema (components/schemas), "" if none
    data_kind data = data_kind::plain;
    handler h;
    /// How a refusal of this route (a problem+json answer: rate limit, CSRF, validation) is shown, when
    /// not as problem+json: the resident pages answer a browser with a page. Empty for the API.
    std::function<boost::asio::awaitable<response>(const request&, response problem)> refusal{};
};

/// Every route of the service, in declaration order.
class route_table {
  public:
    /// Adds a route. Throws std::logic_error on a second declaration of the same method and pattern, or on
    /// a route nobody may call.
    void add(route r);
    const std::vector<route>& routes() const noexcept { return routes_; }
    /// The route declared for (method, pattern), or nullptr.
    const route* find(verb method, std::string_view pattern) const;

  private:
    std::vector<route> routes_;
};

}  // namespace relais::wire
