#include "auth/login_throttle.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using relais::auth::login_policy;
using relais::auth::login_throttle;
using namespace std::chrono_literals;

namespace {

using ticket = login_throttle::ticket;
const auto t0 = std::chrono::steady_clock::time_point{} + 1000h;

bool allowed(const std::variant<ticket, std::chrono::seconds>& r) {
    return std::holds_alternative<ticket>(r);
}

}  // namespace

TEST_CASE("login throttle: a reservation counts as a failure until it succeeds") {
    login_throttle t;
    const login_policy p{3, 100, 60s};
    for (int i = 0; i < 3; ++i)
        CHECK(allowed(t.reserve("acct", "A", p, t0)));
    auto blocked = t.reserve("acct", "A", p, t0);
    REQUIRE_FALSE(allowed(blocked));
    CHECK(std::get<std::chrono::seconds>(blocked) == 60s);
    // The window slides: the oldest reservations leave it.
    CHECK(allowed(t.reserve("acct", "A", p, t0 + 61s)));
}

TEST_CASE("login throttle: a success releases its reservation and forgets this address's failures") {
    login_throttle t;
    const login_policy p{3, 100, 60s};
    CHECK(allowed(t.reserve("acct", "A", p, t0)));
    CHECK(allowed(t.reserve("acct", "A", p, t0)));
    auto r = t.reserve("acct", "A", p, t0);
    REQUIRE(allowed(r));
    t.succeeded(std::get<ticket>(r));
    // The (account, address) failures are forgotten, but the address keeps its two failures: one more.
    CHECK(allowed(t.reserve("acct", "A", p, t0)));
    CHECK_FALSE(allowed(t.reserve("acct", "A", p, t0)));
}

TEST_CASE("login throttle: a cancelled check gives its reservation back") {
    login_throttle t;
    const login_policy p{1, 100, 60s};
    auto r = t.reserve("acct", "A", p, t0);
    REQUIRE(allowed(r));
    t.cancelled(std::get<ticket>(r));
    CHECK(allowed(t.reserve("acct", "A", p, t0)));
}

TEST_CASE("login throttle: failures from one address never block the owner at another") {
    login_throttle t;
    const login_policy p{3, 5, 900s};
    for (int i = 0; i < 3; ++i)
        CHECK(allowed(t.reserve("acct", "A", p, t0)));
    CHECK_FALSE(allowed(t.reserve("acct", "A", p, t0)));
    // Even once the account is over its own threshold (failures from several addresses)...
    for (int i = 0; i < 2; ++i)
        CHECK(allowed(t.reserve("acct", "C", p, t0)));
    // ...an address that never failed on the account is checked at once.
    auto owner = t.reserve("acct", "B", p, t0);
    REQUIRE(allowed(owner));
    t.succeeded(std::get<ticket>(owner));
    CHECK_FALSE(allowed(t.reserve("acct", "A", p, t0 + 1s)));
}

TEST_CASE("login throttle: past the account threshold, failed addresses wait growing delays") {
    login_throttle t;
    const login_policy p{10, 4, 900s};
    // Four addresses fail once each: the account reaches its threshold.
    for (const char* a : {"A", "B", "C", "D"})
        CHECK(allowed(t.reserve("acct", a, p, t0)));
    // A failed once: it waits 2 s after its failure, then may try again.
    auto wait = t.reserve("acct", "A", p, t0);
    REQUIRE_FALSE(allowed(wait));
    CHECK(std::get<std::chrono::seconds>(wait) == 2s);
    CHECK(allowed(t.reserve("acct", "A", p, t0 + 2s)));
    // Now two failures: 4 s.
    auto wait2 = t.reserve("acct", "A", p, t0 + 3s);
    REQUIRE_FALSE(allowed(wait2));
    CHECK(std::get<std::chrono::seconds>(wait2) == 3s);
    CHECK(allowed(t.reserve("acct", "A", p, t0 + 6s)));
    // A fresh address is not braked; other accounts are not affected.
    CHECK(allowed(t.reserve("acct", "E", p, t0 + 6s)));
    CHECK(allowed(t.reserve("other", "A", p, t0 + 6s)));
    CHECK(login_throttle::brake_delay(30, 900s) == 900s);
}

TEST_CASE("login throttle: concurrent reservations never exceed the limit") {
    login_throttle t;
    const login_policy p{7, 100, 900s};
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&] {
            for (int k = 0; k < 50; ++k)
                if (allowed(t.reserve("acct", "A", p, t0)))
                    ++granted;
        });
    for (auto& th : threads)
        th.join();
    CHECK(granted.load() == 7);
}
