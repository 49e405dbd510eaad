// The service's one route table (declared by the groups of api/*_routes.cpp) and the access decisions made
// from it.
#include "auth/access_rule.hpp"
#include "support/temp_dir.hpp"
#include "support/wired_server.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>

using namespace relais;
using auth::access_verdict;
using auth::role;
using wire::verb;

namespace {

auth::principal as(role r) {
    auth::principal p;
    p.user_id = "usr_test";
    p.r = r;
    return p;
}

/// The route table as the server declares it (on a store nothing is written to).
struct declared_routes {
    testing::temp_dir dir;
    std::unique_ptr<store::store> db;
    std::unique_ptr<testing::wired_server> wired;
    declared_routes() {
        store::store_options so;
        so.path = dir.file("routes.db");
        so.readers = 1;
        db = std::make_unique<store::store>(so);
        wired = std::make_unique<testing::wired_server>(*db);
    }
    ~declared_routes() {
        wired.reset();
        db->stop();
    }
};

const wire::route_table& table() {
    static declared_routes d;
    return d.wired->routes;
}

const auth::access_rule* find_rule(verb m, std::string_view pattern) {
    const auto* r = table().find(m, pattern);
    return r ? &r->access : nullptr;
}

}  // namespace

TEST_CASE("the table has no duplicate entries, every route allows someone and has a handler") {
    std::set<std::pair<verb, std::string_view>> seen;
    for (const auto& r : table().routes()) {
        INFO(to_string(r.method), " ", r.pattern);
        CHECK(seen.emplace(r.method, r.pattern).second);
        CHECK(r.access.allowed != 0);
        CHECK(r.pattern.starts_with("/"));
        CHECK(static_cast<bool>(r.h));
    }
    CHECK(seen.size() >= 60);
}

TEST_CASE(
    "only the resident pages show their refusals as pages; routes that audit never let answers be kept") {
    for (const auto& r : table().routes()) {
        INFO(to_string(r.method), " ", r.pattern);
        const bool page = !r.pattern.starts_with("/api/") && r.pattern != "/healthz" &&
                          r.pattern != "/readyz" && r.pattern != "/metrics";
        CHECK(static_cast<bool>(r.refusal) == page);
    }
    // Personal data: the residents', the volunteers' and the missions' (which carry a resident's contact).
    for (auto [m, pattern] : std::initializer_list<std::pair<verb, std::string_view>>{
             {verb::get, "/api/v1/residents/{id}"},
             {verb::get, "/api/v1/volunteers/{id}"},
             {verb::get, "/api/v1/missions/{id}"},
             {verb::get, "/api/v1/residents/{id}/export"}})
        CHECK(table().find(m, pattern)->data == wire::data_kind::personal);
    CHECK(table().find(verb::get, "/api/v1/programme")->data == wire::data_kind::plain);
}

TEST_CASE("deny by default: an unlisted route is refused for everyone") {
    CHECK(find_rule(verb::get, "/api/v1/nothing") == nullptr);
    CHECK(auth::decide_access(nullptr, std::nullopt, true) == access_verdict::unlisted);
    CHECK(auth::decide_access(nullptr, as(role::admin), true) == access_verdict::unlisted);
    // Method matters: DELETE of a listed path is not listed.
    CHECK(find_rule(verb::delete_, "/api/v1/users") == nullptr);
}

TEST_CASE("decisions for anonymous callers and each role") {
    auto decide = [](verb m, std::string_view pattern, std::optional<auth::principal> user,
                     bool loopback = false) {
        return auth::decide_access(find_rule(m, pattern), user, loopback);
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
    CHECK(find_rule(verb::post, "/api/v1/requests")->limit == auth::limit_by::form);
    CHECK(find_rule(verb::post, "/api/v1/volunteers")->limit == auth::limit_by::form);
    CHECK(find_rule(verb::get, "/api/v1/track/{tracking_code}")->limit == auth::limit_by::tracking);
    CHECK(find_rule(verb::get, "/api/v1/calendar/{token}")->limit == auth::limit_by::tracking);
    CHECK(find_rule(verb::get, "/api/v1/requests")->limit == auth::limit_by::method);
    CHECK((find_rule(verb::post, "/api/v1/auth/login")->flags & auth::flag_no_session_csrf) != 0);
    // Only public routes may skip the session's CSRF token (they act without the session's authority).
    for (const auto& r : table().routes())
        if (r.access.flags & auth::flag_no_session_csrf) {
            INFO(to_string(r.method), " ", r.pattern);
            CHECK((r.access.allowed & auth::aud_public) != 0);
        }
    // The session's own routes never skip it.
    for (auto pattern : {"/api/v1/auth/logout", "/api/v1/me/password", "/api/v1/users"})
        CHECK((find_rule(verb::post, pattern)->flags & auth::flag_no_session_csrf) == 0);
}

TEST_CASE("a volunteer awaiting validation may only see and edit their registration") {
    auto pending = as(role::volunteer);
    pending.awaiting_validation = true;
    auto decide = [&](verb m, std::string_view pattern) {
        return auth::decide_access(find_rule(m, pattern), pending, false);
    };
    using rules = std::initializer_list<std::pair<verb, std::string_view>>;
    for (auto [m, pattern] : rules{{verb::get, "/api/v1/me"},
                                   {verb::post, "/api/v1/auth/logout"},
                                   {verb::post, "/api/v1/me/password"},
                                   {verb::get, "/api/v1/me/volunteer"},
                                   {verb::patch, "/api/v1/me/volunteer"},
                                   {verb::get, "/api/v1/volunteers/{id}"},
                                   {verb::post, "/api/v1/volunteers/{id}/withdraw"},
                                   {verb::get, "/api/v1/programme"},
                                   {verb::post, "/api/v1/auth/login"}})
        CHECK_MESSAGE(decide(m, pattern) == access_verdict::allowed, std::string(pattern));
    for (auto [m, pattern] : rules{{verb::get, "/api/v1/me/missions"},
                                   {verb::get, "/api/v1/me/calendar"},
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
