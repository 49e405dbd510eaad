#include "api/routes.hpp"

#include "core/dictionary.hpp"
#include "core/metrics.hpp"

#include <filesystem>

namespace relais::api {

namespace {

/// The dictionaries the message texts' defaults and the bilan's exports come from (none: the list of
/// texts is empty, every rewrite 404, and the exports' words are their keys).
std::shared_ptr<const core::dictionaries> message_words(const std::string& web_root) {
    try {
        return core::dictionaries::load(std::filesystem::path(web_root) / "i18n");
    } catch (const std::exception&) {
        return core::dictionaries::none();
    }
}

}  // namespace

wire::route_table declare_routes(const service_set& s) {
    const data_access& d = s.data;
    const account_services accounts{d,
                                    s.hashing,
                                    s.feeds,
                                    s.email_enabled,
                                    s.sms_enabled,
                                    !s.push_public_key.empty(),
                                    !s.sms_public_url.empty()};
    const dispatch_services dispatch{d, s.matcher};
    const auto words = message_words(s.web_root);
    wire::route_table t;
    add_system_routes(t, {d.db, [&stats = s.stats] { return stats.render(); }, &d.clk});
    add_auth_routes(t, {d, s.hashing, s.logins, s.feeds, s.stats, s.workers, s.secure_cookies, s.session_idle,
                        s.session_lifetime, s.login_limit, s.login_account_limit, s.login_window,
                        s.email_enabled, s.sms_enabled, s.setup});
    add_user_routes(t, accounts);
    add_programme_routes(t, {d, s.workers});
    add_volunteer_routes(t, accounts);
    add_message_routes(t, accounts);
    add_request_routes(t, {d, s.reads});
    add_resident_routes(t, d);
    add_mission_routes(t, dispatch);
    add_support_routes(t, d);
    add_partner_routes(t, d);
    add_match_routes(t, dispatch);
    add_privacy_routes(t, d);
    add_stats_routes(t, {d, words});
    add_page_routes(t, d, s.web_root);
    add_live_routes(t, {s.feeds, s.behind_proxy});
    add_calendar_routes(t, d);
    add_reserve_routes(t, d);
    add_charter_training_routes(t, d);
    add_outreach_routes(t, d);
    add_address_routes(t, d);
    add_call_task_routes(t, d);
    add_sms_routes(t, {d, s.sms_provider, s.sms_token, s.sms_public_url, s.inbound_keep_seconds});
    add_push_routes(t, {d, s.push_public_key, s.push_local_http});
    add_template_routes(t, {d, words});
    return t;
}

}  // namespace relais::api
