#pragma once

#include "http/types.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace relais::http {
struct server_context;
}

namespace relais::http {

/// Answers one parsed request: routes it, runs its handler inside the error boundary, adds the common
/// headers (request id, security headers), records metrics and writes the access log line.
/// Never throws: every failure becomes a problem+json response.
boost::asio::awaitable<response> dispatch(server_context& app, const request& req, const std::string& client,
                                          std::string request_id);

/// Adds the headers every response carries (security policy, request id).
void add_common_headers(response& res, const std::string& request_id);

}  // namespace relais::http
