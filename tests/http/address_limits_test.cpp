// Connections per client key: a key gets at most its cap of slots, a slot given back (destroyed, released,
// moved from) frees its place, and other keys are not affected.
#include "http/address_limits.hpp"

#include <doctest/doctest.h>

#include <vector>

using relais::http::address_limits;

TEST_CASE("address limits: a key holds at most its cap, others are unaffected, slots come back") {
    address_limits limits(3);
    std::vector<address_limits::slot> held;
    for (int i = 0; i < 3; ++i) {
        auto s = limits.acquire("127.0.0.1");
        REQUIRE(s);
        held.push_back(std::move(*s));
    }
    CHECK(limits.count("127.0.0.1") == 3);
    CHECK_FALSE(limits.acquire("127.0.0.1"));
    auto other = limits.acquire("2001:db8:1:2::/64");
    REQUIRE(other);
    CHECK(other->key() == "2001:db8:1:2::/64");
    CHECK(limits.keys() == 2);

    held.pop_back();  // destroyed: its place is free again
    CHECK(limits.count("127.0.0.1") == 2);
    auto again = limits.acquire("127.0.0.1");
    REQUIRE(again);
    again->release();
    again->release();  // idempotent
    CHECK(limits.count("127.0.0.1") == 2);

    address_limits::slot moved = std::move(held.front());
    CHECK(limits.count("127.0.0.1") == 2);  // a move does not count twice nor release
    held.clear();
    CHECK(limits.count("127.0.0.1") == 1);
    moved = address_limits::slot{};
    CHECK(limits.count("127.0.0.1") == 0);
    other.reset();
    CHECK(limits.keys() == 0);
}

TEST_CASE("address limits: 0 means no cap; slots may outlive the limits") {
    std::optional<address_limits::slot> survivor;
    {
        address_limits unlimited(0);
        std::vector<address_limits::slot> held;
        for (int i = 0; i < 1000; ++i)
            held.push_back(std::move(*unlimited.acquire("10.0.0.1")));
        CHECK(unlimited.count("10.0.0.1") == 1000);
        survivor = unlimited.acquire("10.0.0.1");
    }
    survivor.reset();  // no use after free (ASan would tell)
}
