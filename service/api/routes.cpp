#include "api/routes.hpp"

namespace relais::api {

void register_routes(app::app_context& app) {
    register_system_routes(app);
}

}  // namespace relais::api
