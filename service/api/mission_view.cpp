#include "api/mission_view.hpp"

#include "api/encode.hpp"
#include "domain/requests.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace relais::api {

namespace json = boost::json;

json::value mission_view(SQLite::Database& db, const request_context& ctx, const domain::mission_record& m,
                         std::int64_t now, audit_subjects& audited) {
    if (is_staff(ctx)) {
        std::optional<resident_contact> contact;
        auto r = domain::load_resident(db, m.resident_id);
        if (!r.erased_at) {
            contact = resident_contact{r.first_name, r.phone, r.address, r.needs, r.location};
            const std::pair<std::string, std::string> subject{"resident", m.resident_id};
            if (std::find(audited.begin(), audited.end(), subject) == audited.end())
                audited.push_back(subject);
        }
        return mission_for_staff(m, contact);
    }
    std::optional<resident_contact> contact;
    if (volunteer_sees_contact(m, now)) {
        auto r = domain::load_resident(db, m.resident_id);
        if (!r.erased_at) {
            contact = resident_contact{r.first_name, r.phone, std::nullopt, r.needs, std::nullopt};
            if (m.home_visit) {
                contact->address = r.address;
                contact->location = r.location;
            }
            audited.emplace_back("resident", m.resident_id);
        }
    }
    return mission_for_volunteer(m, contact);
}

json::array mission_views(SQLite::Database& db, const request_context& ctx,
                          const std::vector<domain::mission_record>& items, std::int64_t now,
                          audit_subjects& audited) {
    json::array out;
    for (const auto& m : items)
        out.push_back(mission_view(db, ctx, m, now, audited));
    return out;
}

awaitable_response answer_mission_list(const data_access& s, request_context& ctx, domain::mission_filter f,
                                       std::function<void(SQLite::Database&)> check) {
    const auto now = s.clk.now_s();
    auto job = [&ctx, f = std::move(f), check = std::move(check), now](SQLite::Database& db) {
        if (check)
            check(db);
        domain::page_info page;
        auto items = domain::list_missions(db, f, page);
        audit_subjects audited;
        json::value body{
            {"items", mission_views(db, ctx, items, now, audited)},
            {"next_cursor", page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr)}};
        return std::pair{std::move(audited), std::move(body)};
    };
    auto [audited, body] = co_await s.db.read(std::move(job));
    co_await audit_reads(s, ctx, std::move(audited));
    co_return ctx.json(status::ok, body);
}

}  // namespace relais::api
