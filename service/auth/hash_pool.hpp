#pragma once

#include "core/offload.hpp"
#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace relais::auth {

/// The threads that run Argon2 (every password hash and verification), apart from the shared workers: each
/// job takes 64 MiB and tens of milliseconds of a core, so a burst of logins on a shared pool held up
/// static files and pages for minutes. Admission is bounded: at most `threads` jobs run and `queue` wait;
/// one more is refused at once (error_kind::unavailable, 503 with Retry-After) rather than queued behind a
/// burst it cannot catch up with. Thread-safe.
class hash_pool {
public:
    /// `threads` 0 means default_threads(); `queue` is how many jobs may wait for a thread.
    hash_pool(std::size_t threads, std::size_t queue);
    ~hash_pool();

    hash_pool(const hash_pool&) = delete;
    hash_pool& operator=(const hash_pool&) = delete;

    /// As many threads as cores, but no more than a quarter of the physical memory holds Argon2 jobs of
    /// 64 MiB (hashing must not push the server into swap); at least 1.
    static std::size_t default_threads();

    std::size_t threads() const noexcept { return threads_; }
    std::size_t queue_limit() const noexcept { return queue_; }
    /// Jobs admitted and not finished (running and waiting).
    std::size_t in_flight() const noexcept { return in_flight_.load(); }

    /// Runs `f()` on a hashing thread and resumes the caller on its own executor with the result (or the
    /// exception `f` threw). Throws error(unavailable) at once when `threads + queue` jobs are in flight.
    template <class F>
    boost::asio::awaitable<std::invoke_result_t<F&>> run(F f) {
        if (!admit())
            throw busy();
        // Released on the hashing thread when the job ends, whatever becomes of the waiting coroutine.
        auto job = [this, f = std::move(f)]() mutable {
            struct release {
                hash_pool* pool;
                ~release() { pool->in_flight_.fetch_sub(1); }
            } r{this};
            return f();
        };
        co_return co_await core::offload(pool_, std::move(job));
    }

    /// Waits for the jobs admitted so far and stops the threads (the server's shutdown).
    void join();

private:
    bool admit();
    static error busy();

    const std::size_t threads_;
    const std::size_t queue_;
    std::atomic<std::size_t> in_flight_{0};
    boost::asio::thread_pool pool_;
};

}  // namespace relais::auth
