#pragma once

#include "auth/principal.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

namespace relais::http {

/// Who is calling, for rate limits: nobody signed in, or a signed-in user by role (coordinators and
/// admins together: the desk).
enum class caller_kind { anonymous, volunteer, partner, staff };

/// What kind of call, for rate limits: the public forms (a resident's request, a volunteer's sign-up),
/// lookups by a secret in the URL (tracking codes, calendar feeds), other changes, other reads.
enum class call_class { form, tracking, write, read };

/// At most `count` calls in `window` (bursts up to `count`); count 0 = no limit.
struct call_limit {
    std::size_t count = 0;
    std::chrono::seconds window{60};
};

/// The rate limits of every caller kind and call class. The defaults let a desk work all day (thousands of
/// reads a minute per coordinator) and keep one anonymous address to what a person could type.
class call_limits {
  public:
    /// The defaults; anonymous form and tracking calls take `public_form` (--public-post-limit/-window).
    static call_limits defaults(call_limit public_form);

    /// Applies overrides written `ROLE.CLASS=N/SECONDS` (or `ROLE.CLASS=off`, or `ROLE.*=...`), separated
    /// by commas; `off` alone turns every limit off (benchmarks). Throws std::invalid_argument naming the
    /// faulty item.
    void apply_overrides(std::string_view spec);

    call_limit of(caller_kind who, call_class what) const {
        return table_[static_cast<std::size_t>(who)][static_cast<std::size_t>(what)];
    }
    void set(caller_kind who, call_class what, call_limit l) {
        table_[static_cast<std::size_t>(who)][static_cast<std::size_t>(what)] = l;
    }

  private:
    std::array<std::array<call_limit, 4>, 4> table_{};
};

/// The caller kind of a signed-in user, or anonymous.
caller_kind caller_kind_of(const std::optional<auth::principal>& user);

std::string_view to_string(caller_kind k);
std::string_view to_string(call_class c);

}  // namespace relais::http
