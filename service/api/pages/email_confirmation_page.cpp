// Email confirmation (/confirmer/{token}): the link sent to a new registration's address opens this page;
// the address is confirmed by its button, a POST of the same address, so a mail scanner that follows links
// confirms nothing. Works without JavaScript; shows nothing about the account.

#include "api/pages/page_kit.hpp"
#include "auth/sign_in_codes.hpp"

namespace relais::api::pages {

namespace {

html::markup outcome(const dictionary& t, std::string_view key, std::string_view css) {
    return html::format(
        "<h1>{}</h1>\n<p class=\"{}\" role=\"status\" id=\"confirmation-state\">{}</p>\n"
        "<p><a href=\"/benevole\">{}</a></p>\n",
        t("emailconf.title"), css, t(key), t("emailconf.space"));
}

}  // namespace

awaitable_response email_confirmation_page(request_context& ctx, page_services s) {
    auto t = s.words->get(s.words->pick(ctx.query("lang").value_or("")));
    auto d = co_await load_page_data(s.data.db);
    const std::string self = "/confirmer/" + std::string(ctx.param("token"));
    auto main = html::format(
        "<h1>{}</h1>\n<p class=\"lead\">{}</p>\n"
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\">"
        "<button type=\"submit\" class=\"primary big\">{}</button></form>\n",
        t("emailconf.title"), t("emailconf.lead", {{"programme", d.programme_name}}), self, t.lang(),
        t("emailconf.button"));
    co_return page_response(ctx, status::ok, layout(t, d, t("emailconf.title"), self, main, ""));
}

awaitable_response email_confirmation_submit(request_context& ctx, page_services s) {
    auto v = read_form(ctx);
    auto t = s.words->get(s.words->pick(v.get("lang")));
    auto d = co_await load_page_data(s.data.db);
    const std::string token(ctx.param("token"));
    const std::string self = "/confirmer/" + token;
    auto job = [token, now = s.data.clk.now_s()](SQLite::Database& db) {
        return auth::confirm_email(db, token, now);
    };
    const auth::confirmation done = co_await s.data.db.write(std::move(job));
    if (done == auth::confirmation::unknown)
        co_return page_response(
            ctx, status::not_found,
            layout(t, d, t("emailconf.title"), self,
                   outcome(t, "emailconf.unknown", "notice") + phone_box(t, d, "confirm.phone_intro"), ""));
    const char* key = done == auth::confirmation::confirmed ? "emailconf.done" : "emailconf.already";
    co_return page_response(ctx, status::ok,
                            layout(t, d, t("emailconf.title"), self, outcome(t, key, "success"), ""));
}

}  // namespace relais::api::pages
