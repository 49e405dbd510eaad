// One-click opt-out of optional messages (/desabonner/{token}): the link at the foot of a reminder or a
// digest, and its List-Unsubscribe header. The page's button, or a mail client's one-click POST (RFC 8058:
// body "List-Unsubscribe=One-Click", no Origin), stops the reminders, "did it happen?" and the morning digest
// for that person; essential messages still go. A GET changes nothing (link scanners follow links).

#include "api/pages/page_kit.hpp"
#include "notify/outbox.hpp"

namespace relais::api::pages {

awaitable_response unsubscribe_page(request_context& ctx, page_services s) {
    auto t = s.words->get(s.words->pick(ctx.query("lang").value_or("")));
    auto d = co_await load_page_data(s.data.db);
    const std::string self = "/desabonner/" + std::string(ctx.param("token"));
    auto main = html::format(
        "<h1>{}</h1>\n<p class=\"lead\">{}</p>\n"
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\">"
        "<button type=\"submit\" class=\"primary big\">{}</button></form>\n",
        t("unsub.title"), t("unsub.lead", {{"programme", d.programme_name}}), self, t.lang(),
        t("unsub.button"));
    co_return page_response(ctx, status::ok, layout(t, d, t("unsub.title"), self, main, ""));
}

awaitable_response unsubscribe_submit(request_context& ctx, page_services s) {
    auto v = read_form(ctx);
    auto t = s.words->get(s.words->pick(v.get("lang")));
    auto d = co_await load_page_data(s.data.db);
    const std::string token(ctx.param("token"));
    const std::string self = "/desabonner/" + token;
    auto job = [token, now = s.data.clk.now_s()](SQLite::Database& db) {
        return notify::unsubscribe(db, token, now);
    };
    const bool done = co_await s.data.db.write(std::move(job));
    auto main =
        html::format("<h1>{}</h1>\n<p class=\"{}\" role=\"status\" id=\"unsubscribe-state\">{}</p>\n",
                     t("unsub.title"), done ? "success" : "notice", t(done ? "unsub.done" : "unsub.unknown"));
    if (!done)
        main += phone_box(t, d, "confirm.phone_intro");
    co_return page_response(ctx, done ? status::ok : status::not_found,
                            layout(t, d, t("unsub.title"), self, main, ""));
}

}  // namespace relais::api::pages
