// The SMS provider's webhooks (issue 14): texts people send to the programme's number, and delivery reports
// of the texts we sent. Both are public addresses the provider calls; a request counts only if it carries
// the provider's signature, made with the token only the provider and this server know. And the received
// texts, for the coordinators.

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "domain/time_format.hpp"
#include "notify/inbound_sms.hpp"
#include "notify/outbox.hpp"
#include "notify/sms_signature.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

/// The fields of a webhook call, whichever the provider's format: Twilio posts a form signed with
/// X-Twilio-Signature (over our public address of the route and the sorted fields); the generic webhook
/// posts JSON signed with X-Relais-Signature (over the raw body). Throws forbidden on a missing or wrong
/// signature, unsupported_media_type / bad_request on a body of the wrong kind.
std::vector<std::pair<std::string, std::string>> signed_fields(const sms_services& s, request_context& ctx,
                                                               std::string_view path) {
    if (s.provider.empty())
        throw not_found("No SMS provider is configured.");
    const auto& body = ctx.req.body();
    const std::string type(ctx.req[wire::bhttp::field::content_type]);
    std::vector<std::pair<std::string, std::string>> fields;
    if (s.provider == "twilio") {
        if (type.rfind("application/x-www-form-urlencoded", 0) != 0)
            throw error(error_kind::unsupported_media_type, "Twilio's webhooks post a form.");
        auto form = wire::parse_form(body);
        if (!form)
            throw bad_request("The form could not be read.");
        const std::string expected =
            notify::twilio_signature(s.token, s.public_url + std::string(path), *form);
        if (!notify::signature_matches(ctx.req["X-Twilio-Signature"], expected))
            throw error(error_kind::forbidden, "The request's signature is missing or wrong.");
        return std::move(*form);
    }
    if (!notify::signature_matches(ctx.req["X-Relais-Signature"], notify::webhook_signature(s.token, body)))
        throw error(error_kind::forbidden, "The request's signature is missing or wrong.");
    const json::value v = ctx.json_body();
    if (!v.is_object())
        throw bad_request("The body must be a JSON object.");
    for (const auto& [k, x] : v.as_object())
        if (x.is_string())
            fields.emplace_back(std::string(k), std::string(x.as_string()));
    return fields;
}

std::string field(const std::vector<std::pair<std::string, std::string>>& fields,
                  std::initializer_list<std::string_view> names) {
    for (auto name : names)
        for (const auto& [k, v] : fields)
            if (k == name)
                return v;
    return {};
}

awaitable_response receive_text(const sms_services& s, request_context& ctx) {
    const auto fields = signed_fields(s, ctx, "/api/v1/sms/inbound");
    notify::inbound_text in{field(fields, {"From", "from"}), field(fields, {"Body", "text"}),
                            field(fields, {"MessageSid", "SmsSid", "id"})};
    if (in.from.empty() || in.body.size() > 1600)
        throw validation_error({{"from", "a text needs its sender, and at most 1,600 characters"}});
    const auto now = s.data.clk.now_s();
    const auto keep = s.keep_seconds;
    auto job = [in, now, keep](SQLite::Database& db) { return notify::handle_inbound(db, in, now, keep); };
    const auto outcome = co_await s.data.db.write(std::move(job));
    co_return ctx.json(status::ok, json::object{{"outcome", notify::name_of(outcome)}});
}

awaitable_response delivery_report(const sms_services& s, request_context& ctx) {
    const auto fields = signed_fields(s, ctx, "/api/v1/sms/status");
    const std::string id = field(fields, {"MessageSid", "SmsSid", "id"});
    const std::string state = field(fields, {"MessageStatus", "SmsStatus", "status"});
    const std::string code = field(fields, {"ErrorCode", "error_code"});
    if (id.empty() || state.empty() || id.size() > 64 || state.size() > 32 || code.size() > 16)
        throw validation_error({{"status", "a report names its message and its status"}});
    const auto now = s.data.clk.now_s();
    auto job = [id, state, code, now](SQLite::Database& db) {
        return notify::record_delivery_report(db, id, state, code, now);
    };
    const bool known = co_await s.data.db.write(std::move(job));
    co_return ctx.json(status::ok, json::object{{"known", known}});
}

awaitable_response list_texts(const sms_services& s, request_context& ctx) {
    const bool attention = ctx.query("attention").value_or("") == "true";
    auto job = [attention](SQLite::Database& db) { return notify::inbound_texts(db, attention, 100); };
    const auto texts = co_await s.data.db.read(std::move(job));
    json::array items;
    std::vector<std::pair<std::string, std::string>> subjects;
    for (const auto& t : texts) {
        items.push_back(json::object{{"id", t.id},
                                     {"received_at", domain::format_iso8601(t.received_at)},
                                     {"outcome", t.outcome},
                                     {"text", t.body},
                                     {"volunteer_id", t.sender_kind == "volunteer" ? json::value(t.sender_id)
                                                                                   : json::value(nullptr)}});
        if (t.sender_kind == "volunteer")
            subjects.emplace_back("volunteer", t.sender_id);
    }
    co_await audit_reads(s.data, ctx, std::move(subjects));
    co_return ctx.json(status::ok,
                       json::object{{"items", std::move(items)}, {"sms_enabled", !s.provider.empty()}});
}

}  // namespace

void add_sms_routes(wire::route_table& t, const sms_services& s) {
    // The provider's calls: no session, no Origin; the signature is the gate, and a provider reporting a
    // campaign's deliveries is not rate-limited like a person.
    t.add({verb::post,
           "/api/v1/sms/inbound",
           {pub, no_session_csrf, auth::limit_by::none},
           "form",
           personal,
           bind(s, receive_text)});
    t.add({verb::post,
           "/api/v1/sms/status",
           {pub, no_session_csrf, auth::limit_by::none},
           "form",
           plain,
           bind(s, delivery_report)});
    t.add({verb::get, "/api/v1/sms/inbound", {staff}, "", personal, bind(s, list_texts)});
}

}  // namespace relais::api
