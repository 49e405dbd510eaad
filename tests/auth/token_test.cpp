#include "auth/token.hpp"

#include <doctest/doctest.h>
#include <sodium.h>

#include <set>

using namespace relais::auth;

TEST_CASE("session tokens are 256 random bits in hex, and differ") {
    REQUIRE(sodium_init() >= 0);
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto t = new_token();
        CHECK(t.size() == 64);
        CHECK(well_formed_token(t));
        seen.insert(t);
    }
    CHECK(seen.size() == 100);
}

TEST_CASE("token hashing is SHA-256 in lowercase hex") {
    // FIPS 180-2 test vector.
    CHECK(hash_token("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hash_token("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    auto t = new_token();
    CHECK(hash_token(t) != t);
    CHECK(hash_token(t) == hash_token(t));
}

TEST_CASE("constant-time comparison") {
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
    CHECK_FALSE(constant_time_equal("", "a"));
    CHECK(constant_time_equal("", ""));
}

TEST_CASE("ids: prefix and 16 lowercase base32 characters") {
    REQUIRE(sodium_init() >= 0);
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        auto id = new_id("usr_");
        REQUIRE(id.size() == 20);
        CHECK(id.starts_with("usr_"));
        for (char c : id.substr(4))
            CHECK(((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')));
        seen.insert(id);
    }
    CHECK(seen.size() == 200);
}

TEST_CASE("well-formed tokens only") {
    CHECK_FALSE(well_formed_token(""));
    CHECK_FALSE(well_formed_token(std::string(63, 'a')));
    CHECK_FALSE(well_formed_token(std::string(64, 'g')));
    CHECK_FALSE(well_formed_token(std::string(64, 'A')));  // upper case is not what new_token makes
    CHECK(well_formed_token(std::string(64, 'f')));
}
