#include "http/router.hpp"

#include <doctest/doctest.h>

using namespace relais::http;

namespace {
relais::wire::route noop(verb method, std::string pattern) {
    return {method,
            std::move(pattern),
            {relais::auth::aud_public},
            "",
            relais::wire::data_kind::plain,
            [](relais::wire::request_context&) -> boost::asio::awaitable<response> { co_return response{}; }};
}
}  // namespace

TEST_CASE("router matches literals and captures") {
    relais::wire::route_table t;
    t.add(noop(verb::get, "/api/v1/volunteers"));
    t.add(noop(verb::post, "/api/v1/volunteers"));
    t.add(noop(verb::get, "/api/v1/volunteers/{id}"));
    t.add(noop(verb::get, "/api/v1/volunteers/idle"));
    t.add(noop(verb::post, "/api/v1/volunteers/{id}/activate"));
    const router r(t);

    auto m = r.match(verb::get, "/api/v1/volunteers/v_123");
    REQUIRE(m.target != nullptr);
    CHECK(m.target == t.find(verb::get, "/api/v1/volunteers/{id}"));
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

TEST_CASE("duplicate routes are refused, and routes nobody may call") {
    relais::wire::route_table t;
    t.add(noop(verb::get, "/a"));
    CHECK_THROWS(t.add(noop(verb::get, "/a")));
    CHECK_NOTHROW(t.add(noop(verb::post, "/a")));
    CHECK(t.routes().size() == 2);
    auto nobody = noop(verb::get, "/b");
    nobody.access.allowed = 0;
    CHECK_THROWS(t.add(std::move(nobody)));
    router r;
    r.add(t.routes()[0]);
    CHECK_THROWS(r.add(t.routes()[0]));
}

TEST_CASE("split_path") {
    CHECK(split_path("/").size() == 1);
    CHECK(split_path("/a/b").size() == 2);
    CHECK(split_path("/a/b/").size() == 3);
    CHECK(split_path("a").empty());
}
