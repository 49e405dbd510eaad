// The city's own wording of its messages (notify/message_texts.hpp): admins read every message text with its
// default and placeholders, rewrite one in one language, or restore the default. The rewrite is checked
// (placeholders of the original only, the essential ones kept) and logged as an event (no text in it).

#include "api/body_reader.hpp"
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "domain/events.hpp"
#include "notify/message_texts.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

/// The default text of `key` in `lang`; 404 for a language without texts or a key that is no message text.
std::string default_text(const template_services& s, const std::string& lang, const std::string& key) {
    const auto* texts = s.words->texts_of(lang);
    const auto* fr = s.words->texts_of("fr");
    if (!texts || !notify::template_key(key))
        throw not_found("No such message text.");
    const auto* v = texts->if_contains(key);
    if (!v && fr)
        v = fr->if_contains(key);
    if (!v || !v->is_string())
        throw not_found("No such message text.");
    return std::string(v->get_string());
}

json::object item_json(const std::string& lang, const std::string& key, const std::string& original,
                       const std::optional<std::string>& custom) {
    json::array names;
    for (const auto& p : notify::placeholders_of(original))
        names.emplace_back(p);
    return json::object{{"lang", lang},
                        {"key", key},
                        {"text", custom.value_or(original)},
                        {"default", original},
                        {"placeholders", std::move(names)},
                        {"custom", custom.has_value()}};
}

awaitable_response list_templates(const template_services& s, request_context& ctx) {
    auto job = [](SQLite::Database& db) {
        std::map<std::pair<std::string, std::string>, std::string> custom;
        auto q = store::prepare(db, "SELECT lang, key, text FROM message_template");
        while (q->executeStep())
            custom[{q->getColumn(0).getString(), q->getColumn(1).getString()}] = q->getColumn(2).getString();
        return custom;
    };
    const auto custom = co_await s.data.db.read(std::move(job));
    json::array items;
    const auto* fr = s.words->texts_of("fr");
    for (const auto& lang : s.words->languages()) {
        if (!fr)
            break;
        for (const auto& kv : *fr) {  // every language has the French keys (French is the fallback)
            const std::string key(kv.key());
            if (!notify::template_key(key))
                continue;
            const auto found = custom.find({lang, key});
            items.push_back(item_json(lang, key, default_text(s, lang, key),
                                      found == custom.end() ? std::nullopt : std::optional(found->second)));
        }
    }
    co_return ctx.json(status::ok, json::object{{"items", std::move(items)}});
}

awaitable_response put_template(const template_services& s, request_context& ctx) {
    const std::string lang(ctx.param("lang")), key(ctx.param("key"));
    const std::string original = default_text(s, lang, key);
    body_reader r(ctx.json_body());
    auto text = r.text("text", {1, 2000, true});
    if (text)
        if (auto fault = notify::check_template(original, *text))
            r.fail("text", *fault);
    r.done();
    auto job = [lang, key, t = *text, now = s.data.clk.now_s(), who = actor_of(ctx)](SQLite::Database& db) {
        auto q =
            store::prepare(db,
                           "INSERT INTO message_template(lang, key, text, updated_at, updated_by) VALUES "
                           "(?, ?, ?, ?, ?) ON CONFLICT(lang, key) DO UPDATE SET text = excluded.text, "
                           "updated_at = excluded.updated_at, updated_by = excluded.updated_by");
        q->bind(1, lang);
        q->bind(2, key);
        q->bind(3, t);
        q->bind(4, now);
        q->bind(5, who.id);
        q->exec();
        domain::append_event(db, now, who,
                             {"message_template",
                              lang + ":" + key,
                              "edited",
                              std::nullopt,
                              std::nullopt,
                              std::nullopt,
                              {{"lang", lang}, {"key", key}}});
        return true;
    };
    co_await s.data.db.write(std::move(job));
    co_return ctx.json(status::ok, item_json(lang, key, original, *text));
}

awaitable_response delete_template(const template_services& s, request_context& ctx) {
    no_fields(ctx);
    const std::string lang(ctx.param("lang")), key(ctx.param("key"));
    default_text(s, lang, key);  // 404 for no such text
    auto job = [lang, key, now = s.data.clk.now_s(), who = actor_of(ctx)](SQLite::Database& db) {
        auto q = store::prepare(db, "DELETE FROM message_template WHERE lang = ? AND key = ?");
        q->bind(1, lang);
        q->bind(2, key);
        q->exec();
        if (db.getChanges() > 0)
            domain::append_event(db, now, who,
                                 {"message_template",
                                  lang + ":" + key,
                                  "restored",
                                  std::nullopt,
                                  std::nullopt,
                                  std::nullopt,
                                  {{"lang", lang}, {"key", key}}});
        return true;
    };
    co_await s.data.db.write(std::move(job));
    co_return ctx.empty(status::no_content);
}

}  // namespace

void add_template_routes(wire::route_table& t, const template_services& s) {
    t.add({verb::get, "/api/v1/message-templates", {adm}, "", plain, bind(s, list_templates)});
    t.add({verb::put,
           "/api/v1/message-templates/{lang}/{key}",
           {adm},
           "MessageTemplateUpdate",
           plain,
           bind(s, put_template)});
    t.add({verb::delete_,
           "/api/v1/message-templates/{lang}/{key}",
           {adm},
           "Empty",
           plain,
           bind(s, delete_template)});
}

}  // namespace relais::api
