#pragma once

#include "auth/principal.hpp"

namespace relais::http {
class request_context;
}

namespace relais::auth {

/// The signed-in caller of a request. The dispatcher has already refused anonymous callers on routes
/// that need a session (access table), so this only throws error(unauthorized) if a route's table entry
/// and its handler disagree: a safe default rather than undefined behaviour.
const principal& require_user(const http::request_context& ctx);

}  // namespace relais::auth
