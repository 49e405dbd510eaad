#include "wire/request_checks.hpp"
#include "auth/token.hpp"

#include <doctest/doctest.h>

using namespace relais::wire;
using boost::beast::http::verb;

TEST_CASE("unsafe methods") {
    CHECK(is_unsafe_method(verb::post));
    CHECK(is_unsafe_method(verb::patch));
    CHECK(is_unsafe_method(verb::put));
    CHECK(is_unsafe_method(verb::delete_));
    CHECK_FALSE(is_unsafe_method(verb::get));
    CHECK_FALSE(is_unsafe_method(verb::head));
    CHECK_FALSE(is_unsafe_method(verb::options));
}

TEST_CASE("cookie header parsing") {
    CHECK(cookie_value("relais_session=abc", "relais_session") == "abc");
    CHECK(cookie_value("a=1; relais_session=abc; b=2", "relais_session") == "abc");
    CHECK(cookie_value("a=1;relais_session=\"abc\"", "relais_session") == "abc");
    CHECK_FALSE(cookie_value("xrelais_session=abc", "relais_session"));
    CHECK_FALSE(cookie_value("", "relais_session"));
    CHECK_FALSE(cookie_value("relais_session", "relais_session"));
    CHECK(cookie_value("__Host-relais_session=t; relais_session=u", "__Host-relais_session") == "t");
}

TEST_CASE("same origin: scheme-default ports, case, and refusals") {
    CHECK(same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
    CHECK(same_origin("https://relais.example.org", "relais.example.org"));
    CHECK(same_origin("https://relais.example.org", "relais.example.org:443"));
    CHECK(same_origin("http://Relais.Example.org", "relais.example.org:80"));
    CHECK(same_origin("http://[::1]:8080", "[::1]:8080"));
    CHECK_FALSE(same_origin("http://evil.example", "relais.example.org"));
    CHECK_FALSE(same_origin("http://127.0.0.1:8081", "127.0.0.1:8080"));
    CHECK_FALSE(same_origin("https://relais.example.org:8443", "relais.example.org"));
    CHECK_FALSE(same_origin("null", "relais.example.org"));
    CHECK_FALSE(same_origin("ftp://relais.example.org", "relais.example.org"));
    CHECK_FALSE(same_origin("https://relais.example.org/path", "relais.example.org"));
    CHECK_FALSE(same_origin("https://user@relais.example.org", "relais.example.org"));
    CHECK_FALSE(same_origin("https://relais.example.org", ""));
    CHECK_FALSE(same_origin("https://", ""));
}

TEST_CASE("CSRF check") {
    const std::string csrf = relais::auth::new_token();
    const std::string csrf_hash = relais::auth::hash_token(csrf);
    csrf_input in{verb::post, true, true, csrf, csrf_hash, std::nullopt, "127.0.0.1:8080"};
    CHECK(check_csrf(in) == csrf_verdict::ok);

    SUBCASE("missing token") {
        in.header_token = "";
        CHECK(check_csrf(in) == csrf_verdict::missing_token);
    }
    SUBCASE("wrong token") {
        const std::string other = relais::auth::new_token();
        in.header_token = other;
        CHECK(check_csrf(in) == csrf_verdict::wrong_token);
        in.header_token = csrf_hash;  // the stored hash is not the token
        CHECK(check_csrf(in) == csrf_verdict::wrong_token);
    }
    SUBCASE("cross-origin, even with a good token and even without a session") {
        in.origin = "http://evil.example";
        CHECK(check_csrf(in) == csrf_verdict::cross_origin);
        in.has_session = false;
        CHECK(check_csrf(in) == csrf_verdict::cross_origin);
    }
    SUBCASE("same origin with token") {
        in.origin = "http://127.0.0.1:8080";
        CHECK(check_csrf(in) == csrf_verdict::ok);
    }
    SUBCASE("no session: no token needed") {
        in.has_session = false;
        in.header_token = "";
        CHECK(check_csrf(in) == csrf_verdict::ok);
    }
    SUBCASE("routes not acting on the session (login) need no token but still same origin") {
        in.session_token_required = false;
        in.header_token = "";
        CHECK(check_csrf(in) == csrf_verdict::ok);
        in.origin = "https://evil.example";
        CHECK(check_csrf(in) == csrf_verdict::cross_origin);
    }
    SUBCASE("safe methods are not checked") {
        in.method = verb::get;
        in.header_token = "";
        in.origin = "http://evil.example";
        CHECK(check_csrf(in) == csrf_verdict::ok);
    }
}

TEST_CASE("client address: X-Forwarded-For only behind a proxy") {
    CHECK(client_address("10.0.0.5", "203.0.113.9", false) == "10.0.0.5");
    CHECK(client_address("127.0.0.1", "203.0.113.9", true) == "203.0.113.9");
    // The rightmost entry is the one our proxy added; earlier ones are the client's word.
    CHECK(client_address("127.0.0.1", "127.0.0.1, 203.0.113.9", true) == "203.0.113.9");
    CHECK(client_address("127.0.0.1", " 2001:db8::1 ", true) == "2001:db8::1");
    CHECK(client_address("127.0.0.1", "not-an-ip", true) == "127.0.0.1");
    CHECK(client_address("127.0.0.1", "", true) == "127.0.0.1");
}

TEST_CASE("loopback addresses") {
    CHECK(is_loopback("127.0.0.1"));
    CHECK(is_loopback("127.1.2.3"));
    CHECK(is_loopback("::1"));
    CHECK(is_loopback("::ffff:127.0.0.1"));
    CHECK_FALSE(is_loopback("10.0.0.1"));
    CHECK_FALSE(is_loopback("::ffff:10.0.0.1"));
    CHECK_FALSE(is_loopback("unknown"));
    CHECK_FALSE(is_loopback(""));
}

TEST_CASE("per-address limits count an IPv6 client by its /64") {
    CHECK(client_key("203.0.113.9") == "203.0.113.9");
    CHECK(client_key("::ffff:203.0.113.9") == "203.0.113.9");
    CHECK(client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64");
    CHECK(client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9"));
    CHECK(client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1"));
    CHECK(client_key("::1") == "::/64");
    CHECK(client_key("unknown") == "unknown");
}
