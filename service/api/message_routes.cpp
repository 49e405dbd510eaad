// A person's messages (issue 14): what the outbox sent a volunteer or a resident, by which channel, and what
// became of it, for the coordinators on that person's page. Never the address or the text. A message that
// failed for good is how the coordination learns that the person could not be reached.
#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "domain/requests.hpp"
#include "domain/time_format.hpp"
#include "domain/volunteers.hpp"
#include "notify/outbox.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

json::value message_json(const notify::message_summary& m) {
    auto time = [](const std::optional<std::int64_t>& t) {
        return t ? json::value(domain::format_iso8601(*t)) : json::value(nullptr);
    };
    json::array log;
    for (const auto& l : m.log)
        log.push_back(json::object{{"at", domain::format_iso8601(l.at)},
                                   {"status", l.status},
                                   {"detail", l.detail ? json::value(*l.detail) : json::value(nullptr)}});
    return json::object{{"id", m.id},
                        {"kind", m.kind},
                        {"channel", m.channel},
                        {"status", m.status},
                        {"created_at", domain::format_iso8601(m.created_at)},
                        {"sent_at", time(m.sent_at)},
                        {"delivered_at", time(m.delivered_at)},
                        {"attempts", m.attempts},
                        {"last_error", m.last_error ? json::value(*m.last_error) : json::value(nullptr)},
                        {"log", std::move(log)}};
}

/// The newest 100 messages to the `kind` ("volunteer", "resident") whose id is the path's, after `exists`
/// (which throws not_found for an unknown person rather than answering an empty list), with the channels'
/// state: the console says when a channel is off or the links point nowhere.
awaitable_response messages_of(const account_services& s, request_context& ctx, std::string kind,
                               void (*exists)(SQLite::Database&, const std::string&)) {
    auto job = [id = std::string(ctx.param("id")), kind = std::move(kind), exists, email = s.email_enabled,
                sms = s.sms_enabled, push = s.push_enabled, links = s.links_ok](SQLite::Database& db) {
        exists(db, id);
        json::array items;
        for (const auto& m : notify::messages_of(db, kind, id, 100))
            items.push_back(message_json(m));
        return json::value(json::object{{"items", std::move(items)},
                                        {"email_enabled", email},
                                        {"sms_enabled", sms},
                                        {"push_enabled", push},
                                        {"links_ok", links}});
    };
    co_return ctx.json(status::ok, co_await s.db.read(std::move(job)));
}

void volunteer_exists(SQLite::Database& db, const std::string& id) {
    domain::load_volunteer(db, id);
}

void resident_exists(SQLite::Database& db, const std::string& id) {
    domain::load_resident(db, id);
}

awaitable_response volunteer_messages(const account_services& s, request_context& ctx) {
    co_return co_await messages_of(s, ctx, "volunteer", volunteer_exists);
}

awaitable_response resident_messages(const account_services& s, request_context& ctx) {
    auto answer = co_await messages_of(s, ctx, "resident", resident_exists);
    std::vector<std::pair<std::string, std::string>> seen{{"resident", std::string(ctx.param("id"))}};
    co_await audit_reads(s, ctx, std::move(seen));  // a resident's file was read, as for their history
    co_return answer;
}

}  // namespace

void add_message_routes(wire::route_table& t, const account_services& s) {
    t.add({verb::get, "/api/v1/volunteers/{id}/messages", {staff}, "", plain, bind(s, volunteer_messages)});
    t.add({verb::get, "/api/v1/residents/{id}/messages", {staff}, "", personal, bind(s, resident_messages)});
}

}  // namespace relais::api
