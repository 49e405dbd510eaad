// The page a browser gets instead of problem+json when a resident page refuses a request (rate limit, a form
// posted from another site, a server fault): what happened in plain words, when to retry, the coordination's
// phone number and the way back; on /demande and /suivi, the form again with what was typed. The status and
// Retry-After stay. A client asking for JSON only keeps the problem+json.

#include "api/pages/page_kit.hpp"

#include <algorithm>
#include <charconv>

namespace relais::api::pages {

namespace {

/// The dictionary key of the sentence explaining a refusal, by HTTP status.
std::string refusal_key(unsigned st) {
    switch (st) {
        case 429:
            return "refusal.too_many";
        case 403:
            return "refusal.forbidden";
        case 413:
            return "refusal.too_large";
        case 400:
        case 415:
            return "refusal.bad_form";
        case 404:
            return "refusal.not_found";
        case 503:
            return "refusal.unavailable";
        default:
            return "refusal.generic";
    }
}

}  // namespace

boost::asio::awaitable<wire::response> refusal_page(page_services s, const wire::request& req,
                                                    wire::response problem) {
    const auto accept = req[wire::bhttp::field::accept];
    if (accept.find("json") != std::string_view::npos && accept.find("text/html") == std::string_view::npos)
        co_return problem;
    std::string_view target = req.target();
    const std::string path(target.substr(0, target.find('?')));
    // The language: the form's hidden field, else ?lang= in the address.
    std::optional<form_values> form;
    if (req[wire::bhttp::field::content_type].starts_with("application/x-www-form-urlencoded"))
        if (auto pairs = wire::parse_form(req.body()))
            form.emplace(std::move(*pairs));
    std::string lang;
    if (form && !form->get("lang").empty())
        lang = form->get("lang");
    else if (auto q = target.find("lang="); q != std::string_view::npos)
        lang = std::string(target.substr(q + 5, 2));
    const unsigned st = problem.result_int();
    const auto t = s.words->get(s.words->pick(lang));
    page_data d;
    try {
        d = co_await load_page_data(s.data.db);
    } catch (const std::exception&) {
        d.programme_name = "Relais";  // the database is what failed: a page without its settings
    }
    const bool tracking = path.starts_with("/suivi");
    auto h = html::format(
        "<div class=\"error-summary refusal\" role=\"alert\" id=\"refusal\">\n<h1>{}</h1>\n"
        "<p>{}</p>\n",
        t("refusal.title"), t(refusal_key(st)));
    if (st == 429 || st == 503) {
        const auto wait = problem[wire::bhttp::field::retry_after];
        long seconds = 0;
        std::from_chars(wait.data(), wait.data() + wait.size(), seconds);
        const long minutes = std::max<long>(1, (seconds + 59) / 60);
        h += html::format("<p id=\"refusal-wait\">{}</p>\n",
                          t("refusal.wait", {{"minutes", std::to_string(minutes)}}));
    }
    if (!d.coordination_phone.empty())
        h += phone_box(t, d, "refusal.phone_intro");
    h += html::format("<p><a href=\"{}?lang={}\" id=\"refusal-back\">{}</a></p>\n</div>\n",
                      tracking ? "/suivi" : "/demande", t.lang(),
                      t(tracking ? "refusal.back_suivi" : "refusal.back_demande"));
    // The form again with what was typed, so nothing is lost while waiting (not sent again by itself). Not
    // for a post from another site (403): its values are that site's, not the resident's.
    if (st == 403)
        form.reset();
    if (form && path == "/demande") {
        std::string key = form->get("idempotency_key");
        if (key.size() < 16 || key.size() > 64)
            key = random_key();
        h += html::demote_first_h1(render_request_form(t, d, *form, {}, key));
    } else if (form && tracking) {
        h += html::demote_first_h1(render_track_form(t, form->get("code"), {}));
    }
    auto page = layout(t, d, t("refusal.title"), tracking ? "/suivi" : "/demande", h,
                       path == "/demande" && form ? "/js/demande.js" : "");
    wire::response res{problem.result(), problem.version()};
    res.set(wire::bhttp::field::content_type, "text/html; charset=utf-8");
    res.set(wire::bhttp::field::cache_control, "no-store");
    for (auto field : {wire::bhttp::field::retry_after, wire::bhttp::field::allow})
        if (auto v = problem[field]; !v.empty())
            res.set(field, v);
    res.keep_alive(problem.keep_alive());
    res.body() = std::move(page).release();
    res.prepare_payload();
    co_return res;
}

}  // namespace relais::api::pages
