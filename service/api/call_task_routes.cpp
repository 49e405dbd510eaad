// "Call the resident" tasks (notify/call_tasks.hpp): the residents no message reaches, to be phoned by the
// coordination with the news that matters to them.

#include "api/handler_support.hpp"
#include "api/routes.hpp"
#include "domain/time_format.hpp"
#include "notify/call_tasks.hpp"

#include <boost/json.hpp>

namespace relais::api {

namespace json = boost::json;

namespace {

json::value task_json(const notify::call_task& t) {
    auto opt_time = [](const std::optional<std::int64_t>& v) {
        return v ? json::value(domain::format_iso8601(*v)) : json::value(nullptr);
    };
    return json::object{{"id", t.id},
                        {"kind", t.kind},
                        {"created_at", domain::format_iso8601(t.created_at)},
                        {"resident", json::object{{"id", t.resident_id},
                                                  {"first_name", t.first_name},
                                                  {"last_name", t.last_name},
                                                  {"phone", t.phone}}},
                        {"mission_id", t.about_id ? json::value(*t.about_id) : json::value(nullptr)},
                        {"text", t.text},
                        {"done_at", opt_time(t.done_at)},
                        {"done_by", t.done_by ? json::value(*t.done_by) : json::value(nullptr)}};
}

awaitable_response list_call_tasks(const data_access& s, request_context& ctx) {
    const bool done = ctx.query("done").value_or("") == "true";
    auto job = [done](SQLite::Database& db) { return notify::call_tasks(db, done, 200); };
    const auto tasks = co_await s.db.read(std::move(job));
    json::array items;
    std::vector<std::pair<std::string, std::string>> subjects;
    for (const auto& t : tasks) {
        items.push_back(task_json(t));
        subjects.emplace_back("resident", t.resident_id);
    }
    co_await audit_reads(s, ctx, std::move(subjects));
    co_return ctx.json(status::ok, json::object{{"items", std::move(items)}});
}

awaitable_response complete_call_task(const data_access& s, request_context& ctx) {
    no_fields(ctx);
    const auto now = s.clk.now_s();
    auto job = [id = ctx.param("id"), now, who = actor_of(ctx)](SQLite::Database& db) {
        return task_json(notify::complete_call_task(db, id, now, who));
    };
    co_return ctx.json(status::ok, co_await s.db.write(std::move(job)));
}

}  // namespace

void add_call_task_routes(wire::route_table& t, const data_access& s) {
    t.add({verb::get, "/api/v1/call-tasks", {staff}, "", personal, bind(s, list_call_tasks)});
    t.add({verb::post, "/api/v1/call-tasks/{id}/done", {staff}, "Empty", plain, bind(s, complete_call_task)});
}

}  // namespace relais::api
