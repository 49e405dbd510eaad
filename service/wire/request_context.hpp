#pragma once

#include "auth/principal.hpp"
#include "wire/types.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relais::wire {

/// Path parameters captured by `{name}` segments, in order of appearance.
using path_params = std::vector<std::pair<std::string, std::string>>;

/// What a handler receives: the request, its route parameters, who sent it. The services a handler uses
/// are given to its group when the routes are declared (api/routes.hpp), not carried here.
class request_context {
  public:
    request_context(const request& req, path_params params, std::string_view route, std::string request_id,
                    std::string client)
        : req(req),
          route(route),
          request_id(std::move(request_id)),
          client_address(std::move(client)),
          params_(std::move(params)) {}

    const request& req;

    /// A path parameter by name (percent-decoded); throws not_found if it is malformed.
    std::string param(std::string_view name) const;

    /// A query-string parameter (percent-decoded), if present.
    std::optional<std::string> query(std::string_view name) const;

    /// The body parsed as JSON. Throws unsupported_media_type unless the content type is JSON, and
    /// bad_request (naming the position) if it does not parse.
    boost::json::value json_body() const;

    /// A JSON response with the request's HTTP version and keep-alive.
    response json(status st, const boost::json::value& body) const;
    /// A JSON response whose body is already serialized.
    response json_text(status st, std::string body) const;

    /// An empty response.
    response empty(status st) const;

    std::string_view route;
    std::string request_id;
    std::string client_address;
    /// The signed-in user, if any (set by the dispatcher from the session cookie before the handler runs).
    std::optional<auth::principal> user;

  private:
    path_params params_;
};

/// The signed-in user; throws error(unauthorized) if nobody is signed in.
const auth::principal& require_user(const request_context& ctx);

/// Decodes %XX and (when `plus_is_space`) '+'; nullopt on a malformed escape or a NUL byte.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);

/// Parses an application/x-www-form-urlencoded string into (name, value) pairs; nullopt if malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body);

}  // namespace relais::wire
