#include "domain/ids.hpp"

#include <doctest/doctest.h>
#include <sodium.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

using relais::domain::new_id;

TEST_CASE("domain ids: prefix, 20 base32 characters, unique, ordered by creation time") {
    REQUIRE(sodium_init() >= 0);
    std::set<std::string> seen;
    std::string previous;
    for (int i = 0; i < 2000; ++i) {
        auto id = new_id("req");
        REQUIRE(id.size() == 24);
        CHECK(id.starts_with("req_"));
        for (char c : id.substr(4))
            CHECK(std::string("0123456789abcdefghjkmnpqrstvwxyz").find(c) != std::string::npos);
        // The time prefix never goes backwards (a later id sorts after, or in the same millisecond).
        if (!previous.empty())
            CHECK(id.substr(0, 13) >= previous.substr(0, 13));
        previous = id;
        seen.insert(id);
    }
    CHECK(seen.size() == 2000);
    auto a = new_id("req");
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    auto b = new_id("req");
    CHECK(a < b);
    // The random part does vary within one millisecond.
    std::set<std::string> tails;
    for (int i = 0; i < 50; ++i)
        tails.insert(new_id("x").substr(11));
    CHECK(tails.size() == 50);
}
