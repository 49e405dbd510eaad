// The resident pages that work without JavaScript: the request form (/demande) and tracking (/suivi) are
// rendered by the server, so an old phone or a browser with scripts off gets the whole service with plain
// HTML forms. With JavaScript, web/js/demande.js enhances the same form (client-side checks, JSON POST to
// /api/v1/requests with the same Idempotency-Key). Texts come from the same dictionaries as the browser
// code (web/i18n/<lang>.json). A POST /demande goes through the very handler of POST /api/v1/requests, so
// validation, consent recording and idempotency are the API's.

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "domain/error.hpp"
#include "domain/ids.hpp"
#include "domain/programme.hpp"
#include "domain/requests.hpp"
#include "domain/time_format.hpp"
#include "http/static_cache.hpp"

#include <sodium.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace relais::api {

namespace json = boost::json;
using http::verb;

namespace {

// --- language --------------------------------------------------------------------------------------------

/// The page's language: "en" when asked for, French otherwise (French first).
std::string pick_lang(std::optional<std::string> asked) {
    return asked && *asked == "en" ? "en" : "fr";
}

/// One language's dictionary with French as the fallback, then the key itself. The objects are shared: those
/// of the static cache live as long as the server.
class dictionary {
  public:
    dictionary(std::string lang, std::shared_ptr<const json::object> own,
               std::shared_ptr<const json::object> fr)
        : lang_(std::move(lang)), own_(std::move(own)), fr_(std::move(fr)) {}

    const std::string& lang() const { return lang_; }

    std::string operator()(std::string_view key) const {
        if (auto* v = own_->if_contains(key); v && v->is_string())
            return std::string(v->as_string());
        if (auto* v = fr_->if_contains(key); v && v->is_string())
            return std::string(v->as_string());
        return std::string(key);
    }

    /// The text of `key` with "{name}" replaced by `value`.
    std::string fill(std::string_view key, std::string_view name, std::string_view value) const {
        auto s = (*this)(key);
        const std::string mark = "{" + std::string(name) + "}";
        if (auto at = s.find(mark); at != std::string::npos)
            s.replace(at, mark.size(), value);
        return s;
    }

  private:
    std::string lang_;
    std::shared_ptr<const json::object> own_, fr_;
};

json::object read_dictionary_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (ec || !v.is_object())
        return {};
    return std::move(v.as_object());
}

/// The dictionaries: parsed once at start in the static cache (no file I/O, no worker thread per page), or
/// read off the I/O thread on the worker pool when they are not in it.
boost::asio::awaitable<dictionary> load_dictionary(app::app_context& app, std::string lang) {
    static const auto empty = std::make_shared<const json::object>();
    const std::string own_file = "i18n/" + lang + ".json";
    if (const auto& cache = app.statics) {
        const json::object* fr = cache->json_object("i18n/fr.json");
        const json::object* own = lang == "fr" ? nullptr : cache->json_object(own_file);
        if (fr && (lang == "fr" || own)) {
            // Aliasing pointers: they keep the cache alive, which owns the objects.
            co_return dictionary(std::move(lang),
                                 own ? std::shared_ptr<const json::object>(cache, own) : empty,
                                 std::shared_ptr<const json::object>(cache, fr));
        }
    }
    auto load = [root = std::filesystem::path(app.cfg.web_root), lang] {
        auto fr = read_dictionary_file(root / "i18n" / "fr.json");
        auto own = lang == "fr" ? json::object{} : read_dictionary_file(root / "i18n" / (lang + ".json"));
        return std::pair{std::make_shared<const json::object>(std::move(own)),
                         std::make_shared<const json::object>(std::move(fr))};
    };
    auto [own, fr] = co_await app::offload(app.workers, std::move(load));
    co_return dictionary(std::move(lang), std::move(own), std::move(fr));
}

boost::asio::awaitable<dictionary> load_dictionary(request_context& ctx, std::string lang) {
    co_return co_await load_dictionary(ctx.app, std::move(lang));
}

// --- time in the city (Europe/Paris)
// ------------------------------------------------------------------------

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
    std::int64_t y;
    unsigned m, d;
};

civil civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// The last Sunday of `month` in `year`, 01:00 UTC (when EU summer time starts or ends).
std::int64_t last_sunday_1am_utc(std::int64_t year, unsigned month) {
    const unsigned last_day = month == 3 || month == 10 ? 31 : 30;
    const std::int64_t days = days_from_civil(year, month, last_day);
    const std::int64_t weekday = ((days % 7) + 11) % 7;  // 0 = Sunday (1970-01-01 was a Thursday)
    return (days - weekday) * 86400 + 3600;
}

/// The city's UTC offset at `utc` (Rennes: Europe/Paris, EU summer-time rule).
std::int64_t city_offset(std::int64_t utc) {
    const auto year = civil_from_days(floor_div(utc, 86400)).y;
    const bool summer = utc >= last_sunday_1am_utc(year, 3) && utc < last_sunday_1am_utc(year, 10);
    return summer ? 7200 : 3600;
}

/// "24/11/2026 15:00" in the city's time.
std::string city_date_time(std::int64_t utc) {
    const auto local = utc + city_offset(utc);
    const auto c = civil_from_days(floor_div(local, 86400));
    const auto secs = local - floor_div(local, 86400) * 86400;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04lld %02lld:%02lld", c.d, c.m, static_cast<long long>(c.y),
                  static_cast<long long>(secs / 3600), static_cast<long long>(secs % 3600 / 60));
    return buf;
}

/// The city's midnight of a "YYYY-MM-DD" date, in UTC seconds.
std::optional<std::int64_t> city_midnight(std::string_view date) {
    auto utc_midnight = domain::parse_date(date);
    if (!utc_midnight)
        return std::nullopt;
    return *utc_midnight - city_offset(*utc_midnight);
}

// --- HTML ------------------------------------------------------------------------------------------------

std::string esc(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 16);
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// The submitted form fields (a name may repeat: checkboxes).
class form_values {
  public:
    form_values() = default;
    explicit form_values(std::vector<std::pair<std::string, std::string>> pairs) : pairs_(std::move(pairs)) {}

    std::string get(std::string_view name) const {
        for (const auto& [k, v] : pairs_)
            if (k == name)
                return trim(v);
        return {};
    }
    bool has(std::string_view name, std::string_view value) const {
        for (const auto& [k, v] : pairs_)
            if (k == name && v == value)
                return true;
        return false;
    }

  private:
    static std::string trim(const std::string& s) {
        const auto b = s.find_first_not_of(" \t\r\n");
        if (b == std::string::npos)
            return {};
        return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
    }
    std::vector<std::pair<std::string, std::string>> pairs_;
};

/// Form field name -> plain-language error message.
using field_errors = std::map<std::string, std::string>;

/// What the pages show of the programme.
struct page_data {
    std::string programme_name, coordination_phone, consent_version;
    std::vector<domain::category_record> categories;
    std::vector<domain::neighbourhood_record> neighbourhoods;
};

boost::asio::awaitable<page_data> load_page_data(app::app_context& app) {
    auto job = [](SQLite::Database& db) {
        page_data d;
        auto p = domain::load_programme(db);
        d.programme_name = p.name;
        d.coordination_phone = p.coordination_phone;
        d.consent_version = p.consent_version;
        d.categories = domain::list_categories(db, false);
        d.neighbourhoods = domain::list_neighbourhoods(db);
        return d;
    };
    co_return co_await app.db.read(std::move(job));
}

boost::asio::awaitable<page_data> load_page_data(request_context& ctx) {
    co_return co_await load_page_data(ctx.app);
}

std::string random_key() {
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    return domain::to_hex(raw, sizeof raw);
}

/// The page around `main`: header with the language switch, skip link, footer with the coordination phone.
std::string layout(const dictionary& t, const page_data& d, std::string_view title,
                   std::string_view switch_to, std::string_view main, std::string_view script) {
    const std::string other = t.lang() == "fr" ? "en" : "fr";
    std::string h;
    h += "<!doctype html>\n<html lang=\"" + t.lang() + "\">\n<head>\n<meta charset=\"utf-8\">\n";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    h += "<title>" + esc(title) + " – " + esc(d.programme_name) + "</title>\n";
    h += "<link rel=\"stylesheet\" href=\"/css/app.css\">\n<link rel=\"icon\" href=\"/img/icon.svg\" "
         "type=\"image/svg+xml\">\n</head>\n<body class=\"resident\">\n";
    h += "<a class=\"skip\" href=\"#main\">" + esc(t("common.skip")) + "</a>\n";
    h += "<header class=\"site\"><div class=\"wrap\"><p class=\"brand\"><a href=\"/\">" +
         esc(d.programme_name) + "</a></p>";
    h += "<p class=\"lang-switch\"><a href=\"" + std::string(switch_to) + "?lang=" + other + "\" lang=\"" +
         other + "\" hreflang=\"" + other + "\">" + esc(t("common.other_language")) +
         "</a></p></div></header>\n";
    h += "<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n";
    h += main;
    h += "</main>\n<footer class=\"site\"><div class=\"wrap\"><p>" +
         esc(t.fill("common.footer_phone", "phone", d.coordination_phone)) + "</p></div></footer>\n";
    if (!script.empty())
        h += "<script type=\"module\" src=\"" + std::string(script) + "\"></script>\n";
    h += "</body>\n</html>\n";
    return h;
}

http::response html(const request_context& ctx, status st, std::string body) {
    http::response res{st, ctx.req.version()};
    res.set(http::bhttp::field::content_type, "text/html; charset=utf-8");
    // Pages can hold a tracking code or the details just typed: never cached, never stored.
    res.set(http::bhttp::field::cache_control, "no-store");
    res.keep_alive(ctx.req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

/// The error list at the top of a form: each entry links to its field.
std::string error_summary(const dictionary& t, const field_errors& errors,
                          const std::vector<std::string>& order) {
    if (errors.empty())
        return {};
    std::string h =
        "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"error-summary\">\n<h2>" +
        esc(t.fill("form.errors_title", "count", std::to_string(errors.size()))) + "</h2>\n<ul>\n";
    for (const auto& name : order) {
        auto it = errors.find(name);
        if (it == errors.end())
            continue;
        h += "<li><a href=\"#f-" + esc(name) + "\">" + esc(it->second) + "</a></li>\n";
    }
    return h + "</ul>\n</div>\n";
}

/// The error paragraph of a field (its id is what aria-describedby points to), or nothing.
std::string field_error_html(const field_errors& errors, const std::string& name) {
    auto it = errors.find(name);
    if (it == errors.end())
        return {};
    return "<p class=\"field-error\" id=\"err-" + esc(name) + "\">" + esc(it->second) + "</p>";
}

std::string invalid_attrs(const field_errors& errors, const std::string& name,
                          std::string_view hint_id = {}) {
    std::string describedby(hint_id);
    std::string attrs;
    if (errors.count(name)) {
        attrs += " aria-invalid=\"true\"";
        if (!describedby.empty())
            describedby += ' ';
        describedby += "err-" + name;
    }
    if (!describedby.empty())
        attrs += " aria-describedby=\"" + esc(describedby) + "\"";
    return attrs;
}

/// A labelled text input with an optional hint.
std::string text_field(const dictionary& t, const form_values& v, const field_errors& errors,
                       const std::string& name, std::string_view label_key, std::string_view type,
                       std::string_view autocomplete, bool required, std::string_view hint_key = {}) {
    const std::string id = "f-" + name;
    std::string h = "<div class=\"field\">\n<label for=\"" + id + "\">" + esc(t(label_key));
    if (!required)
        h += " <span class=\"optional\">" + esc(t("form.optional")) + "</span>";
    h += "</label>\n";
    std::string hint_id;
    if (!hint_key.empty()) {
        hint_id = "hint-" + name;
        h += "<p class=\"hint\" id=\"" + hint_id + "\">" + esc(t(hint_key)) + "</p>\n";
    }
    h += field_error_html(errors, name);
    h += "<input id=\"" + id + "\" name=\"" + esc(name) + "\" type=\"" + std::string(type) + "\" value=\"" +
         esc(v.get(name)) + "\"";
    if (!autocomplete.empty())
        h += " autocomplete=\"" + std::string(autocomplete) + "\"";
    if (required)
        h += " required";
    h += invalid_attrs(errors, name, hint_id) + ">\n</div>\n";
    return h;
}

/// A fieldset of radio buttons (value, label key, optional description).
struct choice {
    std::string value, label, description;
};

std::string radio_group(const dictionary& t, const form_values& v, const field_errors& errors,
                        const std::string& name, std::string_view legend_key,
                        const std::vector<choice>& choices, std::string_view fallback,
                        std::string_view css_class = "choices") {
    std::string current = v.get(name);
    if (current.empty())
        current = fallback;
    std::string h = "<fieldset class=\"" + std::string(css_class) + "\" id=\"f-" + esc(name) + "\"" +
                    (errors.count(name) ? " aria-describedby=\"err-" + esc(name) + "\"" : std::string()) +
                    ">\n<legend>" + esc(t(legend_key)) + "</legend>\n" + field_error_html(errors, name) +
                    "\n";
    for (const auto& c : choices) {
        const std::string id = "f-" + name + "-" + c.value;
        h += "<div class=\"choice\"><input type=\"radio\" id=\"" + esc(id) + "\" name=\"" + esc(name) +
             "\" value=\"" + esc(c.value) + "\"" + (current == c.value ? " checked" : "") + " required";
        if (!c.description.empty())
            h += " aria-describedby=\"" + esc(id) + "-desc\"";
        h += "><label for=\"" + esc(id) + "\"><span class=\"choice-label\">" + esc(c.label) + "</span>";
        if (!c.description.empty())
            h += "<span class=\"choice-desc\" id=\"" + esc(id) + "-desc\">" + esc(c.description) + "</span>";
        h += "</label></div>\n";
    }
    return h + "</fieldset>\n";
}

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

std::string render_request_form(const dictionary& t, const page_data& d, const form_values& v,
                                const field_errors& errors, const std::string& key) {
    std::string h;
    h += "<h1>" + esc(t("demande.title")) + "</h1>\n";
    h += "<p class=\"lead\">" + esc(t("demande.lead")) + "</p>\n";
    h += "<p>" + esc(t.fill("demande.phone_instead", "phone", d.coordination_phone)) + "</p>\n";
    h += error_summary(t, errors, form_order);
    h += "<form method=\"post\" action=\"/demande\" id=\"request-form\" class=\"big-form\" "
         "data-consent-version=\"" +
         esc(d.consent_version) + "\">\n";
    h += "<input type=\"hidden\" name=\"idempotency_key\" value=\"" + esc(key) + "\">\n";
    h += "<input type=\"hidden\" name=\"lang\" value=\"" + t.lang() + "\">\n";
    h += "<p class=\"hint\">" + esc(t("form.required_note")) + "</p>\n";

    // 1. What kind of help: one card per category, each with its sentence.
    std::vector<choice> cats;
    for (const auto& c : d.categories)
        cats.push_back({c.code, t.lang() == "en" ? c.label_en : c.label_fr,
                        t.lang() == "en" ? c.description_en : c.description_fr});
    h += "<section class=\"step\" aria-labelledby=\"step-what\"><h2 id=\"step-what\">" +
         esc(t("demande.step_what")) + "</h2>\n";
    h += radio_group(t, v, errors, "category", "demande.category_legend", cats, "", "cards");
    h += "<div class=\"field\"><label for=\"f-details\">" + esc(t("demande.details")) +
         " <span class=\"optional\">" + esc(t("form.optional")) +
         "</span></label>\n<p class=\"hint\" id=\"hint-details\">" + esc(t("demande.details_hint")) + "</p>" +
         field_error_html(errors, "details") +
         "<textarea id=\"f-details\" name=\"details\" rows=\"4\" maxlength=\"2000\"" +
         invalid_attrs(errors, "details", "hint-details") + ">" + esc(v.get("details")) +
         "</textarea></div>\n";
    h += "</section>\n";

    // 2. Who needs help.
    h += "<section class=\"step\" aria-labelledby=\"step-who\"><h2 id=\"step-who\">" +
         esc(t("demande.step_who")) + "</h2>\n<p class=\"hint\">" + esc(t("demande.who_hint")) + "</p>\n";
    h += text_field(t, v, errors, "resident.first_name", "demande.first_name", "text", "given-name", true);
    h += text_field(t, v, errors, "resident.last_name", "demande.last_name", "text", "family-name", true);
    h += "<fieldset class=\"checks\"><legend>" + esc(t("demande.needs_legend")) +
         " <span class=\"optional\">" + esc(t("form.optional")) + "</span></legend>\n";
    for (const char* need : {"isolated", "reduced_mobility", "visually_impaired", "not_french_speaking"}) {
        const std::string id = std::string("f-needs-") + need;
        h += "<div class=\"choice\"><input type=\"checkbox\" id=\"" + id + "\" name=\"needs\" value=\"" +
             need + "\"" + (v.has("needs", need) ? " checked" : "") + "><label for=\"" + id + "\">" +
             esc(t(std::string("needs.") + need)) + "</label></div>\n";
    }
    h += "</fieldset>\n</section>\n";

    // 3. When.
    h += "<section class=\"step\" aria-labelledby=\"step-when\"><h2 id=\"step-when\">" +
         esc(t("demande.step_when")) + "</h2>\n";
    h += radio_group(
        t, v, errors, "urgency", "demande.urgency_legend",
        {{"today", t("urgency.today"), ""}, {"48h", t("urgency.48h"), ""}, {"week", t("urgency.week"), ""}},
        "");
    h += radio_group(t, v, errors, "start", "demande.start_legend",
                     {{"asap", t("demande.start_asap"), ""}, {"date", t("demande.start_date_choice"), ""}},
                     "asap");
    h += text_field(t, v, errors, "start_date", "demande.start_date", "date", "", false,
                    "demande.start_date_hint");
    h += radio_group(t, v, errors, "recurrence", "demande.recurrence_legend",
                     {{"once", t("recurrence.once"), ""}, {"weekly", t("recurrence.weekly"), ""}}, "once");
    h += "</section>\n";

    // 4. How to reach them, 5. where.
    h += "<section class=\"step\" aria-labelledby=\"step-contact\"><h2 id=\"step-contact\">" +
         esc(t("demande.step_contact")) + "</h2>\n";
    h +=
        text_field(t, v, errors, "resident.phone", "demande.phone", "tel", "tel", true, "demande.phone_hint");
    h += text_field(t, v, errors, "resident.email", "demande.email", "email", "email", false);
    h += radio_group(
        t, v, errors, "resident.preferred_contact", "demande.contact_legend",
        {{"phone", t("contact.phone"), ""}, {"sms", t("contact.sms"), ""}, {"email", t("contact.email"), ""}},
        "phone");
    h += "</section>\n";
    h += "<section class=\"step\" aria-labelledby=\"step-where\"><h2 id=\"step-where\">" +
         esc(t("demande.step_where")) + "</h2>\n";
    h += text_field(t, v, errors, "resident.address", "demande.address", "text", "street-address", true,
                    "demande.address_hint");
    const std::string nb = v.get("resident.neighbourhood");
    h += "<div class=\"field\"><label for=\"f-resident.neighbourhood\">" + esc(t("demande.neighbourhood")) +
         "</label>\n" + field_error_html(errors, "resident.neighbourhood") +
         "<select id=\"f-resident.neighbourhood\" name=\"resident.neighbourhood\" required" +
         invalid_attrs(errors, "resident.neighbourhood") + ">\n<option value=\"\">" +
         esc(t("demande.neighbourhood_choose")) + "</option>\n";
    for (const auto& n : d.neighbourhoods)
        h += "<option value=\"" + esc(n.code) + "\"" + (nb == n.code ? " selected" : "") + ">" + esc(n.name) +
             "</option>\n";
    h += "</select></div>\n</section>\n";

    // 6. Consent, with the text itself.
    h += "<section class=\"step\" aria-labelledby=\"step-consent\"><h2 id=\"step-consent\">" +
         esc(t("demande.step_consent")) + "</h2>\n";
    h += "<p id=\"consent-text\">" + esc(t("consent.text")) + "</p>\n" + field_error_html(errors, "consent");
    h += "<div class=\"choice\"><input type=\"checkbox\" id=\"f-consent\" name=\"consent\" value=\"yes\"" +
         std::string(v.has("consent", "yes") ? " checked" : "") + " required" +
         invalid_attrs(errors, "consent", "consent-text") + "><label for=\"f-consent\">" +
         esc(t("consent.checkbox")) + "</label></div>\n</section>\n";

    h += field_error_html(errors, "form");
    h += "<p><button type=\"submit\" class=\"primary big\">" + esc(t("demande.submit")) + "</button></p>\n";
    h += "</form>\n";
    return h;
}

std::string render_confirmation(const dictionary& t, const page_data& d, const std::string& code) {
    std::string h;
    h += "<div class=\"confirmation\" role=\"status\">\n<h1>" + esc(t("confirm.title")) + "</h1>\n";
    h += "<p>" + esc(t("confirm.code_intro")) + "</p>\n";
    h += "<p class=\"tracking-code\" id=\"tracking-code\">" + esc(code) + "</p>\n";
    h += "<p>" + esc(t("confirm.keep_code")) + "</p>\n</div>\n";
    h += "<h2>" + esc(t("confirm.next_title")) + "</h2>\n<ol class=\"next-steps\">\n";
    for (const char* k : {"confirm.next_1", "confirm.next_2", "confirm.next_3"})
        h += "<li>" + esc(t(k)) + "</li>\n";
    h += "</ol>\n<p class=\"phone-box\">" + esc(t("confirm.phone_intro")) +
         " <a href=\"tel:" + esc(d.coordination_phone) + "\" class=\"phone\">" + esc(d.coordination_phone) +
         "</a></p>\n";
    h += "<p><a href=\"/suivi?lang=" + t.lang() + "\">" + esc(t("confirm.track_link")) + "</a></p>\n";
    return h;
}

// --- /demande handlers -------------------------------------------------------------------------------------

std::string need_form(const request_context& ctx) {
    const auto type = ctx.req[http::bhttp::field::content_type];
    if (!type.starts_with("application/x-www-form-urlencoded"))
        throw error(error_kind::unsupported_media_type,
                    "This page accepts application/x-www-form-urlencoded forms; use /api/v1 for JSON.");
    return ctx.req.body();
}

form_values read_form(const request_context& ctx) {
    auto pairs = http::parse_form(need_form(ctx));
    if (!pairs)
        throw bad_request("The form data is malformed.");
    return form_values(std::move(*pairs));
}

/// The message shown for an API validation fault, by form field (plain language, in the page's language).
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
        return std::isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '.' || c == '(' || c == ')' ||
               c == '-';
    });
}

awaitable_response demande_page(request_context& ctx) {
    auto t = co_await load_dictionary(ctx, pick_lang(ctx.query("lang")));
    auto d = co_await load_page_data(ctx);
    const auto main = render_request_form(t, d, form_values{}, {}, random_key());
    co_return html(ctx, status::ok, layout(t, d, t("demande.title"), "/demande", main, "/js/demande.js"));
}

awaitable_response demande_submit(request_context& ctx) {
    auto v = read_form(ctx);
    auto t = co_await load_dictionary(ctx, pick_lang(v.get("lang")));
    auto d = co_await load_page_data(ctx);
    std::string key = v.get("idempotency_key");
    if (key.size() < 16 || key.size() > 64)
        key = random_key();

    // Plain-language checks first, all at once; then the API handler checks the rest (formats, codes).
    field_errors errors;
    auto need = [&](const std::string& name) {
        if (v.get(name).empty())
            errors[name] = message_for(t, name);
    };
    for (const char* f : {"category", "resident.first_name", "resident.last_name", "urgency",
                          "resident.phone", "resident.address", "resident.neighbourhood"})
        need(f);
    if (!v.has("consent", "yes"))
        errors["consent"] = message_for(t, "consent");
    if (auto phone = v.get("resident.phone"); !phone.empty() && !plausible_phone(phone))
        errors["resident.phone"] = message_for(t, "resident.phone");
    if (auto email = v.get("resident.email"); !email.empty() && email.find('@') == std::string::npos)
        errors["resident.email"] = message_for(t, "resident.email");

    const auto now = now_of(ctx);
    std::int64_t from = now;
    if (v.get("start") == "date") {
        auto midnight = city_midnight(v.get("start_date"));
        if (!midnight)
            errors["start_date"] = message_for(t, "start_date");
        else if (*midnight + 86400 <= now || *midnight > now + 90 * 86400)
            errors["start_date"] = t("error.start_date_range");
        else
            from = std::max(now, *midnight + 8 * 3600);  // from 8 in the morning that day
    }
    const std::string urgency = v.get("urgency");
    const std::int64_t span = urgency == "today" ? 86400 : urgency == "48h" ? 2 * 86400 : 7 * 86400;

    if (errors.empty()) {
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
        json::object body{{"resident", std::move(resident)},
                          {"category", v.get("category")},
                          {"details", v.get("details")},
                          {"urgency", urgency},
                          {"window", json::object{{"from", domain::format_iso8601(from)},
                                                  {"until", domain::format_iso8601(from + span)}}},
                          {"recurrence", v.get("recurrence").empty() ? "once" : v.get("recurrence")},
                          {"consent", true}};

        // The very handler of POST /api/v1/requests, as a public caller: same checks, same consent record,
        // same idempotency (the key is per form load, shared with the JavaScript path).
        auto m = ctx.app.routes.match(verb::post, "/api/v1/requests");
        if (!m.target)
            throw error(error_kind::unavailable, "Requests cannot be received right now.");
        http::request inner{verb::post, "/api/v1/requests", 11};
        inner.set(http::bhttp::field::content_type, "application/json");
        inner.set("Idempotency-Key", key);
        inner.body() = json::serialize(body);
        inner.prepare_payload();
        request_context api_ctx(inner, ctx.app, {}, m.pattern, ctx.request_id, ctx.client_address);
        try {
            auto res = co_await (*m.target)(api_ctx);
            auto created = json::parse(res.body());
            const std::string code(created.at("tracking_code").as_string());
            co_return html(ctx, status::ok,
                           layout(t, d, t("confirm.title"), "/demande", render_confirmation(t, d, code), ""));
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
    co_return html(ctx, status::unprocessable_entity,
                   layout(t, d, t("demande.title"), "/demande", main, "/js/demande.js"));
}

// --- /suivi ------------------------------------------------------------------------------------------------

std::string render_track_form(const dictionary& t, const std::string& code, const field_errors& errors) {
    std::string h =
        "<h1>" + esc(t("suivi.title")) + "</h1>\n<p class=\"lead\">" + esc(t("suivi.lead")) + "</p>\n";
    h += error_summary(t, errors, {"code"});
    h += "<form method=\"post\" action=\"/suivi\" class=\"big-form\">\n<input type=\"hidden\" name=\"lang\" "
         "value=\"" +
         t.lang() + "\">\n";
    h += "<div class=\"field\"><label for=\"f-code\">" + esc(t("suivi.code")) +
         "</label>\n<p class=\"hint\" "
         "id=\"hint-code\">" +
         esc(t("suivi.code_hint")) + "</p>" + field_error_html(errors, "code") +
         "<input id=\"f-code\" name=\"code\" type=\"text\" class=\"code-input\" autocomplete=\"off\" "
         "autocapitalize=\"characters\" spellcheck=\"false\" required value=\"" +
         esc(code) + "\"" + invalid_attrs(errors, "code", "hint-code") + "></div>\n";
    h += "<p><button type=\"submit\" class=\"primary big\">" + esc(t("suivi.submit")) +
         "</button></p>\n</form>\n";
    return h;
}

std::string status_text(const dictionary& t, const domain::track_view& v) {
    if (v.status == "closed")
        return t("track.closed_" + v.outcome.value_or("fulfilled"));
    return t("track." + v.status);
}

std::string render_track_status(const dictionary& t, const page_data& d, const std::string& code,
                                const domain::track_view& v, std::string_view notice) {
    std::string h = "<h1>" + esc(t("suivi.status_title")) + "</h1>\n";
    if (!notice.empty())
        h += "<p class=\"notice\" role=\"status\">" + esc(notice) + "</p>\n";
    h += "<dl class=\"status-box\">\n<dt>" + esc(t("suivi.code")) +
         "</dt><dd class=\"tracking-code small\">" + esc(code) + "</dd>\n";
    h += "<dt>" + esc(t("suivi.status")) + "</dt><dd id=\"track-status\">" + esc(status_text(t, v)) +
         "</dd>\n";
    h += "<dt>" + esc(t("suivi.next_visit")) + "</dt><dd id=\"track-next-visit\">" +
         esc(v.next_visit ? city_date_time(*v.next_visit) : t("suivi.no_visit")) + "</dd>\n</dl>\n";
    if (v.status != "closed") {
        h += "<h2>" + esc(t("suivi.cancel_title")) + "</h2>\n<p>" + esc(t("suivi.cancel_intro")) + "</p>\n";
        h += "<form method=\"post\" action=\"/suivi/annuler\">\n<input type=\"hidden\" name=\"lang\" "
             "value=\"" +
             t.lang() + "\">\n<input type=\"hidden\" name=\"code\" value=\"" + esc(code) +
             "\">\n<button type=\"submit\" class=\"danger\">" + esc(t("suivi.cancel_button")) +
             "</button>\n</form>\n";
    }
    h += "<p class=\"phone-box\">" + esc(t("confirm.phone_intro")) +
         " <a href=\"tel:" + esc(d.coordination_phone) + "\" class=\"phone\">" + esc(d.coordination_phone) +
         "</a></p>\n";
    h += "<p><a href=\"/suivi?lang=" + t.lang() + "\">" + esc(t("suivi.other_code")) + "</a></p>\n";
    return h;
}

/// The canonical code typed in the form, or nullopt.
std::optional<std::string> typed_code(const form_values& v) {
    return domain::normalize_tracking_code(v.get("code"));
}

/// "ABCD-EFGH-..." for display.
std::string grouped(const std::string& canonical) {
    std::string out;
    for (std::size_t i = 0; i < canonical.size(); ++i) {
        if (i && i % 4 == 0)
            out += '-';
        out += canonical[i];
    }
    return out;
}

awaitable_response suivi_page(request_context& ctx) {
    auto t = co_await load_dictionary(ctx, pick_lang(ctx.query("lang")));
    auto d = co_await load_page_data(ctx);
    co_return html(ctx, status::ok,
                   layout(t, d, t("suivi.title"), "/suivi", render_track_form(t, "", {}), ""));
}

awaitable_response suivi_lookup(request_context& ctx) {
    auto v = read_form(ctx);
    auto t = co_await load_dictionary(ctx, pick_lang(v.get("lang")));
    auto d = co_await load_page_data(ctx);
    auto code = typed_code(v);
    std::optional<domain::track_view> view;
    if (code) {
        const auto now = now_of(ctx);
        auto job = [hash = domain::tracking_hash(*code), now](SQLite::Database& db) {
            try {
                return std::optional(domain::track_request(db, hash, now));
            } catch (const error& e) {
                if (e.kind() == error_kind::not_found)
                    return std::optional<domain::track_view>();
                throw;
            }
        };
        view = co_await ctx.app.db.read(std::move(job));
    }
    if (!view) {
        const auto main = render_track_form(t, v.get("code"), {{"code", t("error.code")}});
        co_return html(ctx, status::not_found, layout(t, d, t("suivi.title"), "/suivi", main, ""));
    }
    co_return html(ctx, status::ok,
                   layout(t, d, t("suivi.status_title"), "/suivi",
                          render_track_status(t, d, grouped(*code), *view, ""), ""));
}

awaitable_response suivi_cancel(request_context& ctx) {
    auto v = read_form(ctx);
    auto t = co_await load_dictionary(ctx, pick_lang(v.get("lang")));
    auto d = co_await load_page_data(ctx);
    auto code = typed_code(v);
    if (!code) {
        const auto main = render_track_form(t, v.get("code"), {{"code", t("error.code")}});
        co_return html(ctx, status::not_found, layout(t, d, t("suivi.title"), "/suivi", main, ""));
    }
    const std::string shown = grouped(*code);
    if (v.get("confirm") != "yes") {
        // Step one: ask. Without JavaScript a confirmation is a page of its own, with both answers as
        // buttons.
        std::string h = "<h1>" + esc(t("suivi.confirm_title")) + "</h1>\n<p class=\"lead\">" +
                        esc(t("suivi.confirm_text")) + "</p>\n<div class=\"button-row\">\n";
        h += "<form method=\"post\" action=\"/suivi/annuler\"><input type=\"hidden\" name=\"lang\" value=\"" +
             t.lang() + "\"><input type=\"hidden\" name=\"code\" value=\"" + esc(shown) +
             "\"><input type=\"hidden\" name=\"confirm\" value=\"yes\"><button type=\"submit\" "
             "class=\"danger\">" +
             esc(t("suivi.confirm_yes")) + "</button></form>\n";
        h += "<form method=\"post\" action=\"/suivi\"><input type=\"hidden\" name=\"lang\" value=\"" +
             t.lang() + "\"><input type=\"hidden\" name=\"code\" value=\"" + esc(shown) +
             "\"><button type=\"submit\">" + esc(t("suivi.confirm_no")) + "</button></form>\n</div>\n";
        co_return html(ctx, status::ok, layout(t, d, t("suivi.confirm_title"), "/suivi", h, ""));
    }
    const auto now = now_of(ctx);
    const auto hash = domain::tracking_hash(*code);
    auto cancel = [hash, now](SQLite::Database& db) -> std::pair<int, domain::track_view> {
        try {
            return {0, domain::cancel_by_tracking(db, hash, now)};
        } catch (const error& e) {
            if (e.kind() == error_kind::not_found)
                return {404, {}};
            if (e.kind() == error_kind::conflict)
                return {409, domain::track_request(db, hash, now)};
            throw;
        }
    };
    auto [outcome, view] = co_await ctx.app.db.write(std::move(cancel));
    if (outcome == 404) {
        const auto main = render_track_form(t, shown, {{"code", t("error.code")}});
        co_return html(ctx, status::not_found, layout(t, d, t("suivi.title"), "/suivi", main, ""));
    }
    const auto notice = outcome == 409 ? t("suivi.already_closed") : t("suivi.cancelled");
    co_return html(
        ctx, outcome == 409 ? status::conflict : status::ok,
        layout(t, d, t("suivi.status_title"), "/suivi", render_track_status(t, d, shown, view, notice), ""));
}

// --- refusals
// ------------------------------------------------------------------------------------------------

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

/// The page a browser gets instead of problem+json when a resident page refuses a request (rate limit, a
/// form posted from another site, a server fault): what happened in plain words, when to retry, the
/// coordination's phone number and the way back; on /demande and /suivi, the form again with what was typed.
/// The status and Retry-After stay. A client asking for JSON only keeps the problem+json.
boost::asio::awaitable<http::response> refusal_page(app::app_context& app, const http::request& req,
                                                    http::response problem) {
    const auto accept = req[http::bhttp::field::accept];
    if (accept.find("json") != std::string_view::npos && accept.find("text/html") == std::string_view::npos)
        co_return problem;
    std::string_view target = req.target();
    const std::string path(target.substr(0, target.find('?')));
    // The language: the form's hidden field, else ?lang= in the address.
    std::optional<form_values> form;
    if (req[http::bhttp::field::content_type].starts_with("application/x-www-form-urlencoded"))
        if (auto pairs = http::parse_form(req.body()))
            form.emplace(std::move(*pairs));
    std::optional<std::string> lang;
    if (form && !form->get("lang").empty())
        lang = form->get("lang");
    else if (auto q = target.find("lang="); q != std::string_view::npos)
        lang = std::string(target.substr(q + 5, 2));
    const unsigned st = problem.result_int();
    std::string body;
    try {
        auto t = co_await load_dictionary(app, pick_lang(lang));
        page_data d;
        try {
            d = co_await load_page_data(app);
        } catch (const std::exception&) {
            d.programme_name = "Relais";  // the database is what failed: a page without its settings
        }
        const bool tracking = path.starts_with("/suivi");
        std::string h = "<div class=\"error-summary refusal\" role=\"alert\" id=\"refusal\">\n<h1>" +
                        esc(t("refusal.title")) + "</h1>\n<p>" + esc(t(refusal_key(st))) + "</p>\n";
        if (st == 429 || st == 503) {
            const auto wait = problem[http::bhttp::field::retry_after];
            long seconds = 0;
            std::from_chars(wait.data(), wait.data() + wait.size(), seconds);
            const long minutes = std::max<long>(1, (seconds + 59) / 60);
            h += "<p id=\"refusal-wait\">" + esc(t.fill("refusal.wait", "minutes", std::to_string(minutes))) +
                 "</p>\n";
        }
        if (!d.coordination_phone.empty())
            h += "<p class=\"phone-box\">" + esc(t("refusal.phone_intro")) +
                 " <a href=\"tel:" + esc(d.coordination_phone) + "\" class=\"phone\">" +
                 esc(d.coordination_phone) + "</a></p>\n";
        const std::string back = tracking ? "/suivi" : "/demande";
        h += "<p><a href=\"" + back + "?lang=" + t.lang() + "\" id=\"refusal-back\">" +
             esc(t(tracking ? "refusal.back_suivi" : "refusal.back_demande")) + "</a></p>\n</div>\n";
        // The form again with what was typed, so nothing is lost while waiting (not sent again by itself).
        // Not for a post from another site (403): its values are that site's, not the resident's.
        std::string again;
        if (st == 403)
            form.reset();
        if (form && path == "/demande") {
            std::string key = form->get("idempotency_key");
            if (key.size() < 16 || key.size() > 64)
                key = random_key();
            again = render_request_form(t, d, *form, {}, key);
        } else if (form && tracking) {
            again = render_track_form(t, form->get("code"), {});
        }
        if (!again.empty()) {
            // The form's own heading becomes a second-level one under the refusal's.
            if (auto at = again.find("<h1>"); at != std::string::npos) {
                again.replace(at, 4, "<h2>");
                if (auto end = again.find("</h1>", at); end != std::string::npos)
                    again.replace(end, 5, "</h2>");
            }
            h += again;
        }
        body = layout(t, d, t("refusal.title"), tracking ? "/suivi" : "/demande", h,
                      path == "/demande" && !again.empty() ? "/js/demande.js" : "");
    } catch (const std::exception&) {
        co_return problem;  // the dictionaries are unreadable: the problem+json is better than nothing
    }
    http::response res{problem.result(), problem.version()};
    res.set(http::bhttp::field::content_type, "text/html; charset=utf-8");
    res.set(http::bhttp::field::cache_control, "no-store");
    for (auto field : {http::bhttp::field::retry_after, http::bhttp::field::allow})
        if (auto v = problem[field]; !v.empty())
            res.set(field, v);
    res.keep_alive(problem.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    co_return res;
}

}  // namespace

void register_form_routes(app::app_context& app) {
    auto& r = app.routes;
    app.page_refusal = refusal_page;
    r.add(verb::get, "/demande", demande_page);
    r.add(verb::post, "/demande", demande_submit);
    r.add(verb::get, "/suivi", suivi_page);
    r.add(verb::post, "/suivi", suivi_lookup);
    r.add(verb::post, "/suivi/annuler", suivi_cancel);
}

}  // namespace relais::api
