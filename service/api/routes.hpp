#pragma once

namespace relais::app {
struct app_context;
}

namespace relais::api {

/// Registers every route of the service on app.routes. Each concern adds its own (system, volunteers,
/// requests, missions...); the list of routes is checked against proto/openapi.yaml by the tests.
void register_routes(app::app_context& app);

void register_system_routes(app::app_context& app);
void register_auth_routes(app::app_context& app);
void register_user_routes(app::app_context& app);
void register_programme_routes(app::app_context& app);
void register_volunteer_routes(app::app_context& app);
void register_request_routes(app::app_context& app);
void register_mission_routes(app::app_context& app);
void register_support_routes(app::app_context& app);
void register_partner_routes(app::app_context& app);
void register_match_routes(app::app_context& app);
void register_privacy_routes(app::app_context& app);
void register_stats_routes(app::app_context& app);
void register_form_routes(app::app_context& app);
void register_live_routes(app::app_context& app);
void register_calendar_routes(app::app_context& app);

}  // namespace relais::api
