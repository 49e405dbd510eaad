// Web push for the volunteer app (notify/push_client.hpp): the server's public VAPID key, and the devices a
// volunteer allows notifications on. A subscription is personal data: stored, never echoed or logged.

#include "api/body_reader.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "notify/push_subscriptions.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

awaitable_response add_subscription(const push_services& s, request_context& ctx) {
    const auto volunteer_id = own_volunteer_id(ctx);
    // PushSubscription.toJSON(): {endpoint, expirationTime, keys: {p256dh, auth}}.
    body_reader r(ctx.json_body());
    notify::push_subscription sub;
    sub.endpoint = r.text("endpoint", {8, 2000}).value_or("");
    r.accept("expirationTime");  // null, or when the browser will renew it (it then subscribes again)
    if (auto keys = r.object("keys")) {
        sub.p256dh = keys->text("p256dh", {1, 200}).value_or("");
        sub.auth = keys->text("auth", {1, 100}).value_or("");
        keys->check_unknown();
    }
    if (!r.failed()) {
        try {
            notify::check_subscription(sub, s.allow_local_http);
        } catch (const notify::web_push_error& e) {
            // The message names the field and the fault, never the value.
            const bool endpoint = e.which() == notify::web_push_error::kind::bad_endpoint;
            r.fail(endpoint ? "endpoint" : "keys", e.what());
        }
    }
    r.done();
    auto job = [volunteer_id, sub, now = s.data.clk.now_s()](SQLite::Database& db) {
        return notify::save_subscription(db, volunteer_id, sub, now);
    };
    const std::string id = co_await s.data.db.write(std::move(job));
    co_return ctx.json(status::created, json::object{{"id", id}});
}

awaitable_response remove_subscription(const push_services& s, request_context& ctx) {
    no_fields(ctx);
    auto job = [volunteer_id = own_volunteer_id(ctx), id = std::string(ctx.param("id"))](
                   SQLite::Database& db) { return notify::delete_subscription(db, volunteer_id, id); };
    if (!co_await s.data.db.write(std::move(job)))
        throw not_found("No such subscription of yours.");
    co_return ctx.empty(status::no_content);
}

}  // namespace

void add_push_routes(wire::route_table& t, const push_services& s) {
    t.add({verb::get,
           "/api/v1/push/key",
           {vol},
           "",
           plain,
           [key = s.public_key](request_context& ctx) -> awaitable_response {
               if (key.empty())
                   throw not_found("Web push is not configured on this server.");
               co_return ctx.json(status::ok, json::object{{"public_key", key}});
           }});
    t.add({verb::post,
           "/api/v1/me/push-subscriptions",
           {vol},
           "PushSubscription",
           plain,
           bind(s, add_subscription)});
    t.add({verb::delete_,
           "/api/v1/me/push-subscriptions/{id}",
           {vol},
           "Empty",
           plain,
           bind(s, remove_subscription)});
}

}  // namespace relais::api
