#include "api/support/fixtures.hpp"

#include "api/support/file_text.hpp"

#include "domain/time_format.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace json = boost::json;

namespace relais::api_test {

command_result relais_user_add(const std::string& db, const std::string& role, const std::string& email,
                               const std::string& password, const std::string& partner_id) {
    relais::testing::temp_dir tmp;
    {
        std::ofstream pw(tmp.file("pw"), std::ios::binary);
        pw << password << "\n";
    }
    std::string cmd = std::string("'") + RELAIS_BINARY + "' user add --db '" + db + "' --role '" + role +
                      "' --email '" + email + "'";
    if (!partner_id.empty())
        cmd += " --partner-id '" + partner_id + "'";
    cmd += " < '" + tmp.file("pw") + "' > '" + tmp.file("out") + "' 2> '" + tmp.file("err") + "'";
    const int rc = std::system(cmd.c_str());
    command_result r;
    r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = file_text(tmp.file("out"));
    r.err = file_text(tmp.file("err"));
    return r;
}

std::string demo_map_path() {
    return std::string(RELAIS_SOURCE_DIR) + "/data/demo/rennes-quartiers.csv";
}

command_result relais_command(const std::vector<std::string>& args) {
    relais::testing::temp_dir tmp;
    std::string cmd = std::string("'") + RELAIS_BINARY + "'";
    for (const auto& a : args) {
        REQUIRE(a.find('\'') == std::string::npos);
        cmd += " '" + a + "'";
    }
    cmd += " > '" + tmp.file("out") + "' 2> '" + tmp.file("err") + "' < /dev/null";
    const int rc = std::system(cmd.c_str());
    command_result r;
    r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = file_text(tmp.file("out"));
    r.err = file_text(tmp.file("err"));
    return r;
}

std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string iso(std::int64_t t) {
    return relais::domain::format_iso8601(t);
}

std::int64_t unix_of(const json::value& v) {
    auto t = relais::domain::parse_iso8601(v.as_string());
    if (!t)
        throw std::runtime_error("not an ISO 8601 time: " + json::serialize(v));
    return *t;
}

void check_problem(const http_response& res, unsigned status) {
    INFO(res.describe());
    CHECK(res.status == status);
    CHECK(res.header("Content-Type") == "application/problem+json");
    if (res.header("Content-Type") != "application/problem+json")
        return;
    auto body = res.json();
    REQUIRE(body.is_object());
    const auto& o = body.as_object();
    CHECK(o.contains("type"));
    CHECK(o.contains("title"));
    CHECK(o.contains("detail"));
    REQUIRE(o.contains("status"));
    CHECK(o.at("status").to_number<unsigned>() == status);
}

std::vector<std::string> error_fields(const http_response& res) {
    std::vector<std::string> out;
    auto body = res.json();
    if (!body.is_object() || !body.as_object().contains("errors"))
        return out;
    for (const auto& e : body.at("errors").as_array())
        out.emplace_back(e.at("field").as_string());
    return out;
}

std::string problem_detail(const http_response& res) {
    auto body = res.json();
    if (!body.is_object() || !body.as_object().contains("detail"))
        return "";
    return std::string(body.at("detail").as_string());
}

json::object volunteer_body(const std::string& email, const std::string& first_name) {
    return json::object{
        {"first_name", first_name},
        {"last_name", "Bernard"},
        {"email", email},
        {"phone", "06 12 34 56 78"},
        {"password", volunteer_password},
        {"neighbourhood", "centre"},
        {"location", {{"lat", 48.1113}, {"lon", -1.68}}},
        {"skills", json::array{"shopping", "friendly_call", "walk", "reading"}},
        {"availability", json::array{json::object{{"day", "mon"}, {"start", "09:00"}, {"end", "12:00"}},
                                     json::object{{"day", "thu"}, {"start", "14:00"}, {"end", "18:30"}}}},
        {"languages", json::array{"fr", "en"}},
        {"max_missions_per_week", 3},
        {"consent", true},
    };
}

json::object minimal_request(const std::string& details, const std::string& category) {
    const auto from = now_s() + 86400;
    return json::object{{"resident", json::object{{"first_name", "Yvonne"},
                                                  {"last_name", "Le Gall"},
                                                  {"phone", "06 12 34 56 78"},
                                                  {"address", "12 rue de Brest, Rennes"},
                                                  {"neighbourhood", "centre"}}},
                        {"category", category},
                        {"urgency", "48h"},
                        {"details", details},
                        {"window", json::object{{"from", iso(from)}, {"until", iso(from + 2 * 86400)}}},
                        {"consent", true}};
}

json::object request_body(const std::string& recurrence, const std::string& category) {
    const auto now = now_s();
    return json::object{
        {"resident",
         {{"first_name", "Madeleine"},
          {"last_name", "Le Bihan"},
          {"phone", "02 99 12 34 56"},
          {"email", "madeleine@example.org"},
          {"address", "3 rue de Brest, 35000 Rennes"},
          {"neighbourhood", "maurepas"},
          {"location", {{"lat", 48.13}, {"lon", -1.656}}},
          {"needs", {{"isolated", true}, {"reduced_mobility", false}}},
          {"preferred_contact", "phone"}}},
        {"category", category},
        {"details", "Courses une fois par semaine, sans porter de charges lourdes."},
        {"urgency", "48h"},
        {"window", {{"from", iso(now)}, {"until", iso(now + 30 * 86400)}}},
        {"recurrence", recurrence},
        {"consent", true},
    };
}

namespace {

void sign_in(http_client& c, const std::string& email, const std::string& password) {
    auto res = c.post_json("/api/v1/auth/login", json::object{{"email", email}, {"password", password}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    auto body = res.json();
    c.set_csrf(std::string(body.at("csrf_token").as_string()));
}

}  // namespace

test_city::test_city(std::vector<std::string> extra_args) {
    const std::string db = dir_.file("relais.db");
    for (const auto& [role, email, password] :
         {std::tuple{"admin", admin_email, admin_password},
          std::tuple{"coordinator", coordinator_email, coordinator_password}}) {
        auto r = relais_user_add(db, role, email, password);
        INFO(r.err);
        REQUIRE(r.code == 0);
    }
    // The demo's Rennes (a new database has no neighbourhood): its twelve, as a city would import them.
    const auto map = relais_command({"import", "neighbourhoods", "--db", db, demo_map_path()});
    INFO(map.err);
    REQUIRE(map.code == 0);
    server_options opts;
    opts.dir = dir_.path();
    // Functional tests: no rate limits (tests/api/auth_test.cpp tests them with limits of its own).
    opts.args = {"--public-post-limit", "0", "--login-limit", "0", "--rate-limits", "off"};
    opts.args.insert(opts.args.end(), extra_args.begin(), extra_args.end());
    server_ = std::make_unique<server_process>(opts);
    admin_ = signed_in(admin_email, admin_password);
    coordinator_ = signed_in(coordinator_email, coordinator_password);
}

std::unique_ptr<http_client> test_city::anonymous() const {
    return std::make_unique<http_client>(port());
}

std::unique_ptr<http_client> test_city::signed_in(const std::string& email,
                                                  const std::string& password) const {
    auto c = std::make_unique<http_client>(port());
    sign_in(*c, email, password);
    return c;
}

volunteer_account test_city::new_volunteer(const std::string& tag, bool activate,
                                           const json::object& changes) {
    volunteer_account v;
    v.email = tag + "@volunteers.test";
    v.password = volunteer_password;
    auto body = volunteer_body(v.email, "Vol-" + tag);
    for (const auto& kv : changes)
        body[kv.key()] = kv.value();
    auto res = anonymous()->post_json("/api/v1/volunteers", body);
    INFO(res.describe());
    REQUIRE(res.status == 201);
    v.id = std::string(res.json().at("id").as_string());
    if (activate) {
        auto a = coordinator().post_json("/api/v1/volunteers/" + v.id + "/activate", json::object{});
        INFO(a.describe());
        REQUIRE(a.status == 200);
        v.client = signed_in(v.email, v.password);
    }
    return v;
}

created_request test_city::public_request(const json::object& body) {
    auto res = anonymous()->post_json("/api/v1/requests", body);
    INFO(res.describe());
    REQUIRE(res.status == 201);
    auto j = res.json();
    return {std::string(j.at("id").as_string()), std::string(j.at("tracking_code").as_string())};
}

std::string test_city::propose(const std::string& request_id, const std::string& volunteer_id,
                               std::int64_t starts, std::int64_t ends) {
    // The fixture sets up states: any slot the volunteer's availability may not cover, and past missions
    // recorded as having happened (a test of those rules posts itself).
    json::object body{{"request_id", request_id},
                      {"volunteer_id", volunteer_id},
                      {"starts_at", iso(starts)},
                      {"ends_at", iso(ends)},
                      {"outside_availability_ok", true}};
    if (starts <= now_s())
        body["already_happened"] = true;
    auto res = coordinator().post_json("/api/v1/missions", body);
    INFO(res.describe());
    REQUIRE(res.status == 201);
    return std::string(res.json().at("id").as_string());
}

json::value test_city::staff_get(const std::string& target) {
    auto res = coordinator().get(target);
    INFO(target);
    INFO(res.describe());
    REQUIRE(res.status == 200);
    return res.json();
}

json::value test_city::staff_get_until(const std::string& target,
                                       const std::function<bool(const json::value&)>& done,
                                       std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto body = staff_get(target);
        if (done(body) || std::chrono::steady_clock::now() >= until)
            return body;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

std::size_t test_city::staff_count(const std::string& list_target) {
    std::size_t n = 0;
    std::string cursor;
    for (int guard = 0; guard < 1000; ++guard) {
        const char sep = list_target.find('?') == std::string::npos ? '?' : '&';
        auto page = staff_get(list_target + sep + "limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor));
        n += page.at("items").as_array().size();
        const auto& next = page.at("next_cursor");
        if (next.is_null())
            break;
        cursor = std::string(next.as_string());
    }
    return n;
}

}  // namespace relais::api_test
