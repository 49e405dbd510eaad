#include "http/problem.hpp"

#include <doctest/doctest.h>
#include <boost/json/parse.hpp>

using namespace relais;

TEST_CASE("typed errors map to problem+json with the right status") {
    struct row {
        error_kind kind;
        unsigned status;
    };
    const row rows[] = {{error_kind::bad_request, 400},        {error_kind::unauthorized, 401},
                        {error_kind::forbidden, 403},          {error_kind::not_found, 404},
                        {error_kind::method_not_allowed, 405}, {error_kind::conflict, 409},
                        {error_kind::payload_too_large, 413},  {error_kind::unsupported_media_type, 415},
                        {error_kind::validation, 422},         {error_kind::too_many_requests, 429},
                        {error_kind::headers_too_large, 431},  {error_kind::unavailable, 503}};
    for (const auto& r : rows) {
        auto res = http::problem_response(error(r.kind, "why"), 11, true);
        CHECK(res.result_int() == r.status);
        CHECK(res[boost::beast::http::field::content_type] == "application/problem+json");
        auto body = boost::json::parse(res.body()).as_object();
        CHECK(body.at("status").as_int64() == r.status);
        CHECK(body.at("detail").as_string() == "why");
        CHECK(body.at("type").as_string().starts_with("/problems/"));
        CHECK(!body.at("title").as_string().empty());
    }
}

TEST_CASE("validation errors list each field") {
    auto e = validation_error({{"resident.phone", "not a phone number"}, {"window.until", "before from"}});
    auto res = http::problem_response(e, 11, true);
    auto body = boost::json::parse(res.body()).as_object();
    auto& errs = body.at("errors").as_array();
    REQUIRE(errs.size() == 2);
    CHECK(errs[0].at("field").as_string() == "resident.phone");
    CHECK(errs[1].at("field").as_string() == "window.until");
}

TEST_CASE("405 carries Allow and 429 carries Retry-After") {
    error e(error_kind::method_not_allowed, "no");
    e.allow = "GET, POST";
    auto res = http::problem_response(e, 11, true);
    CHECK(res[boost::beast::http::field::allow] == "GET, POST");
    error t(error_kind::too_many_requests, "slow down");
    t.retry_after = std::chrono::seconds(42);
    CHECK(http::problem_response(t, 11, true)[boost::beast::http::field::retry_after] == "42");
}

TEST_CASE("unexpected exceptions become a bare 500 with no internals") {
    auto ep =
        std::make_exception_ptr(std::runtime_error("SQLITE_ERROR near SELECT password_hash FROM users"));
    auto res = http::problem_response(ep, 11, false);
    CHECK(res.result_int() == 500);
    CHECK(res.body().find("SELECT") == std::string::npos);
    CHECK(res.body().find("password") == std::string::npos);
    auto body = boost::json::parse(res.body()).as_object();
    CHECK(body.at("status").as_int64() == 500);
}
