#include "api/routes.hpp"

namespace relais::api {

void register_routes(app::app_context& app) {
    register_system_routes(app);
    register_auth_routes(app);
    register_user_routes(app);
    register_programme_routes(app);
    register_volunteer_routes(app);
    register_request_routes(app);
    register_mission_routes(app);
    register_support_routes(app);
    register_partner_routes(app);
    register_match_routes(app);
    register_privacy_routes(app);
    register_stats_routes(app);
    register_form_routes(app);
    register_live_routes(app);
    register_calendar_routes(app);
}

}  // namespace relais::api
