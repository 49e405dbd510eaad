#include "http/token_buckets.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using relais::http::token_buckets;
using namespace std::chrono_literals;

TEST_CASE("token buckets: a burst up to the limit, then calls come back at limit per window") {
    token_buckets b;
    const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
    for (int i = 0; i < 5; ++i)
        CHECK_FALSE(b.take("k", 5, 60s, t0).has_value());
    auto wait = b.take("k", 5, 60s, t0);
    REQUIRE(wait.has_value());
    CHECK(*wait == 12s);  // one call back every 60/5 s
    CHECK(b.take("k", 5, 60s, t0 + 11s).has_value());
    CHECK_FALSE(b.take("k", 5, 60s, t0 + 13s).has_value());
    CHECK(b.take("k", 5, 60s, t0 + 13s).has_value());
    // Other keys are independent; a limit of 0 counts nothing.
    CHECK_FALSE(b.take("other", 5, 60s, t0).has_value());
    for (int i = 0; i < 100; ++i)
        CHECK_FALSE(b.take("free", 0, 60s, t0).has_value());
    // A long pause refills to the limit, never beyond it.
    for (int i = 0; i < 5; ++i)
        CHECK_FALSE(b.take("k", 5, 60s, t0 + 3600s).has_value());
    CHECK(b.take("k", 5, 60s, t0 + 3600s).has_value());
}

TEST_CASE("token buckets: the wait is at least a second; the key count is bounded") {
    token_buckets b(32);
    const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
    CHECK_FALSE(b.take("fast", 1000, 1s, t0).has_value());
    for (int i = 0; i < 999; ++i)
        b.take("fast", 1000, 1s, t0);
    auto wait = b.take("fast", 1000, 1s, t0);
    REQUIRE(wait.has_value());
    CHECK(*wait == 1s);
    for (int i = 0; i < 1000; ++i)
        b.take("key" + std::to_string(i), 3, 60s, t0);
    CHECK(b.size() <= 32);
}

TEST_CASE("token buckets: exactly the limit passes when many threads take at once") {
    token_buckets b;
    const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i)
                if (!b.take("shared", 100, 600s, t0))
                    allowed++;
        });
    for (auto& t : threads)
        t.join();
    CHECK(allowed == 100);
}
