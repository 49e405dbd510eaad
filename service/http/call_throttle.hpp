#pragma once

#include "auth/access_rule.hpp"
#include "auth/principal.hpp"
#include "http/call_limits.hpp"
#include "http/token_buckets.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

namespace relais::http {

/// Every caller's rate limit, an HTTP guard of the dispatcher: token buckets per caller and call class, in
/// memory, owned by the runner (nothing global). The limits come from the configuration.
class call_throttle {
  public:
    explicit call_throttle(call_limits policy = call_limits::defaults({})) : policy_(policy) {}

    /// Counts a routed call once the caller is known, against the caller (the signed-in user, else the
    /// client address, an IPv6 one by its /64) in the class of `rule` (form and tracking per route, write
    /// and read per caller), with the limit of the caller's kind; throws error(too_many_requests) with
    /// retry_after once it is used up.
    void check(const auth::access_rule& rule, bool unsafe_method, std::string_view route,
               const std::optional<auth::principal>& user, std::string_view client_address);

    const call_limits& policy() const { return policy_; }
    /// Replaces the limits; only before the server serves (the policy is read without a lock).
    void set_policy(const call_limits& policy) { policy_ = policy; }

  private:
    call_limits policy_;
    token_buckets calls_;
};

/// The limits in force: the defaults, --public-post-limit/-window for anonymous forms and tracking codes,
/// then the overrides of --rate-limits (std::invalid_argument if they do not parse).
call_limits call_policy_of(std::size_t public_post_limit, std::chrono::seconds public_post_window,
                           std::string_view overrides);

}  // namespace relais::http
