#include "http/call_throttle.hpp"

#include "core/error.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using relais::http::call_throttle;

namespace {

relais::auth::access_rule rule_of(relais::auth::limit_by limit) {
    relais::auth::access_rule r;
    r.limit = limit;
    return r;
}

/// How many of `n` calls pass before the throttle refuses.
int passed(call_throttle& t, const relais::auth::access_rule& rule, bool unsafe, std::string_view route,
           const std::optional<relais::auth::principal>& user, std::string_view address, int n) {
    int ok = 0;
    for (int i = 0; i < n; ++i) {
        try {
            t.check(rule, unsafe, route, user, address);
            ++ok;
        } catch (const relais::error& e) {
            CHECK(e.kind() == relais::error_kind::too_many_requests);
            CHECK(e.retry_after.count() > 0);
        }
    }
    return ok;
}

}  // namespace

TEST_CASE("call throttle: a public form counts per address and per route, an IPv6 address by its /64") {
    call_throttle t(relais::http::call_policy_of(3, 600s, ""));
    const auto form = rule_of(relais::auth::limit_by::form);
    CHECK(passed(t, form, true, "/api/v1/requests", std::nullopt, "2001:db8::1", 5) == 3);
    // Another address of the same /64 shares the allowance; another /64 does not.
    CHECK(passed(t, form, true, "/api/v1/requests", std::nullopt, "2001:db8::2", 1) == 0);
    CHECK(passed(t, form, true, "/api/v1/requests", std::nullopt, "2001:db8:0:1::1", 1) == 1);
    // Another form route has its own allowance.
    CHECK(passed(t, form, true, "/api/v1/volunteers", std::nullopt, "2001:db8::1", 1) == 1);
}

TEST_CASE("call throttle: routes without a limit are never counted; a limit of 0 is off") {
    call_throttle t(relais::http::call_policy_of(1, 600s, ""));
    CHECK(passed(t, rule_of(relais::auth::limit_by::none), true, "/x", std::nullopt, "192.0.2.1", 50) == 50);
    call_throttle off(relais::http::call_policy_of(0, 600s, ""));
    CHECK(passed(off, rule_of(relais::auth::limit_by::form), true, "/x", std::nullopt, "192.0.2.1", 50) ==
          50);
}

TEST_CASE("call throttle: the limit holds under many simultaneous callers from one address") {
    call_throttle t(relais::http::call_policy_of(20, 600s, ""));
    const auto form = rule_of(relais::auth::limit_by::form);
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            for (int j = 0; j < 25; ++j) {
                try {
                    t.check(form, true, "/api/v1/requests", std::nullopt, "198.51.100.7");
                    ++ok;
                } catch (const relais::error&) {
                }
            }
        });
    for (auto& th : threads)
        th.join();
    CHECK(ok.load() == 20);
}
