// The accept loop's back-off: pauses growing from 50 to 500 ms while accepts fail, back to 50 ms after a
// success, and one report per 5 seconds with the number of errors (not a line per error).
#include "http/accept_backoff.hpp"

#include <doctest/doctest.h>

using relais::http::accept_backoff;
using namespace std::chrono_literals;

TEST_CASE("accept back-off: growing pauses, one report per interval with the count") {
    accept_backoff b;
    auto t = accept_backoff::clock::time_point{} + 1h;
    auto first = b.failed(t);
    CHECK(first.pause == 50ms);
    REQUIRE(first.report);
    CHECK(*first.report == 1);  // the first error is reported at once
    std::chrono::milliseconds waited{0};
    std::uint64_t reports = 0, reported = 1;
    std::chrono::milliseconds last{first.pause};
    // Ten seconds of failures: at most 20 attempts a second, three reports.
    t += first.pause;
    waited += first.pause;
    int attempts = 1;
    while (waited < 10500ms) {
        auto s = b.failed(t);
        CHECK(s.pause >= last);
        CHECK(s.pause <= 500ms);
        last = s.pause;
        if (s.report) {
            ++reports;
            reported += *s.report;
        }
        t += s.pause;
        waited += s.pause;
        ++attempts;
    }
    CHECK(last == 500ms);
    CHECK(attempts < 30);
    CHECK(reports == 2);                                      // at 5 s and at 10 s
    CHECK(reported <= static_cast<std::uint64_t>(attempts));  // each error counted once at most
    b.succeeded();
    CHECK(b.failed(t).pause == 50ms);
}
