#include "auth/hash_pool.hpp"

#include <unistd.h>

#include <algorithm>
#include <thread>

namespace relais::auth {

namespace {

constexpr std::size_t argon2_job_bytes = std::size_t{64} << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE

}  // namespace

hash_pool::hash_pool(std::size_t threads, std::size_t queue)
    : threads_(threads == 0 ? default_threads() : threads), queue_(queue), pool_(threads_) {}

hash_pool::~hash_pool() {
    join();
}

std::size_t hash_pool::default_threads() {
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page_size = ::sysconf(_SC_PAGESIZE);
    std::size_t by_memory = cores;
    if (pages > 0 && page_size > 0)
        by_memory =
            static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size) / 4 / argon2_job_bytes;
    return std::max<std::size_t>(1, std::min(cores, by_memory));
}

bool hash_pool::admit() {
    const std::size_t cap = threads_ + queue_;
    std::size_t n = in_flight_.load();
    do {
        if (n >= cap)
            return false;
    } while (!in_flight_.compare_exchange_weak(n, n + 1));
    return true;
}

error hash_pool::busy() {
    error e(error_kind::unavailable, "The server is busy checking passwords; please retry in a moment.");
    e.retry_after = std::chrono::seconds(1);
    return e;
}

void hash_pool::join() {
    pool_.join();
}

}  // namespace relais::auth
