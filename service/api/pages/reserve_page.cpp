// A reserve campaign's link (/reserve/{token}): the coordination's message to a reserve member, with three
// answers: "I'm available again" (back to active), "not now, keep me in the reserve" (consent confirmed for a
// year) and "leave the reserve". Like the one-tap answers to a proposal: the answer is a POST of the same
// address (a link preview cannot answer), it works without JavaScript, the link is single use and personal
// (domain/reserve.hpp). Opening it is counted in the campaign's funnel.

#include "api/pages/page_kit.hpp"
#include "core/error.hpp"
#include "domain/reserve.hpp"

namespace relais::api::pages {

namespace {

/// The coordination's message, one paragraph per line.
html::markup render_message(const domain::reserve_link_view& v) {
    html::markup out = html::format("<blockquote class=\"status-box\" id=\"reserve-message\">\n");
    std::size_t start = 0;
    while (start <= v.message.size()) {
        auto end = v.message.find('\n', start);
        if (end == std::string::npos)
            end = v.message.size();
        if (end > start)
            out += html::format("<p>{}</p>\n", v.message.substr(start, end - start));
        start = end + 1;
    }
    out += html::format("</blockquote>\n");
    return out;
}

html::markup render_closed(const dictionary& t, const page_data& d, std::string_view key) {
    return html::format("<h1>{}</h1>\n<p class=\"notice\" role=\"status\">{}</p>\n", t("reserve_link.title"),
                        t(key)) +
           phone_box(t, d, "reserve_link.phone_intro");
}

std::string self_of(const std::string& token) {
    return "/reserve/" + token;
}

}  // namespace

awaitable_response reserve_page(request_context& ctx, page_services s) {
    auto t = s.words->get(s.words->pick(ctx.query("lang").value_or("")));
    auto d = co_await load_page_data(s.data.db);
    const std::string token(ctx.param("token"));
    // Opening is a write (the funnel's "opened"), once per recipient.
    auto job = [token,
                now = s.data.clk.now_s()](SQLite::Database& db) -> std::optional<domain::reserve_link_view> {
        try {
            return domain::open_reserve_link(db, token, now);
        } catch (const error& e) {
            if (e.kind() == error_kind::not_found)
                return std::nullopt;
            throw;
        }
    };
    const auto view = co_await s.data.db.write(std::move(job));
    const std::string self = self_of(token);
    if (!view)
        co_return page_response(
            ctx, status::not_found,
            layout(t, d, t("reserve_link.title"), self, render_closed(t, d, "reserve_link.unknown"), ""));
    using st = domain::reserve_link_view::state;
    if (view->status != st::open)
        co_return page_response(
            ctx, status::gone,
            layout(t, d, t("reserve_link.title"), self,
                   render_closed(t, d,
                                 view->status == st::answered ? "reserve_link.used" : "reserve_link.expired"),
                   ""));
    auto main = html::format("<h1>{}</h1>\n<p class=\"lead\">{}</p>\n", t("reserve_link.title"),
                             t("reserve_link.lead", {{"programme", d.programme_name}}));
    main += render_message(*view);
    auto button = [&](const char* answer, const char* id, std::string_view label, const char* cls) {
        return html::format(
            "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\">"
            "<input type=\"hidden\" name=\"answer\" value=\"{}\">"
            "<button type=\"submit\" id=\"{}\" class=\"{}\">{}</button></form>\n",
            self, t.lang(), answer, id, cls, label);
    };
    main += html::format("<div class=\"button-row\">\n");
    main += button("available", "reserve-available", t("reserve_link.available"), "primary big");
    main += button("stay", "reserve-stay", t("reserve_link.stay"), "big");
    main += button("leave", "reserve-leave", t("reserve_link.leave"), "big");
    main += html::format("</div>\n");
    main += phone_box(t, d, "reserve_link.phone_intro");
    co_return page_response(ctx, status::ok, layout(t, d, t("reserve_link.title"), self, main, ""));
}

awaitable_response reserve_submit(request_context& ctx, page_services s) {
    auto v = read_form(ctx);
    auto t = s.words->get(s.words->pick(v.get("lang")));
    const std::string answer = v.get("answer");
    if (std::find(domain::reserve_answers.begin(), domain::reserve_answers.end(), answer) ==
        domain::reserve_answers.end())
        throw validation_error({{"answer", "must be available, stay or leave"}});
    auto d = co_await load_page_data(s.data.db);
    const std::string token(ctx.param("token"));
    const std::string self = self_of(token);
    auto job = [token, answer, now = s.data.clk.now_s()](SQLite::Database& db) -> int {
        try {
            domain::answer_reserve_link(db, token, answer, now);
            return 0;
        } catch (const error& e) {
            if (e.kind() == error_kind::not_found)
                return 404;
            if (e.kind() == error_kind::conflict)
                return 410;
            throw;
        }
    };
    const int outcome = co_await s.data.db.write(std::move(job));
    if (outcome == 404)
        co_return page_response(
            ctx, status::not_found,
            layout(t, d, t("reserve_link.title"), self, render_closed(t, d, "reserve_link.unknown"), ""));
    if (outcome == 410)
        co_return page_response(
            ctx, status::gone,
            layout(t, d, t("reserve_link.title"), self, render_closed(t, d, "reserve_link.used"), ""));
    auto main = html::format("<h1>{}</h1>\n<p class=\"success\" role=\"status\" id=\"reserve-done\">{}</p>\n",
                             t("reserve_link.title"), t("reserve_link.done_" + answer));
    if (answer == "available")
        main += html::format("<p><a href=\"/benevole\">{}</a></p>\n", t("answer.space"));
    main += phone_box(t, d, "reserve_link.phone_intro");
    co_return page_response(ctx, status::ok, layout(t, d, t("reserve_link.title"), self, main, ""));
}

}  // namespace relais::api::pages
