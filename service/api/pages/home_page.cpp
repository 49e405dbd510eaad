// The home page (/): what the scheme is, under the programme's own name, the coordination's phone number for
// those who would rather call (often the people the scheme is for), and the way to each audience's space.
// Rendered here rather than served as a file, so that every city shows its own name and number.

#include "api/pages/page_kit.hpp"

namespace relais::api::pages {

awaitable_response home_page(request_context& ctx, page_services s) {
    auto t = s.words->get(s.words->pick(ctx.query("lang").value_or("")));
    auto d = co_await load_page_data(s.data.db);
    const std::string q = t.lang() == "fr" ? "" : "?lang=" + t.lang();
    auto h = html::format("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", d.programme_name, t("home.lead"));
    if (!d.coordination_phone.empty())
        h += html::format(
            "<div class=\"call-us\" id=\"call-us\"><h2>{}</h2>\n<p>{}</p>\n<p class=\"phone-big\"><a "
            "href=\"tel:{}\" class=\"phone\">{}</a></p>\n<p class=\"hint\">{}</p></div>\n",
            t("home.call_title"), t("home.call_text"), d.coordination_phone, d.coordination_phone,
            t("home.call_hours"));
    h += html::format(
        "<ul class=\"audiences\">\n"
        "<li><a href=\"/demande{}\">{}</a><p>{}</p></li>\n"
        "<li><a href=\"/suivi{}\">{}</a><p>{}</p></li>\n"
        "<li><a href=\"/benevole\">{}</a><p>{}</p></li>\n"
        "<li><a href=\"/coordination\">{}</a><p>{}</p></li>\n"
        "<li><a href=\"/partenaire\">{}</a><p>{}</p></li>\n"
        "</ul>\n",
        q, t("home.ask"), t("home.ask_text"), q, t("home.track"), t("home.track_text"), t("home.volunteer"),
        t("home.volunteer_text"), t("home.coordination"), t("home.coordination_text"), t("home.partner"),
        t("home.partner_text"));
    co_return page_response(ctx, status::ok, layout(t, d, t("home.title"), "/", h, ""));
}

}  // namespace relais::api::pages
