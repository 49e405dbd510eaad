// One-tap answers (/reponse/{token}): the link of a proposal's email opens this page, which shows the
// proposal (category, time, neighbourhood, deadline: nothing the email did not say) and two buttons; the
// answer is a POST of the same address, so a link preview or a prefetch cannot answer in the volunteer's
// place. Works without JavaScript; no password (the link is the volunteer's, single use, valid until the
// proposal expires: domain/answer_links.hpp).

#include "api/pages/page_kit.hpp"
#include "core/error.hpp"
#include "domain/answer_links.hpp"
#include "domain/spoken_date.hpp"

namespace relais::api::pages {

namespace {

std::string category_of(const page_data& d, const std::string& code, const std::string& lang) {
    for (const auto& c : d.categories)
        if (c.code == code)
            return lang == "en" && !c.label_en.empty() ? c.label_en : c.label_fr;
    return code;
}

std::string neighbourhood_of(const page_data& d, const std::string& code) {
    for (const auto& n : d.neighbourhoods)
        if (n.code == code)
            return n.name;
    return code;
}

html::markup render_proposal(const dictionary& t, const page_data& d, const domain::mission_record& m) {
    return html::format(
        "<dl class=\"status-box\">\n<dt>{}</dt><dd id=\"answer-category\">{}</dd>\n<dt>{}</dt><dd>{}</dd>\n"
        "<dt>{}</dt><dd>{}</dd>\n</dl>\n",
        t("answer.what"), category_of(d, m.category, t.lang()), t("answer.when"),
        domain::spoken_date_time(t, d.city, m.starts_at), t("answer.where"),
        neighbourhood_of(d, m.neighbourhood));
}

/// The state of a link that can no longer be answered, in plain words, with the coordination's phone.
html::markup render_closed(const dictionary& t, const page_data& d, std::string_view key) {
    return html::format("<h1>{}</h1>\n<p class=\"notice\" role=\"status\">{}</p>\n", t("answer.title"),
                        t(key)) +
           phone_box(t, d, "confirm.phone_intro");
}

}  // namespace

awaitable_response answer_page(request_context& ctx, page_services s) {
    auto t = s.words->get(s.words->pick(ctx.query("lang").value_or("")));
    auto d = co_await load_page_data(s.data.db);
    const std::string token(ctx.param("token"));
    auto job = [token,
                now = s.data.clk.now_s()](SQLite::Database& db) -> std::optional<domain::answer_link_view> {
        try {
            return domain::view_answer_link(db, token, now);
        } catch (const error& e) {
            if (e.kind() == error_kind::not_found)
                return std::nullopt;
            throw;
        }
    };
    const auto view = co_await s.data.db.read(std::move(job));
    const std::string self = "/reponse/" + token;
    if (!view)
        co_return page_response(
            ctx, status::not_found,
            layout(t, d, t("answer.title"), self, render_closed(t, d, "answer.unknown"), ""));
    using st = domain::answer_link_view::state;
    if (view->status != st::open) {
        const char* key = view->status == st::used      ? "answer.used"
                          : view->status == st::expired ? "answer.expired"
                                                        : "answer.answered";
        co_return page_response(ctx, status::gone,
                                layout(t, d, t("answer.title"), self, render_closed(t, d, key), ""));
    }
    auto main = html::format("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", t("answer.title"),
                             t("answer.lead", {{"programme", d.programme_name}}));
    main += render_proposal(t, d, view->mission);
    main += html::format(
        "<p>{}</p>\n",
        t("answer.deadline", {{"expires", view->mission.expires_at
                                              ? domain::spoken_date_time(t, d.city, *view->mission.expires_at)
                                              : std::string()}}));
    main += html::format(
        "<div class=\"button-row\">\n"
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\">"
        "<input type=\"hidden\" name=\"answer\" value=\"accept\">"
        "<button type=\"submit\" class=\"primary big\">{}</button></form>\n"
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\">"
        "<input type=\"hidden\" name=\"answer\" value=\"decline\">"
        "<button type=\"submit\" class=\"big\">{}</button></form>\n</div>\n",
        self, t.lang(), t("answer.accept"), self, t.lang(), t("answer.decline"));
    co_return page_response(ctx, status::ok, layout(t, d, t("answer.title"), self, main, ""));
}

awaitable_response answer_submit(request_context& ctx, page_services s) {
    auto v = read_form(ctx);
    auto t = s.words->get(s.words->pick(v.get("lang")));
    const std::string answer = v.get("answer");
    if (answer != "accept" && answer != "decline")
        throw validation_error({{"answer", "must be accept or decline"}});
    auto d = co_await load_page_data(s.data.db);
    const std::string token(ctx.param("token"));
    const std::string self = "/reponse/" + token;
    auto job = [token, accept = answer == "accept",
                now = s.data.clk.now_s()](SQLite::Database& db) -> std::pair<int, domain::mission_record> {
        try {
            return {0, domain::answer_by_link(db, token, accept, now)};
        } catch (const error& e) {
            if (e.kind() == error_kind::not_found)
                return {404, {}};
            if (e.kind() == error_kind::conflict)
                return {410, {}};
            throw;
        }
    };
    const auto [outcome, mission] = co_await s.data.db.write(std::move(job));
    if (outcome == 404)
        co_return page_response(
            ctx, status::not_found,
            layout(t, d, t("answer.title"), self, render_closed(t, d, "answer.unknown"), ""));
    if (outcome == 410)
        co_return page_response(
            ctx, status::gone,
            layout(t, d, t("answer.title"), self, render_closed(t, d, "answer.too_late"), ""));
    auto main =
        html::format("<h1>{}</h1>\n<p class=\"success\" role=\"status\" id=\"answer-done\">{}</p>\n",
                     t("answer.title"), t(answer == "accept" ? "answer.accepted" : "answer.declined"));
    main += render_proposal(t, d, mission);
    main += html::format("<p><a href=\"/benevole\">{}</a></p>\n", t("answer.space"));
    co_return page_response(ctx, status::ok, layout(t, d, t("answer.title"), self, main, ""));
}

}  // namespace relais::api::pages
