#pragma once

#include "auth/principal.hpp"

#include <optional>

namespace relais::auth {

/// Who may call a route: a set of audiences (bits).
enum audience : unsigned {
    aud_public = 1u << 0,  ///< anyone, signed in or not
    aud_volunteer = 1u << 1,
    aud_partner = 1u << 2,
    aud_coordinator = 1u << 3,
    aud_admin = 1u << 4,
    aud_loopback = 1u << 5,  ///< any client on a loopback address (operations: /metrics)
    aud_signed_in = aud_volunteer | aud_partner | aud_coordinator | aud_admin,
    aud_staff = aud_coordinator | aud_admin,
};

/// Extra handling the dispatcher gives a route.
enum route_flag : unsigned {
    flag_none = 0,
    // (1u << 0 was the anonymous-only rate limit, now every call's: see limit_by.)
    /// Does not act on the caller's existing session (login): no X-CSRF-Token needed, Origin still checked.
    flag_no_session_csrf = 1u << 1,
    /// Open to a volunteer awaiting validation (their session, account and own registration); every other
    /// signed-in route refuses them.
    flag_open_to_unvalidated = 1u << 2,
};

/// Which rate limit a route's calls count against (http::call_class, per caller kind): by default its
/// method's (reads for GET, writes otherwise); the public forms and the lookups by a secret in the URL
/// have limits of their own; health probes none (they cost nothing and tell nothing; the connection caps
/// bound them).
enum class limit_by : unsigned char { method, form, tracking, none };

/// Who may call a route and how its calls are limited: part of each route's one declaration
/// (wire::route, declared in api/*_routes.cpp). Deny by default: a route without audience bits is refused.
/// Per-object rules ("own" missions, partner's own supports) are enforced by the handlers on top of this.
struct access_rule {
    unsigned allowed = 0;  ///< audience bits
    unsigned flags = flag_none;
    limit_by limit = limit_by::method;
};

/// The dispatcher's verdict for one request.
enum class access_verdict {
    allowed,
    unauthenticated,      ///< needs a session (401)
    forbidden,            ///< signed in with a role that may not call it (403)
    awaiting_validation,  ///< a volunteer not validated yet, on a route not open to them (403)
    unlisted,             ///< the route allows nobody (403; a programming error, logged)
};

/// Decides whether a caller (signed-in `user` or nobody; `loopback` client or not) may call a route.
access_verdict decide_access(const access_rule* rule, const std::optional<principal>& user, bool loopback);

/// The audience bit of a role.
unsigned audience_of(role r);

}  // namespace relais::auth
