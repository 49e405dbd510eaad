// The resident pages' routes. Their dictionaries are the browser's own (web/i18n), read once here, at
// start: a page never reads a file.

#include "api/pages/page_kit.hpp"
#include "api/routes.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace relais::api {

namespace {

std::shared_ptr<const core::dictionaries> load_words(const std::string& web_root) {
    try {
        return core::dictionaries::load(std::filesystem::path(web_root) / "i18n");
    } catch (const std::exception& e) {
        // The API does not need them (the season replay's server runs without a web root): the pages then
        // show their text keys, and the operator is told why.
        spdlog::warn("resident pages without their texts: {}", e.what());
        return core::dictionaries::none();
    }
}

}  // namespace

void add_page_routes(wire::route_table& t, const data_access& d, const std::string& web_root) {
    const pages::page_services s{d, load_words(web_root)};
    // A resident whose form post is refused (rate limit, CSRF...) gets a page, not problem+json.
    auto refusal = [s](const wire::request& req, wire::response problem) {
        return pages::refusal_page(s, req, std::move(problem));
    };
    auto page = [&](verb method, const char* path, auth::access_rule access, const char* body,
                    awaitable_response (*f)(request_context&, pages::page_services)) {
        t.add(
            {method, path, access, body, plain, [s, f](request_context& ctx) { return f(ctx, s); }, refusal});
    };
    page(verb::get, "/", {pub}, "", pages::home_page);
    page(verb::get, "/demande", {pub}, "", pages::request_page);
    page(verb::post, "/demande", {pub, no_session_csrf, auth::limit_by::form}, "form", pages::request_submit);
    page(verb::get, "/suivi", {pub}, "", pages::tracking_page);
    page(verb::post, "/suivi", {pub, no_session_csrf, auth::limit_by::tracking}, "form",
         pages::tracking_lookup);
    page(verb::post, "/suivi/annuler", {pub, no_session_csrf, auth::limit_by::tracking}, "form",
         pages::tracking_cancel);
    // One-tap answers to a proposal (the link of its email): secret lookups, limited like tracking codes.
    page(verb::get, "/reponse/{token}", {pub, 0, auth::limit_by::tracking}, "", pages::answer_page);
    page(verb::post, "/reponse/{token}", {pub, no_session_csrf, auth::limit_by::tracking}, "form",
         pages::answer_submit);
    // Email confirmation links (a new registration's address): the same kind of secret lookup.
    page(verb::get, "/confirmer/{token}", {pub, 0, auth::limit_by::tracking}, "",
         pages::email_confirmation_page);
    page(verb::post, "/confirmer/{token}", {pub, no_session_csrf, auth::limit_by::tracking}, "form",
         pages::email_confirmation_submit);
    // One-click opt-out of optional messages (List-Unsubscribe, RFC 8058): a mail client posts without
    // Origin.
    page(verb::get, "/desabonner/{token}", {pub, 0, auth::limit_by::tracking}, "", pages::unsubscribe_page);
    page(verb::post, "/desabonner/{token}", {pub, no_session_csrf, auth::limit_by::tracking}, "form",
         pages::unsubscribe_submit);
    // A reserve campaign's personal link (domain/reserve.hpp): the same kind of secret lookup.
    page(verb::get, "/reserve/{token}", {pub, 0, auth::limit_by::tracking}, "", pages::reserve_page);
    page(verb::post, "/reserve/{token}", {pub, no_session_csrf, auth::limit_by::tracking}, "form",
         pages::reserve_submit);
}

}  // namespace relais::api
