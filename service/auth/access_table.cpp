#include "auth/access_table.hpp"

#include <map>
#include <string>

namespace relais::auth {

namespace {

using http::verb;

constexpr unsigned pub = aud_public;
constexpr unsigned vol = aud_volunteer;
constexpr unsigned par = aud_partner;
constexpr unsigned staff = aud_staff;
constexpr unsigned adm = aud_admin;
constexpr unsigned any = aud_signed_in;
constexpr unsigned unvalidated = flag_open_to_unvalidated;

// THE authorization table (docs: briefs/routes.md, proto/openapi.yaml). "own" in a comment means the
// role is let through here and the handler restricts it to the caller's own objects (404 otherwise).
// `unvalidated` marks the few signed-in routes a volunteer awaiting validation may call: their session,
// account and own registration (see it, edit it, withdraw it); public routes are open to them anyway.
constexpr access_rule table[] = {
    // Operations
    {verb::get, "/healthz", pub, flag_none, limit_by::none},
    {verb::get, "/readyz", pub, flag_none, limit_by::none},
    {verb::get, "/metrics", adm | aud_loopback},

    // Accounts and sessions
    {verb::post, "/api/v1/auth/login", pub, flag_no_session_csrf},
    {verb::post, "/api/v1/auth/logout", any, unvalidated},
    {verb::get, "/api/v1/me", any, unvalidated},
    {verb::post, "/api/v1/me/password", any, unvalidated},
    {verb::get, "/api/v1/me/missions", vol},
    {verb::get, "/api/v1/me/volunteer", vol, unvalidated},
    {verb::patch, "/api/v1/me/volunteer", vol, unvalidated},

    // Programme settings and reference data
    {verb::get, "/api/v1/programme", pub},
    {verb::patch, "/api/v1/programme", adm},
    {verb::get, "/api/v1/categories", pub},
    {verb::post, "/api/v1/categories", adm},
    {verb::patch, "/api/v1/categories/{code}", adm},
    {verb::get, "/api/v1/neighbourhoods", pub},

    // Volunteers
    {verb::post, "/api/v1/volunteers", pub, flag_none, limit_by::form},
    {verb::get, "/api/v1/volunteers", staff},
    {verb::get, "/api/v1/volunteers/{id}", staff | vol, unvalidated},             // volunteer: own
    {verb::patch, "/api/v1/volunteers/{id}", staff},
    {verb::post, "/api/v1/volunteers/{id}/activate", staff},
    {verb::post, "/api/v1/volunteers/{id}/pause", staff | vol},      // volunteer: own
    {verb::post, "/api/v1/volunteers/{id}/resume", staff | vol},     // volunteer: own
    {verb::post, "/api/v1/volunteers/{id}/withdraw", staff | vol, unvalidated},   // volunteer: own
    {verb::get, "/api/v1/volunteers/{id}/missions", staff},

    // Requests, tracking, residents
    {verb::post, "/api/v1/requests", pub, flag_none, limit_by::form},  // staff and partners too (channel)
    {verb::get, "/api/v1/requests", staff},
    {verb::get, "/api/v1/requests/{id}", staff},
    {verb::post, "/api/v1/requests/{id}/close", staff},
    {verb::get, "/api/v1/track/{tracking_code}", pub, flag_none, limit_by::tracking},
    {verb::post, "/api/v1/track/{tracking_code}/cancel", pub, flag_none, limit_by::tracking},
    {verb::get, "/api/v1/residents", staff},
    {verb::get, "/api/v1/residents/{id}", staff},
    {verb::patch, "/api/v1/residents/{id}", staff},

    // Personal data rights (access, erasure) and retention
    {verb::get, "/api/v1/residents/{id}/export", staff},
    {verb::post, "/api/v1/residents/{id}/erase", staff},
    {verb::get, "/api/v1/volunteers/{id}/export", staff},
    {verb::post, "/api/v1/volunteers/{id}/erase", staff},
    {verb::post, "/api/v1/retention/run", adm},

    // Missions
    {verb::post, "/api/v1/missions", staff},
    {verb::get, "/api/v1/missions", staff},
    {verb::get, "/api/v1/missions/{id}", staff | vol},               // volunteer: own
    {verb::post, "/api/v1/missions/{id}/accept", staff | vol},       // volunteer: own
    {verb::post, "/api/v1/missions/{id}/decline", staff | vol},      // volunteer: own
    {verb::post, "/api/v1/missions/{id}/complete", staff | vol},     // volunteer: own
    {verb::post, "/api/v1/missions/{id}/drop", staff | vol},         // volunteer: own
    {verb::post, "/api/v1/missions/{id}/cancel", staff},
    {verb::post, "/api/v1/missions/{id}/missed", staff},
    {verb::post, "/api/v1/missions/{id}/acknowledge-welfare", staff},

    // Supports (regular help of one volunteer for one resident)
    {verb::get, "/api/v1/supports", staff | par},                    // partner: handed over to them
    {verb::get, "/api/v1/supports/{id}", staff | par},               // partner: own
    {verb::patch, "/api/v1/supports/{id}", staff},
    {verb::post, "/api/v1/supports/{id}/end", staff},
    {verb::post, "/api/v1/supports/{id}/handover", staff},

    // Partners and collective missions
    {verb::get, "/api/v1/partners", staff},
    {verb::post, "/api/v1/partners", staff},
    {verb::get, "/api/v1/partners/{id}", staff | par},               // partner: own
    {verb::get, "/api/v1/collective-missions", staff | vol | par},   // partner: own
    {verb::post, "/api/v1/collective-missions", staff | par},        // partner: for their own partner
    {verb::get, "/api/v1/collective-missions/{id}", staff | vol | par},  // partner: own
    {verb::post, "/api/v1/collective-missions/{id}/signup", vol},
    {verb::post, "/api/v1/collective-missions/{id}/cancel-signup", vol},
    {verb::post, "/api/v1/collective-missions/{id}/cancel", staff | par},  // partner: own

    // Matching and dispatch
    {verb::get, "/api/v1/requests/{id}/candidates", staff},
    {verb::post, "/api/v1/dispatch/plan", staff},
    {verb::post, "/api/v1/dispatch/commit", staff},
    {verb::get, "/api/v1/volunteers/idle", staff},

    // History, accounts, audit
    {verb::get, "/api/v1/events", staff},
    {verb::get, "/api/v1/users", adm},
    {verb::post, "/api/v1/users", adm},
    {verb::post, "/api/v1/users/{id}/disable", adm},
    {verb::get, "/api/v1/audit", adm},

    // Outcome statistics (bilan) and their CSV export
    {verb::get, "/api/v1/stats/summary", staff},
    {verb::get, "/api/v1/stats/export.csv", staff},
    // Season replays move the programme clock; the handler answers 404 unless the server runs with --test-clock.
    // Admin only: moving time moves every deadline.
    {verb::post, "/api/v1/test/clock", adm},

    // Resident pages that work without JavaScript (server-rendered forms). They never act on a session,
    // so a signed-in coordinator opening them needs no CSRF token; the Origin check still applies.
    {verb::get, "/demande", pub},
    {verb::post, "/demande", pub, flag_no_session_csrf, limit_by::form},
    {verb::get, "/suivi", pub},
    {verb::post, "/suivi", pub, flag_no_session_csrf, limit_by::tracking},
    {verb::post, "/suivi/annuler", pub, flag_no_session_csrf, limit_by::tracking},

    // The live feed of the consoles (WebSocket upgrade); a volunteer's carries their own missions' events only
    {verb::get, "/api/v1/live", staff | vol},

    // A volunteer's calendar feed: the secret in the URL is the credential (like a tracking code)
    {verb::get, "/api/v1/calendar/{token}", pub, flag_none, limit_by::tracking},
    {verb::get, "/api/v1/me/calendar", vol},
    {verb::post, "/api/v1/me/calendar", vol},
    {verb::delete_, "/api/v1/me/calendar", vol},
};

using key = std::pair<verb, std::string_view>;

const std::map<key, const access_rule*>& index() {
    static const std::map<key, const access_rule*> idx = [] {
        std::map<key, const access_rule*> m;
        for (const auto& r : table)
            m.emplace(key{r.method, r.pattern}, &r);
        return m;
    }();
    return idx;
}

}  // namespace

std::span<const access_rule> access_table() { return table; }

const access_rule* find_access_rule(http::verb method, std::string_view pattern) {
    const auto& idx = index();
    auto it = idx.find(key{method, pattern});
    return it == idx.end() ? nullptr : it->second;
}

unsigned audience_of(role r) {
    switch (r) {
        case role::volunteer: return aud_volunteer;
        case role::partner: return aud_partner;
        case role::coordinator: return aud_coordinator;
        case role::admin: return aud_admin;
    }
    return 0;
}

access_verdict decide_access(const access_rule* rule, const std::optional<principal>& user, bool loopback) {
    if (!rule)
        return access_verdict::unlisted;
    if (rule->allowed & aud_public)
        return access_verdict::allowed;
    if ((rule->allowed & aud_loopback) && loopback)
        return access_verdict::allowed;
    if (!user)
        return access_verdict::unauthenticated;
    if (!(rule->allowed & audience_of(user->r)))
        return access_verdict::forbidden;
    if (user->awaiting_validation && !(rule->flags & flag_open_to_unvalidated))
        return access_verdict::awaiting_validation;
    return access_verdict::allowed;
}

}  // namespace relais::auth
