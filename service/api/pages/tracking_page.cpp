// Tracking without JavaScript (/suivi): the resident types the code read out to them or shown after their
// request, sees its status and next visit (in the city's time), and may cancel it, with a confirmation page
// of its own.

#include "api/pages/page_kit.hpp"
#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/requests.hpp"
#include "domain/spoken_date.hpp"

namespace relais::api::pages {

namespace {

html::markup render_track_status(const dictionary& t, const page_data& d, const std::string& code,
                                 const domain::track_view& v, std::string_view notice) {
    auto h = html::format("<h1>{}</h1>\n", t("suivi.status_title"));
    if (!notice.empty())
        h += html::format("<p class=\"notice\" role=\"status\">{}</p>\n", notice);
    const std::string status_text =
        v.status == "closed" ? t("track.closed_" + v.outcome.value_or("fulfilled")) : t("track." + v.status);
    h += html::format(
        "<dl class=\"status-box\">\n<dt>{}</dt><dd class=\"tracking-code small\">{}</dd>\n"
        "<dt>{}</dt><dd id=\"track-status\">{}</dd>\n"
        "<dt>{}</dt><dd id=\"track-next-visit\">{}</dd>\n</dl>\n",
        t("suivi.code"), code, t("suivi.status"), status_text, t("suivi.next_visit"),
        v.next_visit ? domain::spoken_date_time(t, d.city, *v.next_visit) : t("suivi.no_visit"));
    if (v.status != "closed")
        h += html::format(
            "<h2>{}</h2>\n<p>{}</p>\n<form method=\"post\" action=\"/suivi/annuler\">\n"
            "<input type=\"hidden\" name=\"lang\" value=\"{}\">\n"
            "<input type=\"hidden\" name=\"code\" value=\"{}\">\n"
            "<button type=\"submit\" class=\"danger\">{}</button>\n</form>\n",
            t("suivi.cancel_title"), t("suivi.cancel_intro"), t.lang(), code, t("suivi.cancel_button"));
    h += phone_box(t, d, "confirm.phone_intro");
    return h + html::format("<p><a href=\"/suivi?lang={}\">{}</a></p>\n", t.lang(), t("suivi.other_code"));
}

/// The confirmation asked before cancelling: without JavaScript it is a page of its own, with both answers
/// as buttons.
html::markup render_cancel_confirmation(const dictionary& t, const std::string& shown) {
    return html::format(
        "<h1>{}</h1>\n<p class=\"lead\">{}</p>\n<div class=\"button-row\">\n"
        "<form method=\"post\" action=\"/suivi/annuler\"><input type=\"hidden\" name=\"lang\" value=\"{}\">"
        "<input type=\"hidden\" name=\"code\" value=\"{}\"><input type=\"hidden\" name=\"confirm\" "
        "value=\"yes\">"
        "<button type=\"submit\" class=\"danger\">{}</button></form>\n"
        "<form method=\"post\" action=\"/suivi\"><input type=\"hidden\" name=\"lang\" value=\"{}\">"
        "<input type=\"hidden\" name=\"code\" value=\"{}\"><button "
        "type=\"submit\">{}</button></form>\n</div>\n",
        t("suivi.confirm_title"), t("suivi.confirm_text"), t.lang(), shown, t("suivi.confirm_yes"), t.lang(),
        shown, t("suivi.confirm_no"));
}

/// The form again with "this code is unknown" (404).
wire::response unknown_code(const request_context& ctx, const dictionary& t, const page_data& d,
                            const std::string& typed) {
    const auto main = render_track_form(t, typed, {{"code", t("error.code")}});
    return page_response(ctx, status::not_found, layout(t, d, t("suivi.title"), "/suivi", main, ""));
}

}  // namespace

html::markup render_track_form(const dictionary& t, const std::string& code, const field_errors& errors) {
    auto h = html::format("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", t("suivi.title"), t("suivi.lead"));
    h += error_summary(t, errors, {"code"});
    return h +
           html::format(
               "<form method=\"post\" action=\"/suivi\" class=\"big-form\">\n"
               "<input type=\"hidden\" name=\"lang\" value=\"{}\">\n"
               "<div class=\"field\"><label for=\"f-code\">{}</label>\n<p class=\"hint\" "
               "id=\"hint-code\">{}</p>{}"
               "<input id=\"f-code\" name=\"code\" type=\"text\" class=\"code-input\" autocomplete=\"off\" "
               "autocapitalize=\"characters\" spellcheck=\"false\" required value=\"{}\"{}></div>\n"
               "<p><button type=\"submit\" class=\"primary big\">{}</button></p>\n</form>\n",
               t.lang(), t("suivi.code"), t("suivi.code_hint"), field_error(errors, "code"), code,
               invalid_attrs(errors, "code", "hint-code"), t("suivi.submit"));
}

awaitable_response tracking_page(request_context& ctx, page_services s) {
    auto t = s.words->get(s.words->pick(ctx.query("lang").value_or("")));
    auto d = co_await load_page_data(s.data.db);
    co_return page_response(ctx, status::ok,
                            layout(t, d, t("suivi.title"), "/suivi", render_track_form(t, "", {}), ""));
}

awaitable_response tracking_lookup(request_context& ctx, page_services s) {
    auto v = read_form(ctx);
    auto t = s.words->get(s.words->pick(v.get("lang")));
    auto d = co_await load_page_data(s.data.db);
    auto code = domain::normalize_tracking_code(v.get("code"));
    std::optional<domain::track_view> view;
    if (code) {
        auto job = [hash = domain::tracking_hash(*code), now = s.data.clk.now_s()](SQLite::Database& db) {
            try {
                return std::optional(domain::track_request(db, hash, now));
            } catch (const error& e) {
                if (e.kind() == error_kind::not_found)
                    return std::optional<domain::track_view>();
                throw;
            }
        };
        view = co_await s.data.db.read(std::move(job));
    }
    if (!view)
        co_return unknown_code(ctx, t, d, v.get("code"));
    co_return page_response(ctx, status::ok,
                            layout(t, d, t("suivi.status_title"), "/suivi",
                                   render_track_status(t, d, grouped(*code), *view, ""), ""));
}

awaitable_response tracking_cancel(request_context& ctx, page_services s) {
    auto v = read_form(ctx);
    auto t = s.words->get(s.words->pick(v.get("lang")));
    auto d = co_await load_page_data(s.data.db);
    auto code = domain::normalize_tracking_code(v.get("code"));
    if (!code)
        co_return unknown_code(ctx, t, d, v.get("code"));
    const std::string shown = grouped(*code);
    if (v.get("confirm") != "yes")
        co_return page_response(
            ctx, status::ok,
            layout(t, d, t("suivi.confirm_title"), "/suivi", render_cancel_confirmation(t, shown), ""));
    auto cancel = [hash = domain::tracking_hash(*code),
                   now = s.data.clk.now_s()](SQLite::Database& db) -> std::pair<int, domain::track_view> {
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
    auto [outcome, view] = co_await s.data.db.write(std::move(cancel));
    if (outcome == 404)
        co_return unknown_code(ctx, t, d, shown);
    const auto notice = outcome == 409 ? t("suivi.already_closed") : t("suivi.cancelled");
    co_return page_response(
        ctx, outcome == 409 ? status::conflict : status::ok,
        layout(t, d, t("suivi.status_title"), "/suivi", render_track_status(t, d, shown, view, notice), ""));
}

}  // namespace relais::api::pages
