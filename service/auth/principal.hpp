#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relais::auth {

/// The roles of signed-in users. Residents have no account (their tracking code is their only handle).
enum class role { volunteer, partner, coordinator, admin };

std::string_view to_string(role r);
std::optional<role> role_from_string(std::string_view s);

/// The signed-in user a request acts for.
struct principal {
    std::string user_id;
    role r = role::volunteer;
    std::string email;
    std::string volunteer_id;  ///< set for role::volunteer
    std::string partner_id;    ///< set for role::partner
    std::string session_id;    ///< hash of the session token (never the token itself)
    /// A self-registered volunteer whom no coordinator has validated yet: they may sign in to see and edit
    /// their registration, nothing else (the access table's flag_open_to_unvalidated).
    bool awaiting_validation = false;

    bool is_staff() const { return r == role::coordinator || r == role::admin; }
};

}  // namespace relais::auth
