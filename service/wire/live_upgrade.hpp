#pragma once

// The hand-over of a live feed from its route (api/live_routes.cpp) to the server (http/websocket_session):
// the handler accepts the upgrade by answering 101 marked with the feed's owner; the connection's session
// then runs the WebSocket feed for that owner.

#include "wire/types.hpp"

#include <string>
#include <string_view>

namespace relais::wire {

/// True if `req` asks to upgrade the connection to a WebSocket (GET with Upgrade: websocket).
bool is_websocket_upgrade(const request& req);

/// Who opens a live feed: the session's token hash, the account id and, for a volunteer, their volunteer
/// id (they see only their own missions' events; empty for staff, who see every event).
struct live_owner {
    std::string session_id, user_id, volunteer_id;
};

/// Marks the 101 answer of an accepted upgrade with its owner. The 101 is never written as such (the
/// WebSocket handshake answers instead), so these fields stay inside the process.
void set_live_owner(response& upgrade, const live_owner& owner);

/// The owner marked on a 101 answer by set_live_owner.
live_owner live_owner_of(const response& upgrade);

}  // namespace relais::wire
