#include "wire/live_upgrade.hpp"

#include <boost/beast/websocket/rfc6455.hpp>

namespace relais::wire {

namespace {

// Internal fields of the 101 answer (never sent: see set_live_owner).
constexpr std::string_view owner_session_field = "X-Relais-Live-Session";
constexpr std::string_view owner_user_field = "X-Relais-Live-User";
constexpr std::string_view owner_volunteer_field = "X-Relais-Live-Volunteer";

}  // namespace

bool is_websocket_upgrade(const request& req) {
    return boost::beast::websocket::is_upgrade(req);
}

void set_live_owner(response& upgrade, const live_owner& owner) {
    upgrade.set(owner_session_field, owner.session_id);
    upgrade.set(owner_user_field, owner.user_id);
    if (!owner.volunteer_id.empty())
        upgrade.set(owner_volunteer_field, owner.volunteer_id);
}

live_owner live_owner_of(const response& upgrade) {
    return {std::string(upgrade[owner_session_field]), std::string(upgrade[owner_user_field]),
            std::string(upgrade[owner_volunteer_field])};
}

}  // namespace relais::wire
