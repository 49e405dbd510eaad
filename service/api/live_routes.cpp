// GET /api/v1/live: the WebSocket feed of the consoles (the committed domain events, api/event_hub.hpp).
// The dispatcher authorizes the upgrade request like any other (session cookie, access table: coordinator,
// admin or volunteer; a volunteer's feed carries only their own missions' events); this handler checks that
// it is a same-origin WebSocket upgrade within the live-feed caps of its session and account and answers 101,
// which tells the connection's session to hand the stream over to http::run_live_feed (see http/session.cpp,
// http/websocket_session.hpp).

#include "api/event_hub.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "wire/live_upgrade.hpp"
#include "wire/request_checks.hpp"

namespace relais::api {

namespace {

awaitable_response live_upgrade(const live_services& s, request_context& ctx) {
    if (!wire::is_websocket_upgrade(ctx.req))
        throw bad_request("This resource is a WebSocket feed: open it with a WebSocket client.");
    // Cross-site WebSocket hijacking: browsers always send Origin on a WebSocket handshake, and a page of
    // another site must not open the feed with the coordinator's cookie.
    auto host = ctx.req[wire::bhttp::field::host];
    if (s.behind_proxy && !ctx.req["X-Forwarded-Host"].empty()) {
        auto fh = ctx.req["X-Forwarded-Host"];
        host = fh.substr(0, fh.find(','));
    }
    if (auto it = ctx.req.find(wire::bhttp::field::origin);
        it != ctx.req.end() && !wire::same_origin(it->value(), host))
        throw error(error_kind::forbidden, "Cross-origin requests are refused.");
    // One session (or one account) must not take every live slot: at most --live-per-session sockets per
    // session and --live-per-user per account. The feed subscribes for this owner and checks again.
    const auto& me = wire::require_user(ctx);
    // Staff see every event; a volunteer (the access table lets no other role here) their own missions'.
    if (!me.is_staff() && (me.r != auth::role::volunteer || me.volunteer_id.empty()))
        throw error(error_kind::forbidden, "Your account may not do this.");
    if (auto refused = s.feeds.admits({me.session_id, me.user_id, api::event_hub::audience::staff, {}})) {
        using refusal = api::event_hub::refusal;
        if (*refused == refusal::session_cap || *refused == refusal::user_cap) {
            error e(error_kind::too_many_requests, *refused == refusal::session_cap
                                                       ? "This session has too many live feeds open."
                                                       : "This account has too many live feeds open.");
            e.retry_after = std::chrono::seconds(30);
            throw e;
        }
    }
    response res{status::switching_protocols, ctx.req.version()};
    wire::set_live_owner(res, {me.session_id, me.user_id, me.is_staff() ? std::string() : me.volunteer_id});
    co_return res;
}

}  // namespace

void add_live_routes(wire::route_table& t, const live_services& s) {
    // A volunteer's feed carries their own missions' events only.
    t.add({verb::get, "/api/v1/live", {staff | vol}, "", plain, bind(s, live_upgrade)});
}

}  // namespace relais::api
