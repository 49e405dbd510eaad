#include "auth/principal.hpp"

namespace relais::auth {

std::string_view to_string(role r) {
    switch (r) {
        case role::volunteer: return "volunteer";
        case role::partner: return "partner";
        case role::coordinator: return "coordinator";
        case role::admin: return "admin";
    }
    return "volunteer";
}

std::optional<role> role_from_string(std::string_view s) {
    if (s == "volunteer") return role::volunteer;
    if (s == "partner") return role::partner;
    if (s == "coordinator") return role::coordinator;
    if (s == "admin") return role::admin;
    return std::nullopt;
}

}  // namespace relais::auth
