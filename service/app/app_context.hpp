#pragma once

#include "app/clock.hpp"
#include "app/config.hpp"
#include "app/event_hub.hpp"
#include "app/metrics.hpp"
#include "core/offload.hpp"
#include "app/read_cache.hpp"
#include "auth/hash_pool.hpp"
#include "auth/session_cache.hpp"
#include "auth/throttle.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>

namespace relais::match {
class engine;
}

namespace relais::http {
class static_cache;
}

namespace relais::app {

/// Everything a handler may use, passed explicitly (there is no global mutable state).
struct app_context {
    const config& cfg;
    store::store& db;
    metrics& stats;
    clock& clk;
    boost::asio::thread_pool& workers;  ///< blocking work that is neither SQLite nor hashing: files
    http::router routes;
    auth::throttles throttles{};  ///< login and public-form rate limits (in memory)
    /// Argon2 on threads of its own with a bounded queue, so a burst of logins can neither starve the
    /// workers (static files, pages) nor queue without bound (full queue: 503). Built from the
    /// configuration by the runner's aggregate initialisation; the runner joins it before the I/O context ends.
    auth::hash_pool hashing{cfg.hash_threads, cfg.hash_queue};
    auth::session_cache sessions{};
    read_cache reads{};  ///< serialized answers of repeated identical reads (the coordinators' queue)  ///<
                         ///< signed-in sessions read recently (see its comment for validity)
    event_hub events{};  ///< the live feeds (GET /api/v1/live), fed by the store's committed events
    std::shared_ptr<match::engine> matcher{};  ///< volunteer index and auto-dispatch (set by the runner)
    /// Turns the problem+json refusal of a page route (the resident forms) into an HTML page for browsers;
    /// set by the form routes, called by the dispatcher's error boundary.
    std::function<boost::asio::awaitable<http::response>(app_context&, const http::request&, http::response)>
        page_refusal{};
    /// The web root's files and page dictionaries, read once at start (set by the runner; null: from disk).
    std::shared_ptr<const http::static_cache> statics{};
};

}  // namespace relais::app
