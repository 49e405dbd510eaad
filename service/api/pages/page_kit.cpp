#include "api/pages/page_kit.hpp"

#include "core/error.hpp"
#include "domain/ids.hpp"

#include <sodium.h>

namespace relais::api::pages {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

boost::asio::awaitable<page_data> load_page_data(store::store& db) {
    auto job = [](SQLite::Database& c) {
        page_data d;
        auto p = domain::load_programme(c);
        d.programme_name = p.name;
        d.coordination_phone = p.coordination_phone;
        d.consent_version = p.consent_version;
        d.city = domain::city_time(p.timezone);
        d.categories = domain::list_categories(c, false);
        d.neighbourhoods = domain::list_neighbourhoods(c);
        return d;
    };
    co_return co_await db.read(std::move(job));
}

std::string form_values::get(std::string_view name) const {
    for (const auto& [k, v] : pairs_)
        if (k == name)
            return trim(v);
    return {};
}

bool form_values::has(std::string_view name, std::string_view value) const {
    for (const auto& [k, v] : pairs_)
        if (k == name && v == value)
            return true;
    return false;
}

form_values read_form(const request_context& ctx) {
    if (!ctx.req[wire::bhttp::field::content_type].starts_with("application/x-www-form-urlencoded"))
        throw error(error_kind::unsupported_media_type,
                    "This page accepts application/x-www-form-urlencoded forms; use /api/v1 for JSON.");
    auto pairs = wire::parse_form(ctx.req.body());
    if (!pairs)
        throw bad_request("The form data is malformed.");
    return form_values(std::move(*pairs));
}

std::string random_key() {
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    return domain::to_hex(raw, sizeof raw);
}

std::string grouped(const std::string& canonical) {
    std::string out;
    for (std::size_t i = 0; i < canonical.size(); ++i) {
        if (i && i % 4 == 0)
            out += '-';
        out += canonical[i];
    }
    return out;
}

html::markup layout(const dictionary& t, const page_data& d, std::string_view title,
                    std::string_view switch_to, const html::markup& main, std::string_view script) {
    const std::string other = t.lang() == "fr" ? "en" : "fr";
    auto h = html::format(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>{} – {}</title>\n"
        "<link rel=\"stylesheet\" href=\"/css/app.css\">\n<link rel=\"icon\" href=\"/img/icon.svg\" "
        "type=\"image/svg+xml\">\n</head>\n<body class=\"resident\">\n"
        "<a class=\"skip\" href=\"#main\">{}</a>\n"
        "<header class=\"site\"><div class=\"wrap\"><p class=\"brand\"><a href=\"/\">{}</a></p>"
        "<p class=\"lang-switch\"><a href=\"{}?lang={}\" lang=\"{}\" hreflang=\"{}\">{}</a></p>"
        "</div></header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n",
        t.lang(), title, d.programme_name, t("common.skip"), d.programme_name, switch_to, other, other, other,
        t("common.other_language"));
    h += main;
    // No number yet (a city made from the command line before its admin set one): no line about calling.
    if (d.coordination_phone.empty())
        h += html::literal("</main>\n<footer class=\"site\"><div class=\"wrap\"></div></footer>\n");
    else
        h += html::format("</main>\n<footer class=\"site\"><div class=\"wrap\"><p>{}</p></div></footer>\n",
                          t("common.footer_phone", {{"phone", d.coordination_phone}}));
    if (!script.empty())
        h += html::format("<script type=\"module\" src=\"{}\"></script>\n", script);
    return h + html::literal("</body>\n</html>\n");
}

wire::response page_response(const request_context& ctx, status st, html::markup page) {
    wire::response res{st, ctx.req.version()};
    res.set(wire::bhttp::field::content_type, "text/html; charset=utf-8");
    res.set(wire::bhttp::field::cache_control, "no-store");
    res.keep_alive(ctx.req.keep_alive());
    res.body() = std::move(page).release();
    res.prepare_payload();
    return res;
}

html::markup error_summary(const dictionary& t, const field_errors& errors,
                           const std::vector<std::string>& order) {
    if (errors.empty())
        return {};
    auto h = html::format(
        "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"error-summary\">\n"
        "<h2>{}</h2>\n<ul>\n",
        t("form.errors_title", {{"count", std::to_string(errors.size())}}));
    for (const auto& name : order)
        if (auto it = errors.find(name); it != errors.end())
            h += html::format("<li><a href=\"#f-{}\">{}</a></li>\n", name, it->second);
    return h + html::literal("</ul>\n</div>\n");
}

html::markup field_error(const field_errors& errors, const std::string& name) {
    auto it = errors.find(name);
    if (it == errors.end())
        return {};
    return html::format("<p class=\"field-error\" id=\"err-{}\">{}</p>", name, it->second);
}

html::markup invalid_attrs(const field_errors& errors, const std::string& name, std::string_view hint_id) {
    std::string describedby(hint_id);
    html::markup attrs;
    if (errors.count(name)) {
        attrs += html::literal(" aria-invalid=\"true\"");
        if (!describedby.empty())
            describedby += ' ';
        describedby += "err-" + name;
    }
    if (!describedby.empty())
        attrs += html::format(" aria-describedby=\"{}\"", describedby);
    return attrs;
}

html::markup text_field(const dictionary& t, const form_values& v, const field_errors& errors,
                        const text_input& f) {
    const std::string id = "f-" + f.name;
    auto h = html::format("<div class=\"field\">\n<label for=\"{}\">{}", id, t(f.label_key));
    if (!f.required)
        h += html::format(" <span class=\"optional\">{}</span>", t("form.optional"));
    h += html::literal("</label>\n");
    std::string hint_id;
    if (!f.hint_key.empty()) {
        hint_id = "hint-" + f.name;
        h += html::format("<p class=\"hint\" id=\"{}\">{}</p>\n", hint_id, t(f.hint_key));
    }
    h += field_error(errors, f.name);
    h += html::format("<input id=\"{}\" name=\"{}\" type=\"{}\" value=\"{}\"", id, f.name, f.type,
                      v.get(f.name));
    if (!f.autocomplete.empty())
        h += html::format(" autocomplete=\"{}\"", f.autocomplete);
    if (f.required)
        h += html::literal(" required");
    return h + invalid_attrs(errors, f.name, hint_id) + html::literal(">\n</div>\n");
}

html::markup radio_group(const dictionary& t, const form_values& v, const field_errors& errors,
                         const std::string& name, std::string_view legend_key,
                         const std::vector<choice>& choices, std::string_view fallback,
                         std::string_view css_class) {
    std::string current = v.get(name);
    if (current.empty())
        current = fallback;
    auto h = html::format("<fieldset class=\"{}\" id=\"f-{}\"", css_class, name);
    if (errors.count(name))
        h += html::format(" aria-describedby=\"err-{}\"", name);
    h += html::format(">\n<legend>{}</legend>\n{}\n", t(legend_key), field_error(errors, name));
    for (const auto& c : choices) {
        const std::string id = "f-" + name + "-" + c.value;
        h += html::format("<div class=\"choice\"><input type=\"radio\" id=\"{}\" name=\"{}\" value=\"{}\"",
                          id, name, c.value);
        if (current == c.value)
            h += html::literal(" checked");
        h += html::literal(" required");
        if (!c.description.empty())
            h += html::format(" aria-describedby=\"{}-desc\"", id);
        h += html::format("><label for=\"{}\"><span class=\"choice-label\">{}</span>", id, c.label);
        if (!c.description.empty())
            h += html::format("<span class=\"choice-desc\" id=\"{}-desc\">{}</span>", id, c.description);
        h += html::literal("</label></div>\n");
    }
    return h + html::literal("</fieldset>\n");
}

html::markup phone_box(const dictionary& t, const page_data& d, std::string_view intro_key) {
    if (d.coordination_phone.empty())
        return html::literal("");
    return html::format("<p class=\"phone-box\">{} <a href=\"tel:{}\" class=\"phone\">{}</a></p>\n",
                        t(intro_key), d.coordination_phone, d.coordination_phone);
}

}  // namespace relais::api::pages
