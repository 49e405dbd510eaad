// Black-box tests of the statistics routes (summary, CSV and XLSX exports) and of the test clock, on the real
// `relais`.

#include "api/support/fixtures.hpp"
#include "stats/summary.hpp"
#include "support/zip_reader.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

/// Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF) into rows of fields.
std::vector<std::vector<std::string>> parse_csv(std::string_view text, char sep) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == sep) {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            row.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row.clear();
            any = false;
            ++i;
        } else {
            field += c;
            any = true;
        }
    }
    REQUIRE_FALSE(quoted);
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

/// The CSV text of a JSON cell (integers as they are, reals with the given decimal mark, null empty).
std::string cell_of(const json::value& v, char decimal) {
    if (v.is_null())
        return "";
    if (v.is_string())
        return std::string(v.as_string());
    if (v.is_double()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4f", v.as_double());
        std::string s = buf;
        while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.')
            s.pop_back();
        if (decimal != '.')
            std::replace(s.begin(), s.end(), '.', decimal);
        return s;
    }
    return json::serialize(v);
}

json::value set_clock(test_city& city, std::int64_t t, bool freeze = true) {
    auto res =
        city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t)}, {"freeze", freeze}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    return res.json();
}

/// Next Monday 08:00 UTC at least a day from now.
std::int64_t next_monday_8h() {
    return relais::stats::monday_of(now_s() + 8 * 86400) + 8 * 3600;
}

}  // namespace

TEST_CASE("statistics routes: coordinators and admins only") {
    test_city city;
    check_problem(city.anonymous()->get("/api/v1/stats/summary"), 401);
    check_problem(city.anonymous()->get("/api/v1/stats/export.csv?table=figures"), 401);
    auto v = city.new_volunteer("stats-roles");
    check_problem(v.client->get("/api/v1/stats/summary"), 403);
    check_problem(v.client->get("/api/v1/stats/export.csv?table=figures"), 403);
    CHECK(city.coordinator().get("/api/v1/stats/summary").status == 200);
    CHECK(city.admin().get("/api/v1/stats/summary").status == 200);
}

TEST_CASE("the test clock is refused (404) on a server started without --test-clock") {
    test_city city;
    const json::object body{{"now", iso(now_s() + 86400)}};
    check_problem(city.admin().post_json("/api/v1/test/clock", body), 404);
    check_problem(city.coordinator().post_json("/api/v1/test/clock", body), 403);
    check_problem(city.anonymous()->post_json("/api/v1/test/clock", body), 401);
}

TEST_CASE("the test clock moves programme time forward, frozen or running, never back") {
    test_city city({"--test-clock"});
    const std::int64_t t = next_monday_8h();
    auto j = set_clock(city, t);
    CHECK(json::value_to<std::string>(j.at("now")) == iso(t));
    CHECK(j.at("frozen") == true);
    // Frozen: what is written now carries exactly that time.
    auto r = city.public_request(request_body());
    CHECK(unix_of(city.staff_get("/api/v1/requests/" + r.id).at("created_at")) == t);
    // Time never goes back.
    auto back = city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t - 60)}});
    check_problem(back, 409);
    CHECK(problem_detail(back).find(iso(t)) != std::string::npos);
    check_problem(city.admin().post_json("/api/v1/test/clock", json::object{{"now", "tomorrow"}}), 422);
    check_problem(city.admin().post_json("/api/v1/test/clock", json::object{{"now", iso(t)}, {"speed", 2}}),
                  422);
    check_problem(city.coordinator().post_json("/api/v1/test/clock", json::object{{"now", iso(t)}}), 403);
    // Running again from a later time.
    j = set_clock(city, t + 3600, false);
    CHECK(j.at("frozen") == false);
    CHECK(unix_of(j.at("now")) >= t + 3600);
    CHECK(unix_of(j.at("now")) < t + 3600 + 60);
}

TEST_CASE("a small season through the API: exact figures, every CSV table parsed back") {
    test_city city({"--test-clock"});
    const std::int64_t t = next_monday_8h();
    set_clock(city, t);
    auto p = city.admin().send_json("PATCH", "/api/v1/programme",
                                    json::object{{"starts_on", relais::stats::date_label(t)}});
    REQUIRE(p.status == 200);

    auto v1 = city.new_volunteer("s1");
    city.new_volunteer("s2");
    city.new_volunteer("s3", true, json::object{{"neighbourhood", "thabor"}});
    city.new_volunteer("s4", false);  // never validated
    const auto r1 = city.public_request(request_body("once", "shopping"));
    auto phone = request_body("once", "medicines");
    phone["channel"] = "phone";
    auto r2res = city.coordinator().post_json("/api/v1/requests", phone);
    REQUIRE(r2res.status == 201);
    const std::string r2_code(r2res.json().at("tracking_code").as_string());

    set_clock(city, t + 3600);
    const auto m = city.propose(r1.id, v1.id, t + 86400 + 2 * 3600, t + 86400 + 3 * 3600);
    set_clock(city, t + 2 * 3600);
    REQUIRE(v1.client->post_json("/api/v1/missions/" + m + "/accept", json::object{}).status == 200);
    set_clock(city, t + 3 * 3600);
    REQUIRE(city.anonymous()->post_json("/api/v1/track/" + r2_code + "/cancel", json::object{}).status ==
            200);
    set_clock(city, t + 86400 + 3 * 3600 + 1800);
    auto done = city.coordinator().post_json(
        "/api/v1/missions/" + m + "/complete",
        json::object{
            {"report", {{"duration_minutes", 50}, {"outcome", "good"}, {"welfare_concern", false}}}});
    INFO(done.describe());
    REQUIRE(done.status == 200);
    set_clock(city, t + 2 * 86400);

    const auto s = city.staff_get("/api/v1/stats/summary");
    // The programme's start date, from the city's midnight (Paris: 23:00 or 22:00 UTC the day before).
    const relais::domain::city_time paris("Europe/Paris");
    CHECK(json::value_to<std::string>(s.at("period").at("from")) ==
          iso(*paris.midnight_of(relais::stats::date_label(t))));
    CHECK(json::value_to<std::string>(s.at("period").at("until")) == iso(t + 2 * 86400));  // now
    const auto& f = s.at("figures");
    CHECK(f.at("volunteers_registered") == 4);
    CHECK(f.at("volunteers_active") == 3);
    CHECK(f.at("volunteers_awaiting_validation") == 1);
    CHECK(f.at("volunteers_mobilised") == 1);
    CHECK(f.at("missions_done") == 1);
    CHECK(f.at("residents_requesting") == 2);
    CHECK(f.at("residents_helped") == 1);
    CHECK(f.at("supports") == 1);
    CHECK(f.at("requests") == 2);
    CHECK(f.at("unfulfilled_requests") == 0);
    CHECK(s.at("request_outcomes").at("cancelled") == 1);
    CHECK(s.at("delays").at(0).at("median_seconds") == 3600);
    CHECK(s.at("delays").at(1).at("median_seconds") == 7200);
    CHECK(s.at("delays").at(2).at("median_seconds") == 86400 + 3 * 3600 + 1800);
    for (const auto& row : s.at("by_channel").as_array())
        if (row.at("channel") == "phone")
            CHECK(row.at("requests") == 1);

    // A period before anything happened, and bad periods.
    const auto early = city.staff_get("/api/v1/stats/summary?from=" + relais::stats::date_label(t) +
                                      "&until=" + iso(t + 1800));
    CHECK(early.at("figures").at("volunteers_registered") == 4);
    CHECK(early.at("figures").at("missions_done") == 0);
    check_problem(city.coordinator().get("/api/v1/stats/summary?from=2026-12-01&until=2026-11-01"), 400);
    check_problem(city.coordinator().get("/api/v1/stats/summary?from=yesterday"), 400);
    // `until` beyond now is brought back to now.
    const auto later = city.staff_get("/api/v1/stats/summary?until=2099-01-01");
    CHECK(json::value_to<std::string>(later.at("period").at("until")) == iso(t + 2 * 86400));

    // CSV: every table, both dialects, read back equal to the JSON.
    check_problem(city.coordinator().get("/api/v1/stats/export.csv"), 400);
    check_problem(city.coordinator().get("/api/v1/stats/export.csv?table=people"), 400);
    check_problem(city.coordinator().get("/api/v1/stats/export.csv?table=figures&sep=tab"), 400);
    for (const char* table : {"figures", "request_outcomes", "by_category", "by_neighbourhood", "by_channel",
                              "weekly", "declines_and_dropouts", "withdrawals", "delays", "retention"}) {
        for (bool french : {false, true}) {
            CAPTURE(table);
            CAPTURE(french);
            auto res = city.coordinator().get(std::string("/api/v1/stats/export.csv?table=") + table +
                                              (french ? "&sep=semicolon" : ""));
            INFO(res.describe());
            REQUIRE(res.status == 200);
            CHECK(res.header("Content-Type") == "text/csv; charset=utf-8");
            CHECK(res.header("Content-Disposition")
                      .find(std::string("attachment; filename=\"relais-") + table) == 0);
            std::string_view text = res.body;
            if (french) {
                REQUIRE(text.substr(0, 3) == "\xEF\xBB\xBF");
                text.remove_prefix(3);
            } else {
                CHECK(text.substr(0, 3) != "\xEF\xBB\xBF");
            }
            const auto rows = parse_csv(text, french ? ';' : ',');
            REQUIRE_FALSE(rows.empty());
            const auto& value = s.at(table);
            if (value.is_object()) {
                CHECK(rows[0] == std::vector<std::string>{"figure", "value"});
                REQUIRE(rows.size() == value.as_object().size() + 1);
                std::size_t i = 1;
                for (const auto& [k, v] : value.as_object()) {
                    CHECK(rows[i] ==
                          std::vector<std::string>{std::string(k), cell_of(v, french ? ',' : '.')});
                    ++i;
                }
            } else {
                const auto& arr = value.as_array();
                REQUIRE(rows.size() == arr.size() + 1);
                for (std::size_t i = 0; i < arr.size(); ++i) {
                    const auto& obj = arr[i].as_object();
                    REQUIRE(rows[i + 1].size() == rows[0].size());
                    for (std::size_t c = 0; c < rows[0].size(); ++c)
                        CHECK(rows[i + 1][c] == cell_of(obj.at(rows[0][c]), french ? ',' : '.'));
                }
            }
        }
    }
}

TEST_CASE("CSV fields that need quoting: separators, quotes, line breaks, formulas") {
    test_city city;
    auto c = city.admin().post_json(
        "/api/v1/categories",
        json::object{{"code", "odd_one"}, {"label_fr", "=SUM(A1;A2), \"dit-on\""}, {"label_en", "Plain"}});
    INFO(c.describe());
    REQUIRE(c.status == 201);
    for (bool french : {false, true}) {
        auto res = city.coordinator().get(std::string("/api/v1/stats/export.csv?table=by_category") +
                                          (french ? "&sep=semicolon" : ""));
        REQUIRE(res.status == 200);
        std::string_view text = res.body;
        if (french)
            text.remove_prefix(3);
        CHECK(text.find("\"'=SUM(A1;A2), \"\"dit-on\"\"\"") != std::string_view::npos);
        bool found = false;
        for (const auto& row : parse_csv(text, french ? ';' : ','))
            if (row[0] == "odd_one") {
                found = true;
                CHECK(row[1] == "'=SUM(A1;A2), \"dit-on\"");
                CHECK(row[2] == "Plain");
            }
        CHECK(found);
    }
}

TEST_CASE("the whole bilan as one workbook, and the CSV in French words") {
    test_city city;
    const std::string period = "from=2026-03-23&until=2026-04-06";
    check_problem(city.anonymous()->get("/api/v1/stats/export.xlsx"), 401);
    auto v = city.new_volunteer("stats-xlsx");
    check_problem(v.client->get("/api/v1/stats/export.xlsx?" + period), 403);
    check_problem(city.coordinator().get("/api/v1/stats/export.xlsx?from=2026-04-06&until=2026-03-23"), 400);
    check_problem(city.coordinator().get("/api/v1/stats/export.xlsx?from=someday"), 400);
    check_problem(city.coordinator().get("/api/v1/stats/export.xlsx?from=2001-01-01&until=2026-03-23"), 422);
    check_problem(city.coordinator().get("/api/v1/stats/export.xlsx?lang=de"), 400);

    auto res = city.coordinator().get("/api/v1/stats/export.xlsx?" + period + "&lang=fr");
    INFO(res.describe());
    REQUIRE(res.status == 200);
    CHECK(res.header("Content-Type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    // Dates of the city: Paris' midnights, the end excluded as in the query.
    CHECK(res.header("Content-Disposition") ==
          "attachment; filename=\"relais-bilan-2026-03-23-2026-04-06.xlsx\"");
    CHECK(res.header("Cache-Control") == "no-store");
    const auto files = relais::testing::unzip(res.body);
    REQUIRE(files.count("xl/workbook.xml"));
    // The period's sheet, then one per table of the summary.
    for (int i = 1; i <= 14; ++i)
        CHECK(files.count("xl/worksheets/sheet" + std::to_string(i) + ".xml"));
    CHECK_FALSE(files.count("xl/worksheets/sheet15.xml"));
    const auto& book = files.at("xl/workbook.xml");
    CHECK(book.find("name=\"Engagement\"") != std::string::npos);
    CHECK(book.find("name=\"Actions collectives\"") != std::string::npos);
    CHECK(book.find("name=\"Chiffres clés\"") != std::string::npos);
    CHECK(book.find("name=\"Par semaine\"") != std::string::npos);
    const auto& strings = files.at("xl/sharedStrings.xml");
    CHECK(strings.find("Missions réalisées") != std::string::npos);
    CHECK(strings.find("du 23/03/2026 au 29/03/2026") != std::string::npos);  // a week by its dates
    CHECK(strings.find("du 30/03/2026 au 05/04/2026") != std::string::npos);  // after the change of time
    CHECK(strings.find("Europe/Paris") != std::string::npos);

    // English, and French by default.
    auto en = city.admin().get("/api/v1/stats/export.xlsx?" + period + "&lang=en");
    REQUIRE(en.status == 200);
    CHECK(relais::testing::unzip(en.body).at("xl/workbook.xml").find("name=\"Key figures\"") !=
          std::string::npos);
    auto plain = city.coordinator().get("/api/v1/stats/export.xlsx");
    REQUIRE(plain.status == 200);
    CHECK(relais::testing::unzip(plain.body).at("xl/workbook.xml").find("name=\"Chiffres clés\"") !=
          std::string::npos);

    // The CSV with lang=fr: French column names and labels; without lang, the codes as before.
    auto csv =
        city.coordinator().get("/api/v1/stats/export.csv?table=by_category&sep=semicolon&lang=fr&" + period);
    INFO(csv.describe());
    REQUIRE(csv.status == 200);
    CHECK(csv.header("Content-Disposition") ==
          "attachment; filename=\"relais-by_category-2026-03-23-2026-04-06.csv\"");
    std::string_view text = csv.body;
    REQUIRE(text.substr(0, 3) == "\xEF\xBB\xBF");
    text.remove_prefix(3);
    const auto rows = parse_csv(text, ';');
    REQUIRE(rows.size() > 1);
    CHECK(rows[0] == std::vector<std::string>{"Type", "Demandes", "Missions réalisées", "Soutiens"});
    CHECK(rows[1][0] == "Courses");
    auto weekly = city.coordinator().get("/api/v1/stats/export.csv?table=weekly&lang=en&" + period);
    REQUIRE(weekly.status == 200);
    const auto weeks = parse_csv(weekly.body, ',');
    REQUIRE(weeks.size() == 3);
    CHECK(weeks[0][0] == "Week");
    CHECK(weeks[2][0] == "30/03/2026 to 05/04/2026");
    check_problem(city.coordinator().get("/api/v1/stats/export.csv?table=weekly&lang=xx"), 400);
    auto codes = city.coordinator().get("/api/v1/stats/export.csv?table=by_category&" + period);
    REQUIRE(codes.status == 200);
    CHECK(parse_csv(codes.body, ',')[0][0] == "category");
}
