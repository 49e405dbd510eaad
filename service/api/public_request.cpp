#include "api/public_request.hpp"

#include "api/decode.hpp"
#include "domain/validate.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

const std::vector<std::string> request_channels{"web", "phone", "partner"};
const std::vector<std::string> contact_channels{"phone", "email", "sms", "post"};

namespace {

const std::vector<std::string> recurrences{"once", "weekly"};

domain::resident_input read_resident(body_reader& r, const domain::phone_plan& phones) {
    domain::resident_input in;
    auto first = r.text("first_name", name_rule);
    auto last = r.text("last_name", name_rule);
    auto phone = read_phone(r, "phone", true, phones);
    in.email = read_email(r, "email", false);
    auto address = r.text("address", address_rule);
    // Optional with a location: the neighbourhood whose shape holds it (domain/neighbourhood_map.hpp).
    auto neighbourhood = r.text("neighbourhood", {1, 40}, !r.has("location"));
    in.location = read_location(r, "location");
    if (auto n = read_needs(r, "needs"))
        in.needs = *n;
    if (auto c = r.one_of("preferred_contact", contact_channels, false))
        in.preferred_contact = *c;
    if (auto l = read_codes(r, "languages", 10, false, true); l && !l->empty())
        in.languages = *l;
    r.check_unknown();
    in.first_name = first.value_or("");
    in.last_name = last.value_or("");
    in.phone = phone.value_or("");
    in.address = address.value_or("");
    in.neighbourhood = neighbourhood.value_or("");
    return in;
}

}  // namespace

request_filer filer_of(const request_context& ctx) {
    request_filer f;
    f.staff = is_staff(ctx);
    if (ctx.user && ctx.user->r == auth::role::partner)
        f.partner_id = ctx.user->partner_id;
    return f;
}

domain::request_input read_request(const json::value& body, const request_filer& filer, std::int64_t now,
                                   const domain::phone_plan& phones) {
    body_reader r(body);
    domain::request_input in;
    if (filer.staff && r.has("resident_id")) {
        in.resident_id = r.text("resident_id", {1, 64});
        if (r.has("resident"))
            r.fail("resident", "give either resident or resident_id, not both");
    } else {
        if (auto res = r.object("resident"))
            in.resident = read_resident(*res, phones);
    }
    auto category = r.text("category", {1, 40});
    in.details = r.text("details", details_rule, false).value_or("");
    auto urgency = r.one_of("urgency", domain::urgencies);
    auto recurrence = r.one_of("recurrence", recurrences, false);
    std::optional<std::int64_t> from, until;
    if (auto w = r.object("window")) {
        from = w->time("from");
        until = w->time("until");
        w->check_unknown();
        if (from && until && *until <= *from)
            w->fail("until", "must be after from");
        else if (until && *until < now)
            w->fail("until", "is in the past");
        else if (from && until && *until - *from > 92 * 86400)
            w->fail("until", "the window must not be longer than three months");
    }
    auto consent = r.boolean("consent");
    if (consent && !*consent)
        r.fail("consent", "must be true: the resident must agree to their details being kept");
    std::optional<std::string> channel;
    if (filer.staff) {
        channel = r.one_of("channel", request_channels, false);
        in.partner_id = r.text("partner_id", {1, 64}, false);
    } else {
        r.accept("channel");
        if (r.has("channel"))
            r.fail("channel", "is set by the server for this caller");
    }
    r.done();
    in.category = *category;
    in.urgency = *urgency;
    in.recurrence = recurrence.value_or("once");
    in.window_from = *from;
    in.window_until = *until;
    if (filer.staff) {
        in.channel = channel.value_or(in.partner_id ? "partner" : "phone");
    } else if (filer.partner_id) {
        in.channel = "partner";
        in.partner_id = filer.partner_id;
    } else {
        in.channel = "web";
    }
    return in;
}

boost::asio::awaitable<std::pair<status, std::string>> file_request(const data_access& s,
                                                                    request_context& ctx,
                                                                    domain::request_input in,
                                                                    const idempotency_scope& scope) {
    const auto now = s.clk.now_s();
    const auto who = actor_of(ctx);
    std::function<std::pair<status, json::value>(SQLite::Database&)> work = [&ctx, in = std::move(in), now,
                                                                             who](SQLite::Database& db) {
        auto created = domain::create_request(db, in, now, who);
        audit(db, ctx, "resident", created.resident_id, in.resident_id ? "read" : "create", now);
        return std::pair{status::created, json::value{{"id", created.id},
                                                      {"tracking_code", created.tracking_code},
                                                      {"status", "new"},
                                                      {"resident_id", created.resident_id}}};
    };
    co_return co_await run_idempotent(s, scope, std::move(work));
}

}  // namespace relais::api
