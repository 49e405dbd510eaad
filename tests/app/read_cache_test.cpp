#include "api/read_cache.hpp"

#include <doctest/doctest.h>

using relais::api::read_cache;

TEST_CASE("read cache: an entry serves only under the generation it was read under") {
    read_cache cache(8, std::chrono::seconds(60));
    CHECK_FALSE(cache.find("/q", 1));
    cache.put("/q", std::make_shared<const std::string>("[1]"), 1);
    auto hit = cache.find("/q", 1);
    REQUIRE(hit);
    CHECK(*hit == "[1]");
    CHECK_FALSE(cache.find("/other", 1));
    CHECK_FALSE(cache.find("/q", 2));  // a commit changed the tables: dropped
    CHECK_FALSE(cache.find("/q", 1));  // and not served again
}

TEST_CASE("read cache: too old entries are not served; it stays bounded") {
    read_cache stale(8, std::chrono::seconds(0));
    stale.put("/q", std::make_shared<const std::string>("x"), 1);
    CHECK_FALSE(stale.find("/q", 1));

    read_cache small(4, std::chrono::seconds(60));
    for (int i = 0; i < 20; ++i)
        small.put("/q" + std::to_string(i), std::make_shared<const std::string>("x"), 1);
    CHECK(small.size() <= 4);
    CHECK(small.find("/q19", 1));
    small.put("/q19", std::make_shared<const std::string>("y"), 1);  // replacing does not empty it
    CHECK(*small.find("/q19", 1) == "y");
}
