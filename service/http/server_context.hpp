#pragma once

// What the HTTP server uses: its own configuration, the route table it routes and guards from (declared by
// api/), and the few services of its guards (sessions, rate limits), its metrics, its static files and the
// live feeds it runs. Handlers never see it: each group of routes was given its own services.

#include "api/event_hub.hpp"
#include "auth/session_cache.hpp"
#include "core/metrics.hpp"
#include "http/call_throttle.hpp"
#include "http/router.hpp"
#include "wire/route.hpp"

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace relais::store {
class store;
}

namespace relais::http {

class static_cache;

/// The server's configuration (from app::config).
struct server_config {
    std::string web_root = "web";
    unsigned readers =
        2;  ///< database reader threads (their descriptors count against the connection budget)
    std::size_t body_limit = 64 * 1024;
    std::size_t header_limit = 16 * 1024;
    std::chrono::seconds read_timeout{15};
    std::chrono::seconds write_timeout{15};
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_address = 256;
    std::chrono::seconds session_idle{30 * 60};
    bool secure_cookies = false;
    bool behind_proxy = false;
    std::vector<std::string> allowed_hosts{"localhost", "127.0.0.1", "::1"};  ///< Host names answered
};

struct server_context {
    server_context(const server_config& cfg, const wire::route_table& table, store::store& db,
                   auth::session_cache& sessions, call_throttle& calls, core::metrics& stats,
                   boost::asio::thread_pool& workers, api::event_hub& events)
        : cfg(cfg),
          routes(table),
          db(db),
          sessions(sessions),
          calls(calls),
          stats(stats),
          workers(workers),
          events(events) {}

    const server_config& cfg;
    const router routes;  ///< over the route table, which outlives the server
    store::store& db;     ///< sessions (the guards read them)
    auth::session_cache& sessions;
    call_throttle& calls;  ///< every caller's rate limit
    core::metrics& stats;
    boost::asio::thread_pool& workers;  ///< static files not held in memory
    api::event_hub& events;             ///< the live feeds
    /// The web root's files and page dictionaries, read once at start (null: from disk).
    std::shared_ptr<const static_cache> statics{};
};

}  // namespace relais::http
