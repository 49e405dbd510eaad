#pragma once

// The server's parts wired as app/runner.cpp wires them, on a store the test owns, without a listening
// socket: the route table every group declares (the one list of routes), and the HTTP context the
// dispatcher routes and guards from. For tests that read the route table or call http::dispatch directly.

#include "api/event_hub.hpp"
#include "api/read_cache.hpp"
#include "api/routes.hpp"
#include "auth/hash_pool.hpp"
#include "auth/login_throttle.hpp"
#include "auth/session_cache.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "http/call_throttle.hpp"
#include "http/server_context.hpp"
#include "store/store.hpp"
#include "wire/route.hpp"

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace relais::testing {

struct wired_server {
    core::metrics stats;
    core::clock clk;
    boost::asio::thread_pool workers{1};
    auth::hash_pool hashing{1, 16};
    auth::login_throttle logins;
    http::call_throttle calls;
    auth::session_cache sessions;
    api::read_cache reads;
    api::event_hub feeds;
    std::shared_ptr<match::engine> matcher;  // none: the dispatch routes answer 503
    domain::phone_plan phones;
    http::server_config cfg;
    wire::route_table routes;
    std::unique_ptr<http::server_context> web;

    /// `login_limit` 0 turns the sign-in throttle off (fuzzing signs in as often as it likes).
    explicit wired_server(store::store& db, bool movable_clock = false, std::size_t login_limit = 10,
                          std::string web_root = "web")
        : clk(movable_clock) {
        using namespace std::chrono_literals;
        const api::service_set s{
            {db, clk, phones},   hashing, workers, logins, feeds,  reads,       stats, matcher,
            std::move(web_root), false,   false,   1800s,  43200s, login_limit, 100,   900s};
        routes = api::declare_routes(s);
        web = std::make_unique<http::server_context>(cfg, routes, db, sessions, calls, stats, workers, feeds);
    }
    ~wired_server() {
        workers.join();
        hashing.join();
    }
    wired_server(const wired_server&) = delete;
    wired_server& operator=(const wired_server&) = delete;
};

}  // namespace relais::testing
