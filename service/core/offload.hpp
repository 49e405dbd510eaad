#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>
#include <type_traits>

namespace relais::core {

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

}  // namespace relais::core
