#pragma once

#include "core/dictionary.hpp"

// The services the handler groups use. Each group of routes (api/*_routes.cpp) is given the one bundle it
// needs when it declares its routes; no handler sees the rest of the server.

#include "api/event_hub.hpp"
#include "api/read_cache.hpp"
#include "auth/hash_pool.hpp"
#include "auth/setup_gate.hpp"
#include "auth/throttle.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "domain/phone_plan.hpp"
#include "store/store.hpp"

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace relais::match {
class engine;
}

namespace relais::api {

/// The database, the programme clock and the city's phone region: all most groups need.
struct data_access {
    store::store& db;
    core::clock& clk;
    domain::phone_plan& phones;  ///< numbers typed without a country code are the city's
};

/// Sign-in, sessions and passwords (auth_routes).
struct session_services : data_access {
    auth::hash_pool& hashing;
    auth::login_throttle& logins;       ///< password checks (sign-in, change of password)
    event_hub& feeds;                   ///< a session that ends closes its live feeds
    core::metrics& stats;               ///< passwords verified
    boost::asio::thread_pool& workers;  ///< the setup's map file is parsed there
    bool secure_cookies = true;
    std::chrono::seconds session_idle{1800}, session_lifetime{43200};
    std::size_t login_limit = 10, login_account_limit = 100;
    std::chrono::seconds login_window{900};
    bool email_codes = false;           ///< sign-in codes by email (--smtp-url given)
    bool sms_codes = false;             ///< sign-in codes by text message (--sms-provider given)
    auth::setup_gate* setup = nullptr;  ///< the first-run setup link (none: the setup route answers 410)
};

/// Accounts and volunteer registrations, which hash passwords (user_routes, volunteer_routes).
struct account_services : data_access {
    auth::hash_pool& hashing;
    event_hub& feeds;            ///< a disabled account's live feeds close
    bool email_enabled = false;  ///< --smtp-url given (a person's messages say whether email is on)
    bool sms_enabled = false;    ///< --sms-provider given
    bool push_enabled = false;   ///< web push on
    bool links_ok = false;       ///< --public-url given (else links point at the bind address)
};

/// The programme, its categories and its map (programme_routes): a map file is parsed on the workers, not on
/// an I/O thread.
struct programme_services : data_access {
    boost::asio::thread_pool& workers;
};

/// The resident requests and the coordinators' queue (request_routes).
struct request_services : data_access {
    read_cache& reads;  ///< serialized answers of repeated identical reads of the queue
};

/// Missions and matching: the engine's index and its automatic re-dispatch (mission_routes, match_routes).
/// The engine is started by the runner after the routes are declared; null until then.
struct dispatch_services : data_access {
    const std::shared_ptr<match::engine>& matcher;
};

/// Operations: health, readiness, metrics (system_routes).
struct system_services {
    store::store& db;
    std::function<std::string()> metrics_text;  ///< the request metrics (the storage's are added)
    const core::clock* clk = nullptr;           ///< the outbox's metrics are added when given
};

/// The message texts admins may rewrite: the dictionaries (web/i18n) their defaults come from.
struct template_services {
    data_access data;
    std::shared_ptr<const core::dictionaries> words;
};

/// The bilan and its exports (stats_routes): the dictionaries their sheets' words come from.
struct stats_services {
    data_access data;
    std::shared_ptr<const core::dictionaries> words;
};

/// Web push: the VAPID public key the app subscribes with (empty: push off).
struct push_services {
    data_access data;
    std::string public_key;
    bool allow_local_http = false;  ///< accept http:// endpoints on this machine (the tests' push service)
};

/// The SMS provider's webhooks and the received texts (sms_routes).
struct sms_services {
    data_access data;
    std::string provider;    ///< "twilio" or "webhook"; empty: SMS off (the webhooks answer 404)
    std::string token;       ///< the secret the provider signs its calls with
    std::string public_url;  ///< the address the provider calls (Twilio signs the full URL)
    std::int64_t keep_seconds = 30 * 86400;  ///< received texts are kept as long as messages (retention)
};

/// The live feed's upgrade (live_routes).
struct live_services {
    event_hub& feeds;
    bool behind_proxy = false;  ///< trust X-Forwarded-Host for the same-origin check
};

}  // namespace relais::api
