// The resident pages' routes. Their dictionaries are the browser's own (web/i18n), read once here, at
// start: a page never reads a file.

#include "api/pages/page_kit.hpp"
#include "api/routes.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace relais::api {

namespace {

std::shared_ptr<const dictionaries> load_words(const std::string& web_root) {
    try {
        return dictionaries::load(std::filesystem::path(web_root) / "i18n");
    } catch (const std::exception& e) {
        // The API does not need them (the season replay's server runs without a web root): the pages then
        // show their text keys, and the operator is told why.
        spdlog::warn("resident pages without their texts: {}", e.what());
        return dictionaries::none();
    }
}

}  // namespace

void register_form_routes(app::app_context& app) {
    const pages::page_services s{load_words(app.cfg.web_root)};
    app.page_refusal = [s](app::app_context& a, const http::request& req, http::response problem) {
        return pages::refusal_page(s, a, req, std::move(problem));
    };
    auto& r = app.routes;
    using http::verb;
    r.add(verb::get, "/demande", [s](request_context& ctx) { return pages::request_page(ctx, s); });
    r.add(verb::post, "/demande", [s](request_context& ctx) { return pages::request_submit(ctx, s); });
    r.add(verb::get, "/suivi", [s](request_context& ctx) { return pages::tracking_page(ctx, s); });
    r.add(verb::post, "/suivi", [s](request_context& ctx) { return pages::tracking_lookup(ctx, s); });
    r.add(verb::post, "/suivi/annuler", [s](request_context& ctx) { return pages::tracking_cancel(ctx, s); });
}

}  // namespace relais::api
