// The request form that works without JavaScript (/demande): rendered by the server, so an old phone or a
// browser with scripts off gets the whole service with a plain HTML form. With JavaScript, web/js/demande.js
// enhances the same form (client-side checks, JSON POST to /api/v1/requests with the same Idempotency-Key).
// A POST /demande is decoded and filed by the same code as POST /api/v1/requests (api/public_request.hpp):
// same checks, same consent record, same idempotency.

#include "api/pages/page_kit.hpp"
#include "api/public_request.hpp"
#include "core/error.hpp"
#include "domain/time_format.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace relais::api::pages {

namespace json = boost::json;

namespace {

/// The order of fields on the form (for the error summary).
const std::vector<std::string> form_order{"category",
                                          "details",
                                          "resident.first_name",
                                          "resident.last_name",
                                          "urgency",
                                          "start_date",
                                          "recurrence",
                                          "resident.phone",
                                          "resident.email",
                                          "resident.preferred_contact",
                                          "resident.address",
                                          "resident.neighbourhood",
                                          "consent",
                                          "form"};

html::markup section_start(const dictionary& t, std::string_view id, std::string_view title_key) {
    return html::format("<section class=\"step\" aria-labelledby=\"{}\"><h2 id=\"{}\">{}</h2>\n", id, id,
                        t(title_key));
}

html::markup render_confirmation(const dictionary& t, const page_data& d, const std::string& code,
                                 const std::string& contact) {
    // "We will call you" says how: by the channel the resident chose (a phone call by default).
    const std::string how = contact == "email" || contact == "sms" ? contact : "phone";
    auto h = html::format(
        "<div class=\"confirmation\" role=\"status\">\n<h1>{}</h1>\n<p>{}</p>\n"
        "<p class=\"tracking-code\" id=\"tracking-code\">{}</p>\n<p>{}</p>\n"
        "<p class=\"print-hint\">{}</p>\n</div>\n"
        "<h2>{}</h2>\n<ol class=\"next-steps\">\n",
        t("confirm.title"), t("confirm.code_intro"), code, t("confirm.keep_code"), t("confirm.print_hint"),
        t("confirm.next_title"));
    const std::string steps[] = {"confirm.next_1", "confirm.next_2_" + how, "confirm.next_3"};
    for (const auto& k : steps)
        h += html::format("<li>{}</li>\n", t(k));
    h += html::literal("</ol>\n") + phone_box(t, d, "confirm.phone_intro");
    // Following the request carries its code without putting it in an address (addresses are logged): a
    // form posted to /suivi.
    return h + html::format(
                   "<form method=\"post\" action=\"/suivi\" class=\"track-now\">\n"
                   "<input type=\"hidden\" name=\"lang\" value=\"{}\">\n"
                   "<input type=\"hidden\" name=\"code\" value=\"{}\">\n"
                   "<button type=\"submit\">{}</button>\n</form>\n",
                   t.lang(), code, t("confirm.track_link"));
}

/// The message shown for a fault, by form field (plain language, in the page's language).
std::string message_for(const dictionary& t, const std::string& field) {
    static const std::set<std::string> known{"category",
                                             "details",
                                             "urgency",
                                             "start_date",
                                             "recurrence",
                                             "consent",
                                             "resident.first_name",
                                             "resident.last_name",
                                             "resident.phone",
                                             "resident.email",
                                             "resident.address",
                                             "resident.neighbourhood",
                                             "resident.preferred_contact"};
    if (known.count(field))
        return t("error." + field);
    return t("error.generic");
}

/// The form field an API fault belongs to (the window is computed from urgency and start date).
std::string form_field_of(const std::string& api_field) {
    if (api_field.starts_with("window"))
        return "start_date";
    if (api_field.starts_with("resident.needs") || api_field.starts_with("resident.languages"))
        return "form";
    return api_field;
}

/// The shape the API accepts (digits, spaces, dots, dashes, brackets, an optional leading +), checked here
/// too so that every fault is listed in one round trip.
bool plausible_phone(std::string_view p) {
    if (p.size() < 6 || p.size() > 32 ||
        !(p.front() == '+' || std::isdigit(static_cast<unsigned char>(p.front()))))
        return false;
    return std::all_of(p.begin() + 1, p.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '.' || c == '-' || c == '(' ||
               c == ')';
    });
}

/// The body POST /api/v1/requests would get for this form, with the window from `from`.
json::object request_body(const dictionary& t, const form_values& v, std::int64_t from) {
    const std::string urgency = v.get("urgency");
    const std::int64_t span = urgency == "today" ? 86400 : urgency == "48h" ? 2 * 86400 : 7 * 86400;
    json::object resident{{"first_name", v.get("resident.first_name")},
                          {"last_name", v.get("resident.last_name")},
                          {"phone", v.get("resident.phone")},
                          {"address", v.get("resident.address")},
                          {"neighbourhood", v.get("resident.neighbourhood")}};
    if (auto email = v.get("resident.email"); !email.empty())
        resident["email"] = email;
    if (auto pc = v.get("resident.preferred_contact"); !pc.empty())
        resident["preferred_contact"] = pc;
    json::object needs;
    for (const char* n : {"isolated", "reduced_mobility", "visually_impaired", "not_french_speaking"})
        if (v.has("needs", n))
            needs[n] = true;
    if (!needs.empty())
        resident["needs"] = std::move(needs);
    if (t.lang() == "en")
        resident["languages"] = json::array{"en"};
    return json::object{{"resident", std::move(resident)},
                        {"category", v.get("category")},
                        {"details", v.get("details")},
                        {"urgency", urgency},
                        {"window", json::object{{"from", domain::format_iso8601(from)},
                                                {"until", domain::format_iso8601(from + span)}}},
                        {"recurrence", v.get("recurrence").empty() ? "once" : v.get("recurrence")},
                        {"consent", true}};
}

}  // namespace

html::markup render_request_form(const dictionary& t, const page_data& d, const form_values& v,
                                 const field_errors& errors, const std::string& key) {
    auto h = html::format("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", t("demande.title"), t("demande.lead"));
    if (!d.coordination_phone.empty())
        h += html::format("<p>{}</p>\n", t("demande.phone_instead", {{"phone", d.coordination_phone}}));
    h += error_summary(t, errors, form_order);
    h += html::format(
        "<form method=\"post\" action=\"/demande\" id=\"request-form\" class=\"big-form\" "
        "data-consent-version=\"{}\">\n"
        "<input type=\"hidden\" name=\"idempotency_key\" value=\"{}\">\n"
        "<input type=\"hidden\" name=\"lang\" value=\"{}\">\n<p class=\"hint\">{}</p>\n",
        d.consent_version, key, t.lang(), t("form.required_note"));

    // 1. What kind of help: one card per category, each with its sentence.
    std::vector<choice> cats;
    for (const auto& c : d.categories)
        cats.push_back({c.code, t.lang() == "en" ? c.label_en : c.label_fr,
                        t.lang() == "en" ? c.description_en : c.description_fr});
    h += section_start(t, "step-what", "demande.step_what");
    h += radio_group(t, v, errors, "category", "demande.category_legend", cats, "", "cards");
    h += html::format(
        "<div class=\"field\"><label for=\"f-details\">{} <span class=\"optional\">{}</span>"
        "</label>\n<p class=\"hint\" id=\"hint-details\">{}</p>{}"
        "<textarea id=\"f-details\" name=\"details\" rows=\"4\" maxlength=\"2000\"{}>{}</textarea>"
        "</div>\n</section>\n",
        t("demande.details"), t("form.optional"), t("demande.details_hint"), field_error(errors, "details"),
        invalid_attrs(errors, "details", "hint-details"), v.get("details"));

    // 2. Who needs help.
    h += section_start(t, "step-who", "demande.step_who");
    h += html::format("<p class=\"hint\">{}</p>\n", t("demande.who_hint"));
    h += text_field(t, v, errors, {"resident.first_name", "demande.first_name", "text", "given-name", true});
    h += text_field(t, v, errors, {"resident.last_name", "demande.last_name", "text", "family-name", true});
    h += html::format("<fieldset class=\"checks\"><legend>{} <span class=\"optional\">{}</span></legend>\n",
                      t("demande.needs_legend"), t("form.optional"));
    for (const std::string need :
         {"isolated", "reduced_mobility", "visually_impaired", "not_french_speaking"}) {
        h += html::format(
            "<div class=\"choice\"><input type=\"checkbox\" id=\"f-needs-{}\" name=\"needs\" "
            "value=\"{}\"{}><label for=\"f-needs-{}\">{}</label></div>\n",
            need, need, v.has("needs", need) ? html::literal(" checked") : html::markup{}, need,
            t("needs." + need));
    }
    h += html::literal("</fieldset>\n</section>\n");

    // 3. When.
    h += section_start(t, "step-when", "demande.step_when");
    h += radio_group(
        t, v, errors, "urgency", "demande.urgency_legend",
        {{"today", t("urgency.today"), ""}, {"48h", t("urgency.48h"), ""}, {"week", t("urgency.week"), ""}},
        "");
    h += radio_group(t, v, errors, "start", "demande.start_legend",
                     {{"asap", t("demande.start_asap"), ""}, {"date", t("demande.start_date_choice"), ""}},
                     "asap");
    h += text_field(t, v, errors,
                    {"start_date", "demande.start_date", "date", "", false, "demande.start_date_hint"});
    h += radio_group(t, v, errors, "recurrence", "demande.recurrence_legend",
                     {{"once", t("recurrence.once"), ""}, {"weekly", t("recurrence.weekly"), ""}}, "once");
    h += html::literal("</section>\n");

    // 4. How to reach them, 5. where.
    h += section_start(t, "step-contact", "demande.step_contact");
    h += text_field(t, v, errors,
                    {"resident.phone", "demande.phone", "tel", "tel", true, "demande.phone_hint"});
    h += text_field(t, v, errors, {"resident.email", "demande.email", "email", "email", false});
    h += radio_group(
        t, v, errors, "resident.preferred_contact", "demande.contact_legend",
        {{"phone", t("contact.phone"), ""}, {"sms", t("contact.sms"), ""}, {"email", t("contact.email"), ""}},
        "phone");
    h += html::literal("</section>\n");
    h += section_start(t, "step-where", "demande.step_where");
    h += text_field(
        t, v, errors,
        {"resident.address", "demande.address", "text", "street-address", true, "demande.address_hint"});
    const std::string nb = v.get("resident.neighbourhood");
    h += html::format(
        "<div class=\"field\"><label for=\"f-resident.neighbourhood\">{}</label>\n{}"
        "<select id=\"f-resident.neighbourhood\" name=\"resident.neighbourhood\" required{}>\n"
        "<option value=\"\">{}</option>\n",
        t("demande.neighbourhood"), field_error(errors, "resident.neighbourhood"),
        invalid_attrs(errors, "resident.neighbourhood"), t("demande.neighbourhood_choose"));
    for (const auto& n : d.neighbourhoods)
        h += html::format("<option value=\"{}\"{}>{}</option>\n", n.code,
                          nb == n.code ? html::literal(" selected") : html::markup{}, n.name);
    h += html::literal("</select></div>\n</section>\n");

    // 6. Consent, with the text itself.
    h += section_start(t, "step-consent", "demande.step_consent");
    h += html::format(
        "<p id=\"consent-text\">{}</p>\n{}"
        "<div class=\"choice\"><input type=\"checkbox\" id=\"f-consent\" name=\"consent\" "
        "value=\"yes\"{} required{}><label for=\"f-consent\">{}</label></div>\n</section>\n",
        t("consent.text"), field_error(errors, "consent"),
        v.has("consent", "yes") ? html::literal(" checked") : html::markup{},
        invalid_attrs(errors, "consent", "consent-text"), t("consent.checkbox"));

    h += field_error(errors, "form");
    return h + html::format("<p><button type=\"submit\" class=\"primary big\">{}</button></p>\n</form>\n",
                            t("demande.submit"));
}

awaitable_response request_page(request_context& ctx, page_services s) {
    auto t = s.words->get(s.words->pick(ctx.query("lang").value_or("")));
    auto d = co_await load_page_data(s.data.db);
    const auto main = render_request_form(t, d, form_values{}, {}, random_key());
    co_return page_response(ctx, status::ok,
                            layout(t, d, t("demande.title"), "/demande", main, "/js/demande.js"));
}

awaitable_response request_submit(request_context& ctx, page_services s) {
    auto v = read_form(ctx);
    auto t = s.words->get(s.words->pick(v.get("lang")));
    auto d = co_await load_page_data(s.data.db);
    std::string key = v.get("idempotency_key");
    if (key.size() < 16 || key.size() > 64)
        key = random_key();

    // Plain-language checks first, all at once; then the API's decoding checks the rest (formats, codes).
    field_errors errors;
    for (const char* f : {"category", "resident.first_name", "resident.last_name", "urgency",
                          "resident.phone", "resident.address", "resident.neighbourhood"})
        if (v.get(f).empty())
            errors[f] = message_for(t, f);
    if (!v.has("consent", "yes"))
        errors["consent"] = message_for(t, "consent");
    if (auto phone = v.get("resident.phone"); !phone.empty() && !plausible_phone(phone))
        errors["resident.phone"] = message_for(t, "resident.phone");
    if (auto email = v.get("resident.email"); !email.empty() && email.find('@') == std::string::npos)
        errors["resident.email"] = message_for(t, "resident.email");

    const auto now = s.data.clk.now_s();
    std::int64_t from = now;
    if (v.get("start") == "date") {
        auto midnight = d.city.midnight_of(v.get("start_date"));
        if (!midnight)
            errors["start_date"] = message_for(t, "start_date");
        else if (*midnight + 86400 <= now || *midnight > now + 90 * 86400)
            errors["start_date"] = t("error.start_date_range");
        else  // from 8 in the morning that day, city time
            from = std::max(now, d.city.to_utc(*domain::parse_date(v.get("start_date")) + 8 * 3600));
    }

    if (errors.empty()) {
        const auto body = request_body(t, v, from);
        try {
            auto in = read_request(body, request_filer{}, now, s.data.phones);
            // The scope of POST /api/v1/requests: the key is per form load, shared with the JavaScript path.
            idempotency_scope scope{"/api/v1/requests", idempotency_of(ctx).caller, key,
                                    json::serialize(body)};
            auto [st, text] = co_await file_request(s.data, ctx, std::move(in), scope);
            const std::string code(json::parse(text).at("tracking_code").as_string());
            co_return page_response(
                ctx, status::ok,
                layout(t, d, t("confirm.title"), "/demande",
                       render_confirmation(t, d, code, v.get("resident.preferred_contact")), ""));
        } catch (const error& e) {
            if (e.kind() != error_kind::validation)
                throw;
            for (const auto& f : e.fields) {
                auto field = form_field_of(f.field);
                if (!errors.count(field))
                    errors[field] = field == "form" ? t("error.generic") : message_for(t, field);
            }
        }
    }
    const auto main = render_request_form(t, d, v, errors, key);
    co_return page_response(ctx, status::unprocessable_entity,
                            layout(t, d, t("demande.title"), "/demande", main, "/js/demande.js"));
}

}  // namespace relais::api::pages
