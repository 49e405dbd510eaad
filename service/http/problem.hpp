#pragma once

#include "core/error.hpp"
#include "http/types.hpp"

#include <exception>
#include <string_view>

namespace relais::http {

/// The one error boundary: turns any exception escaping a handler into an RFC 9457
/// `application/problem+json` response. relais::error keeps its kind, detail and field errors; anything
/// else becomes a 500 whose body says nothing of internals (the caller logs the detail).
response problem_response(std::exception_ptr e, unsigned version, bool keep_alive);

/// A problem response for a relais::error.
response problem_response(const error& e, unsigned version, bool keep_alive);

/// The HTTP status of an error kind.
status status_of(error_kind kind);

/// The `type` URI of an error kind (relative, documented in proto/openapi.yaml).
std::string_view type_of(error_kind kind);

}  // namespace relais::http
