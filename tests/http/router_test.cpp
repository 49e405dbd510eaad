#include "http/router.hpp"

#include <doctest/doctest.h>

using namespace relais::http;

namespace {
handler noop() {
    return [](request_context&) -> boost::asio::awaitable<response> { co_return response{}; };
}
}  // namespace

TEST_CASE("router matches literals and captures") {
    router r;
    r.add(verb::get, "/api/v1/volunteers", noop());
    r.add(verb::post, "/api/v1/volunteers", noop());
    r.add(verb::get, "/api/v1/volunteers/{id}", noop());
    r.add(verb::get, "/api/v1/volunteers/idle", noop());
    r.add(verb::post, "/api/v1/volunteers/{id}/activate", noop());

    auto m = r.match(verb::get, "/api/v1/volunteers/v_123");
    REQUIRE(m.target != nullptr);
    CHECK(m.pattern == "/api/v1/volunteers/{id}");
    REQUIRE(m.params.size() == 1);
    CHECK(m.params[0].first == "id");
    CHECK(m.params[0].second == "v_123");

    SUBCASE("a literal segment beats a capture") {
        auto idle = r.match(verb::get, "/api/v1/volunteers/idle");
        REQUIRE(idle.target != nullptr);
        CHECK(idle.pattern == "/api/v1/volunteers/idle");
        CHECK(idle.params.empty());
    }
    SUBCASE("unknown path is not known") {
        auto none = r.match(verb::get, "/api/v1/nothing");
        CHECK(none.target == nullptr);
        CHECK_FALSE(none.path_known);
    }
    SUBCASE("wrong method gives the allowed ones") {
        auto wrong = r.match(verb::delete_, "/api/v1/volunteers");
        CHECK(wrong.target == nullptr);
        CHECK(wrong.path_known);
        CHECK(wrong.allow == "GET, POST");
        auto wrong2 = r.match(verb::get, "/api/v1/volunteers/x/activate");
        CHECK(wrong2.path_known);
        CHECK(wrong2.allow == "POST");
    }
    SUBCASE("empty capture does not match") {
        auto m2 = r.match(verb::post, "/api/v1/volunteers//activate");
        CHECK(m2.target == nullptr);
        CHECK_FALSE(m2.path_known);
    }
    SUBCASE("trailing slash is a different path") {
        CHECK(r.match(verb::get, "/api/v1/volunteers/").target == nullptr);
    }
    SUBCASE("relative or empty paths never match") {
        CHECK(r.match(verb::get, "").target == nullptr);
        CHECK(r.match(verb::get, "api/v1/volunteers").target == nullptr);
    }
}

TEST_CASE("duplicate routes are refused") {
    router r;
    r.add(verb::get, "/a", noop());
    CHECK_THROWS(r.add(verb::get, "/a", noop()));
    CHECK_NOTHROW(r.add(verb::post, "/a", noop()));
    CHECK(r.routes().size() == 2);
}

TEST_CASE("split_path") {
    CHECK(split_path("/").size() == 1);
    CHECK(split_path("/a/b").size() == 2);
    CHECK(split_path("/a/b/").size() == 3);
    CHECK(split_path("a").empty());
}
