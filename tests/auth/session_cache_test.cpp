#include "auth/session_cache.hpp"

#include <doctest/doctest.h>

using namespace relais::auth;

namespace {
session_record record(const std::string& hash, std::int64_t last_seen, std::int64_t expires) {
    session_record s;
    s.user.user_id = "usr_1";
    s.user.session_id = hash;
    s.csrf_hash = "c";
    s.last_seen_at = last_seen;
    s.expires_at = expires;
    return s;
}
}  // namespace

TEST_CASE("session cache: a hit only under the same generation, within expiry and idle time") {
    session_cache cache(100, std::chrono::seconds(60));
    const std::int64_t now = 1'000'000;
    CHECK_FALSE(cache.find("h1", 7, now, 600));
    cache.put(record("h1", now - 10, now + 3600), 7);
    auto hit = cache.find("h1", 7, now, 600);
    REQUIRE(hit);
    CHECK(hit->user.user_id == "usr_1");
    CHECK(hit->csrf_hash == "c");
    // Another commit touched the session tables: the entry is dropped, the database must be asked.
    CHECK_FALSE(cache.find("h1", 8, now, 600));
    CHECK_FALSE(cache.find("h1", 7, now, 600));

    cache.put(record("h2", now - 10, now + 5), 3);
    CHECK(cache.find("h2", 3, now + 4, 600));
    CHECK_FALSE(cache.find("h2", 3, now + 5, 600));  // past its absolute expiry

    cache.put(record("h3", now - 10, now + 3600), 3);
    CHECK(cache.find("h3", 3, now + 590, 600));
    CHECK_FALSE(cache.find("h3", 3, now + 591, 600));  // idle for too long
}

TEST_CASE("session cache: entries older than max_age are not used; the cache stays bounded") {
    session_cache stale(100, std::chrono::seconds(0));
    stale.put(record("h", 0, 100), 1);
    CHECK_FALSE(stale.find("h", 1, 1, 600));

    session_cache small(3, std::chrono::seconds(60));
    for (int i = 0; i < 10; ++i)
        small.put(record("h" + std::to_string(i), 0, 100), 1);
    CHECK(small.size() <= 3);
    CHECK(small.find("h9", 1, 1, 600));
}
