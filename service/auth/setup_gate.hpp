#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace relais::auth {

/// The first-run setup link (issue 16): a server that starts on a database with no admin account makes one
/// secret, prints the link holding it once, and lets it set the city up once within the hour. Kept in memory
/// only (a restart without an admin yet prints a new link; the old one dies with the process); the token
/// itself is never stored, only its hash.
class setup_gate {
  public:
    static constexpr std::int64_t lifetime = 3600;

    /// A new token valid from `now` for an hour (replacing any earlier one).
    std::string open(std::int64_t now);
    /// Whether `token` is the live one (issued, unspent, not expired).
    bool valid(std::string_view token, std::int64_t now) const;
    /// Spends the live token: true once; false if it was not live (spent by a concurrent setup, expired).
    bool spend(std::string_view token, std::int64_t now);
    /// Whether a setup link was ever opened (a server started on an empty database).
    bool opened() const;

  private:
    mutable std::mutex m_;
    std::optional<std::string> hash_;
    std::int64_t expires_at_ = 0;
    bool spent_ = false;
};

}  // namespace relais::auth
