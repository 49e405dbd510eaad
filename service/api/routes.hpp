#pragma once

// Every route of the service is declared once, by its group (api/*_routes.cpp), in a wire::route_table:
// method, path, who may call it, its rate-limit class, its request body's schema, whether it touches
// personal data, and its handler bound to the few services the group uses. The HTTP server routes and
// guards from that table; the contract tests compare it with proto/openapi.yaml.

#include "api/handler_support.hpp"
#include "api/services.hpp"
#include "auth/access_rule.hpp"
#include "wire/route.hpp"

#include <memory>
#include <string>

namespace relais::api {

using wire::verb;

// The words of the declarations.
constexpr unsigned pub = auth::aud_public;
constexpr unsigned vol = auth::aud_volunteer;
constexpr unsigned par = auth::aud_partner;
constexpr unsigned staff = auth::aud_staff;
constexpr unsigned adm = auth::aud_admin;
constexpr unsigned any = auth::aud_signed_in;
constexpr unsigned loopback = auth::aud_loopback;
/// Open to a volunteer awaiting validation (their session, account and own registration).
constexpr unsigned unvalidated = auth::flag_open_to_unvalidated;
/// Does not act on the caller's session (login, the resident pages): no X-CSRF-Token, Origin still checked.
constexpr unsigned no_session_csrf = auth::flag_no_session_csrf;
constexpr auto plain = wire::data_kind::plain;
constexpr auto personal = wire::data_kind::personal;

/// A handler of a group, bound to the group's services (copied: they are references and flags).
template <class Services>
wire::handler bind(const Services& s, awaitable_response (*f)(const Services&, request_context&)) {
    return [s, f](request_context& ctx) { return f(s, ctx); };
}

/// Everything the groups draw their services from: the wiring's input (app/runner.cpp), not something a
/// handler sees.
struct service_set {
    data_access data;
    auth::hash_pool& hashing;
    boost::asio::thread_pool& workers;  ///< blocking work that is neither SQLite nor hashing (map files)
    auth::login_throttle& logins;       ///< password checks (sign-in, change of password)
    event_hub& feeds;
    read_cache& reads;
    core::metrics& stats;
    const std::shared_ptr<match::engine>& matcher;
    std::string web_root;  ///< the resident pages' dictionaries (web/i18n), read once here
    bool secure_cookies = true;
    bool behind_proxy = false;
    std::chrono::seconds session_idle{1800}, session_lifetime{43200};
    std::size_t login_limit = 10, login_account_limit = 100;
    std::chrono::seconds login_window{900};
    bool email_enabled = false;  ///< --smtp-url given
    bool sms_enabled = false;    ///< --sms-provider given
    /// The SMS webhooks' settings (provider name, token, the public URL they are called at); empty
    /// provider: the webhooks answer 404.
    std::string sms_provider{}, sms_token{}, sms_public_url{};
    std::int64_t inbound_keep_seconds = 30 * 86400;  ///< replies kept for the coordinators (retention)
    std::string push_public_key{};                   ///< the VAPID public key (empty: web push off)
    bool push_local_http = false;                    ///< --push-local-http (tests)
    auth::setup_gate* setup = nullptr;               ///< the first-run setup link, when one was opened
};

/// Declares every route of the service, each group with its own services.
wire::route_table declare_routes(const service_set& s);

void add_system_routes(wire::route_table& t, const system_services& s);
void add_auth_routes(wire::route_table& t, const session_services& s);
void add_user_routes(wire::route_table& t, const account_services& s);
void add_programme_routes(wire::route_table& t, const programme_services& s);
void add_volunteer_routes(wire::route_table& t, const account_services& s);
void add_message_routes(wire::route_table& t, const account_services& s);
void add_request_routes(wire::route_table& t, const request_services& s);
void add_resident_routes(wire::route_table& t, const data_access& s);
void add_mission_routes(wire::route_table& t, const dispatch_services& s);
void add_support_routes(wire::route_table& t, const data_access& s);
void add_partner_routes(wire::route_table& t, const data_access& s);
void add_match_routes(wire::route_table& t, const dispatch_services& s);
void add_privacy_routes(wire::route_table& t, const data_access& s);
void add_stats_routes(wire::route_table& t, const stats_services& s);
void add_page_routes(wire::route_table& t, const data_access& s, const std::string& web_root);
void add_live_routes(wire::route_table& t, const live_services& s);
void add_sms_routes(wire::route_table& t, const sms_services& s);
void add_call_task_routes(wire::route_table& t, const data_access& s);
void add_push_routes(wire::route_table& t, const push_services& s);
void add_template_routes(wire::route_table& t, const template_services& s);
void add_calendar_routes(wire::route_table& t, const data_access& s);
void add_reserve_routes(wire::route_table& t, const data_access& s);
void add_charter_training_routes(wire::route_table& t, const data_access& s);
void add_outreach_routes(wire::route_table& t, const data_access& s);
void add_address_routes(wire::route_table& t, const data_access& s);

}  // namespace relais::api
