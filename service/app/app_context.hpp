#pragma once

#include "app/clock.hpp"
#include "app/config.hpp"
#include "app/event_hub.hpp"
#include "app/metrics.hpp"
#include "app/read_cache.hpp"
#include "auth/session_cache.hpp"
#include "auth/throttle.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

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
    boost::asio::thread_pool& workers;  ///< blocking work that is not SQLite: files, password hashing
    http::router routes;
    auth::throttles throttles{};  ///< login and public-form rate limits (in memory)
    auth::session_cache sessions{};
    read_cache reads{};  ///< serialized answers of repeated identical reads (the coordinators' queue)  ///<
                         ///< signed-in sessions read recently (see its comment for validity)
    event_hub events{};  ///< live notices for the coordinators' console (GET /api/v1/live)
    std::shared_ptr<match::engine> matcher{};  ///< volunteer index and auto-dispatch (set by the runner)
    /// Turns the problem+json refusal of a page route (the resident forms) into an HTML page for browsers;
    /// set by the form routes, called by the dispatcher's error boundary.
    std::function<boost::asio::awaitable<http::response>(app_context&, const http::request&, http::response)>
        page_refusal{};
    /// The web root's files and page dictionaries, read once at start (set by the runner; null: from disk).
    std::shared_ptr<const http::static_cache> statics{};
};

/// Runs blocking `f()` on `pool` and resumes the caller on its own executor with the result (or the
/// exception `f` threw).
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> offload(boost::asio::thread_pool& pool, F f) {
    using R = std::invoke_result_t<F&>;
    static_assert(!std::is_void_v<R>, "offload needs a result");
    auto result = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                                       void(std::exception_ptr, std::optional<R>)>(
        [&pool](auto handler, F fn) {
            auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                            boost::asio::execution::outstanding_work.tracked);
            boost::asio::post(
                pool, [h = std::move(handler), fn = std::move(fn), work = std::move(work)]() mutable {
                    std::exception_ptr error;
                    std::optional<R> value;
                    try {
                        value.emplace(fn());
                    } catch (...) {
                        error = std::current_exception();
                    }
                    boost::asio::post(work, [h = std::move(h), error, v = std::move(value)]() mutable {
                        std::move(h)(error, std::move(v));
                    });
                });
        },
        boost::asio::use_awaitable, std::move(f));
    co_return std::move(*result);
}

}  // namespace relais::app
