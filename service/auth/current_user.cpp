#include "auth/current_user.hpp"

#include "core/error.hpp"
#include "http/request_context.hpp"

namespace relais::auth {

const principal& require_user(const http::request_context& ctx) {
    if (!ctx.user)
        throw error(error_kind::unauthorized, "Sign in first.");
    return *ctx.user;
}

}  // namespace relais::auth
