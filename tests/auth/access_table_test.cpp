#include "api/routes.hpp"
#include "app/app_context.hpp"
#include "auth/access_table.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>

using namespace relais;
using auth::access_verdict;
using auth::role;
using http::verb;

namespace {

auth::principal as(role r) {
    auth::principal p;
    p.user_id = "usr_test";
    p.r = r;
    return p;
}

}  // namespace

TEST_CASE("every registered route has an access rule, and every rule names a registered route") {
    testing::temp_dir dir;
    store::store_options so;
    so.path = dir.file("routes.db");
    store::store db(so);
    app::config cfg;
    app::metrics stats;
    app::clock clk(false);
    boost::asio::thread_pool workers(1);
    app::app_context app{cfg, db, stats, clk, workers, {}};
    api::register_routes(app);

    std::set<std::pair<verb, std::string>> registered;
    for (const auto& [method, pattern] : app.routes.routes()) {
        registered.emplace(method, pattern);
        INFO(to_string(method), " ", pattern);
        CHECK_MESSAGE(auth::find_access_rule(method, pattern) != nullptr,
                      "registered route missing from service/auth/access_table.cpp (it would be refused)");
    }
    std::ostringstream missing;
    for (const auto& rule : auth::access_table())
        if (!registered.contains({rule.method, std::string(rule.pattern)}))
            missing << "\n  " << to_string(rule.method) << " " << rule.pattern;
    if (!missing.str().empty())
        MESSAGE("access-table entries without a registered route (not implemented yet?):" << missing.str());

    workers.join();
    db.stop();
}

TEST_CASE("the table has no duplicate entries and every rule allows someone") {
    std::set<std::pair<verb, std::string_view>> seen;
    for (const auto& rule : auth::access_table()) {
        INFO(to_string(rule.method), " ", rule.pattern);
        CHECK(seen.emplace(rule.method, rule.pattern).second);
        CHECK(rule.allowed != 0);
        CHECK(rule.pattern.starts_with("/"));
    }
    CHECK(seen.size() >= 60);
}

TEST_CASE("deny by default: an unlisted route is refused for everyone") {
    CHECK(auth::find_access_rule(verb::get, "/api/v1/nothing") == nullptr);
    CHECK(auth::decide_access(nullptr, std::nullopt, true) == access_verdict::unlisted);
    CHECK(auth::decide_access(nullptr, as(role::admin), true) == access_verdict::unlisted);
    // Method matters: DELETE of a listed path is not listed.
    CHECK(auth::find_access_rule(verb::delete_, "/api/v1/users") == nullptr);
}

TEST_CASE("decisions for anonymous callers and each role") {
    auto decide = [](verb m, std::string_view pattern, std::optional<auth::principal> user, bool loopback = false) {
        return auth::decide_access(auth::find_access_rule(m, pattern), user, loopback);
    };
    // Public routes.
    CHECK(decide(verb::post, "/api/v1/auth/login", std::nullopt) == access_verdict::allowed);
    CHECK(decide(verb::post, "/api/v1/requests", std::nullopt) == access_verdict::allowed);
    CHECK(decide(verb::post, "/api/v1/volunteers", std::nullopt) == access_verdict::allowed);
    CHECK(decide(verb::get, "/api/v1/track/{tracking_code}", std::nullopt) == access_verdict::allowed);
    // Signed-in routes: 401 anonymous, allowed to any role.
    CHECK(decide(verb::get, "/api/v1/me", std::nullopt) == access_verdict::unauthenticated);
    for (auto r : {role::volunteer, role::partner, role::coordinator, role::admin})
        CHECK(decide(verb::get, "/api/v1/me", as(r)) == access_verdict::allowed);
    // Admin only.
    CHECK(decide(verb::get, "/api/v1/users", std::nullopt) == access_verdict::unauthenticated);
    CHECK(decide(verb::get, "/api/v1/users", as(role::coordinator)) == access_verdict::forbidden);
    CHECK(decide(verb::get, "/api/v1/users", as(role::volunteer)) == access_verdict::forbidden);
    CHECK(decide(verb::post, "/api/v1/users", as(role::admin)) == access_verdict::allowed);
    CHECK(decide(verb::get, "/api/v1/audit", as(role::coordinator)) == access_verdict::forbidden);
    CHECK(decide(verb::patch, "/api/v1/programme", as(role::coordinator)) == access_verdict::forbidden);
    // Staff only: residents' data.
    CHECK(decide(verb::get, "/api/v1/residents/{id}", as(role::volunteer)) == access_verdict::forbidden);
    CHECK(decide(verb::get, "/api/v1/residents/{id}", as(role::partner)) == access_verdict::forbidden);
    CHECK(decide(verb::get, "/api/v1/residents/{id}", as(role::coordinator)) == access_verdict::allowed);
    CHECK(decide(verb::get, "/api/v1/requests/{id}", as(role::partner)) == access_verdict::forbidden);
    // Volunteer-only routes are not for staff.
    CHECK(decide(verb::post, "/api/v1/collective-missions/{id}/signup", as(role::coordinator)) ==
          access_verdict::forbidden);
    CHECK(decide(verb::post, "/api/v1/collective-missions/{id}/signup", as(role::volunteer)) ==
          access_verdict::allowed);
    CHECK(decide(verb::get, "/api/v1/supports", as(role::partner)) == access_verdict::allowed);
    CHECK(decide(verb::get, "/api/v1/supports", as(role::volunteer)) == access_verdict::forbidden);
    // /metrics: admin, or anyone on loopback.
    CHECK(decide(verb::get, "/metrics", std::nullopt, true) == access_verdict::allowed);
    CHECK(decide(verb::get, "/metrics", std::nullopt, false) == access_verdict::unauthenticated);
    CHECK(decide(verb::get, "/metrics", as(role::coordinator), false) == access_verdict::forbidden);
    CHECK(decide(verb::get, "/metrics", as(role::admin), false) == access_verdict::allowed);
}

TEST_CASE("flags: public forms are rate-limited, login does not need the old session's CSRF token") {
    CHECK(auth::find_access_rule(verb::post, "/api/v1/requests")->limit == auth::limit_by::form);
    CHECK(auth::find_access_rule(verb::post, "/api/v1/volunteers")->limit == auth::limit_by::form);
    CHECK(auth::find_access_rule(verb::get, "/api/v1/track/{tracking_code}")->limit == auth::limit_by::tracking);
    CHECK(auth::find_access_rule(verb::get, "/api/v1/calendar/{token}")->limit == auth::limit_by::tracking);
    CHECK(auth::find_access_rule(verb::get, "/api/v1/requests")->limit == auth::limit_by::method);
    CHECK((auth::find_access_rule(verb::post, "/api/v1/auth/login")->flags & auth::flag_no_session_csrf) != 0);
    // Only public routes may skip the session's CSRF token (they act without the session's authority).
    for (const auto& rule : auth::access_table())
        if (rule.flags & auth::flag_no_session_csrf) {
            INFO(to_string(rule.method), " ", rule.pattern);
            CHECK((rule.allowed & auth::aud_public) != 0);
        }
    // The session's own routes never skip it.
    for (auto pattern : {"/api/v1/auth/logout", "/api/v1/me/password", "/api/v1/users"})
        CHECK((auth::find_access_rule(verb::post, pattern)->flags & auth::flag_no_session_csrf) == 0);
}

TEST_CASE("a volunteer awaiting validation may only see and edit their registration") {
    auto pending = as(role::volunteer);
    pending.awaiting_validation = true;
    auto decide = [&](verb m, std::string_view pattern) {
        return auth::decide_access(auth::find_access_rule(m, pattern), pending, false);
    };
    using rules = std::initializer_list<std::pair<verb, std::string_view>>;
    for (auto [m, pattern] : rules{{verb::get, "/api/v1/me"}, {verb::post, "/api/v1/auth/logout"},
                              {verb::post, "/api/v1/me/password"}, {verb::get, "/api/v1/me/volunteer"},
                              {verb::patch, "/api/v1/me/volunteer"}, {verb::get, "/api/v1/volunteers/{id}"},
                              {verb::post, "/api/v1/volunteers/{id}/withdraw"}, {verb::get, "/api/v1/programme"},
                              {verb::post, "/api/v1/auth/login"}})
        CHECK_MESSAGE(decide(m, pattern) == access_verdict::allowed, std::string(pattern));
    for (auto [m, pattern] : rules{{verb::get, "/api/v1/me/missions"}, {verb::get, "/api/v1/me/calendar"},
                              {verb::post, "/api/v1/missions/{id}/accept"},
                              {verb::get, "/api/v1/collective-missions"},
                              {verb::post, "/api/v1/volunteers/{id}/pause"}})
        CHECK_MESSAGE(decide(m, pattern) == access_verdict::awaiting_validation, std::string(pattern));
    // A role check still comes first.
    CHECK(decide(verb::get, "/api/v1/requests") == access_verdict::forbidden);
    // Validated, the same volunteer is let through.
    pending.awaiting_validation = false;
    CHECK(decide(verb::get, "/api/v1/me/missions") == access_verdict::allowed);
}
