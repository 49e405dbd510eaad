#include "auth/rate_limiter.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace relais::auth;
using namespace std::chrono_literals;

TEST_CASE("a limit of N events per window, with Retry-After") {
    rate_limiter rl;
    const auto t0 = rate_limiter::time_point{} + 1000s;
    for (int i = 0; i < 10; ++i) {
        CHECK_FALSE(rl.blocked("k", 10, 900s, t0 + std::chrono::seconds(i)));
        rl.record("k", 10, 900s, t0 + std::chrono::seconds(i));
    }
    auto wait = rl.blocked("k", 10, 900s, t0 + 10s);
    REQUIRE(wait);
    CHECK(*wait == 890s);  // the first event (t0) leaves the window at t0 + 900
    CHECK(rl.blocked("k", 10, 900s, t0 + 899s));
    CHECK_FALSE(rl.blocked("k", 10, 900s, t0 + 900s));  // sliding: one slot frees
    rl.record("k", 10, 900s, t0 + 900s);
    CHECK(rl.blocked("k", 10, 900s, t0 + 900s));
    CHECK_FALSE(rl.blocked("other", 10, 900s, t0 + 10s));  // keys are independent
}

TEST_CASE("hit() counts and refuses atomically; forget() clears") {
    rate_limiter rl;
    const auto t = rate_limiter::time_point{} + 50s;
    CHECK_FALSE(rl.hit("a", 2, 60s, t));
    CHECK_FALSE(rl.hit("a", 2, 60s, t));
    auto w = rl.hit("a", 2, 60s, t + 500ms);
    REQUIRE(w);
    CHECK(*w == 60s);  // rounded up to whole seconds, never 0
    CHECK(rl.hit("a", 2, 60s, t + 59s));
    CHECK(*rl.hit("a", 2, 60s, t + 59s + 900ms) == 1s);
    rl.forget("a");
    CHECK_FALSE(rl.hit("a", 2, 60s, t + 1s));
}

TEST_CASE("a limit of 0 switches the limiter off") {
    rate_limiter rl;
    const auto t = rate_limiter::time_point{};
    for (int i = 0; i < 1000; ++i)
        CHECK_FALSE(rl.hit("a", 0, 60s, t));
    CHECK(rl.size() == 0);
}

TEST_CASE("bounded: the least recently used key is forgotten first") {
    rate_limiter rl(3);
    const auto t = rate_limiter::time_point{} + 10s;
    rl.record("a", 1, 60s, t);
    rl.record("b", 1, 60s, t);
    rl.record("c", 1, 60s, t);
    rl.record("a", 1, 60s, t + 1s);  // a is now the most recent
    rl.record("d", 1, 60s, t + 2s);  // evicts b
    CHECK(rl.size() == 3);
    CHECK(rl.blocked("a", 1, 60s, t + 3s));
    CHECK_FALSE(rl.blocked("b", 1, 60s, t + 3s));
    CHECK(rl.blocked("c", 1, 60s, t + 3s));
    CHECK(rl.blocked("d", 1, 60s, t + 3s));
}

TEST_CASE("thread-safe under concurrent hits: exactly the limit gets through") {
    rate_limiter rl;
    const auto t = rate_limiter::time_point{} + 10s;
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            for (int j = 0; j < 1000; ++j)
                if (!rl.hit("shared", 100, 60s, t))
                    allowed++;
        });
    for (auto& th : threads)
        th.join();
    CHECK(allowed == 100);
}
