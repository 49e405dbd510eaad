#include "domain/time_format.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <random>
#include <string>

using relais::domain::format_iso8601;

namespace {
/// What the C library says of `t` (the reference the digit-by-digit formatter must agree with).
std::string reference(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}
}  // namespace

TEST_CASE("format_iso8601 agrees with the C library over a wide range, edges included") {
    for (std::int64_t t : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{86399}, std::int64_t{86400},
                           std::int64_t{951782400} /* 2000-02-29 */, std::int64_t{1795428000},
                           std::int64_t{253402300799} /* 9999-12-31T23:59:59 */})
        CHECK(format_iso8601(t) == reference(t));
    // ISO 8601 wants four digits where strftime's %Y writes "1".
    CHECK(format_iso8601(-62135596800) == "0001-01-01T00:00:00Z");
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<std::int64_t> any(-2'000'000'000LL, 8'000'000'000LL);
    for (int i = 0; i < 20000; ++i) {
        const auto t = any(rng);
        REQUIRE(format_iso8601(t) == reference(t));
    }
}
