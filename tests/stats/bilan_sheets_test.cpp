// The bilan in words: each table of a summary as a localized sheet (French and English headers and labels,
// weeks by their dates in the city, rates as percentages), its CSV, and the workbook made of the sheets.

#include "stats/bilan_sheets.hpp"
#include "core/dictionary.hpp"
#include "domain/time_format.hpp"
#include "stats/bilan_workbook.hpp"
#include "stats/collective_summary.hpp"
#include "stats/engagement_summary.hpp"
#include "stats/report.hpp"
#include "support/zip_reader.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <set>

using namespace relais;

namespace {

std::int64_t at(const char* iso) {
    return *domain::parse_iso8601(iso);
}

const auto& words() {
    static const auto d = core::dictionaries::load(std::string(RELAIS_SOURCE_DIR) + "/web/i18n");
    return *d;
}

/// A summary over two weeks of Paris around the change of time of Sunday 29 March 2026: from Monday 23 March
/// 00:00 (22 March, 23:00 UTC) to Monday 6 April 00:00 (5 April, 22:00 UTC).
boost::json::value body(const domain::city_time& paris) {
    stats::summary s;
    s.p = {at("2026-03-22T23:00:00Z"), at("2026-04-05T22:00:00Z")};
    s.volunteers_registered = 12;
    s.missions_done = 30;
    s.requests = 9;
    s.outcomes.helped = 7;
    s.outcomes.open = 2;
    s.by_category["shopping"] = {4, 10, 2, 0};
    s.by_channel["web"] = {5, 12, 1, 0};
    for (auto [lo, hi] : stats::weeks_of(s.p, paris))
        s.weekly.push_back({stats::monday_of(lo, paris), 3, 15, 8, 4});
    s.setbacks[{"declined", "too_far"}] = 2;
    s.withdrawals["moved"] = {1, 1};
    s.delays[0] = {9, 5400, 7200};
    s.retention[0] = {4, 8, 5};
    s.retention[1] = {8, 0, 0};
    stats::reference ref;
    ref.categories.push_back({"shopping", "Courses", "Shopping"});
    auto out = stats::summary_json(s, ref, paris);
    out.as_object()["collectives"] = stats::collectives_json(
        {{"city", "Volontaires Solidaires", 2, 0, 10, 7, 6, 1, 5}, {"all", "", 2, 0, 10, 7, 6, 1, 5}});
    stats::engagement_summary e;
    e.minutes_given = 750;
    e.collective_minutes = 90;
    e.answers.push_back({"shopping", 8, 5, 2, 1});
    e.reserve = {6, 3, 2, 1, 1, 4, 2};
    out.as_object()["engagement"] = stats::engagement_json(e);
    return out;
}

const stats::bilan_cell& cell(const stats::bilan_sheet& s, std::size_t row, std::size_t col) {
    REQUIRE(row < s.rows.size());
    REQUIRE(col < s.rows[row].size());
    return s.rows[row][col];
}

}  // namespace

TEST_CASE("the bilan in French: column names, labels for codes, typed cells") {
    const domain::city_time paris("Europe/Paris");
    const auto fr = words().get("fr");
    const stats::bilan_language l{fr, paris, false};
    const auto b = body(paris);

    const auto cats = stats::bilan_table(b, "by_category", l);
    CHECK(cats.name == "Par type de mission");
    CHECK(cats.headers == std::vector<std::string>{"Type", "Demandes", "Missions réalisées", "Soutiens"});
    CHECK(cell(cats, 0, 0).text == "Courses");
    CHECK(cell(cats, 0, 1).type == stats::cell_type::integer);
    CHECK(cell(cats, 0, 2).number == 10);

    const auto figures = stats::bilan_table(b, "figures", l);
    CHECK(figures.headers == std::vector<std::string>{"Chiffre", "Valeur"});
    CHECK(cell(figures, 0, 0).text == "Volontaires inscrits");
    CHECK(cell(figures, 0, 1).number == 12);

    const auto channels = stats::bilan_table(b, "by_channel", l);
    CHECK(cell(channels, 0, 0).text == "Formulaire web");

    const auto setbacks = stats::bilan_table(b, "declines_and_dropouts", l);
    CHECK(cell(setbacks, 0, 0).text == "Refus");
    CHECK(cell(setbacks, 0, 1).text == "trop loin");

    const auto delays = stats::bilan_table(b, "delays", l);
    CHECK(delays.headers[2] == "Médiane (heures)");
    CHECK(cell(delays, 0, 0).text == "Jusqu’à la première proposition");
    CHECK(cell(delays, 0, 2).type == stats::cell_type::decimal);
    CHECK(cell(delays, 0, 2).number == doctest::Approx(1.5));
    CHECK(cell(delays, 1, 2).type == stats::cell_type::empty);  // no request reached it

    const auto retention = stats::bilan_table(b, "retention", l);
    CHECK(cell(retention, 0, 0).text == "4 semaines");
    CHECK(cell(retention, 0, 3).type == stats::cell_type::rate);
    CHECK(cell(retention, 0, 3).number == doctest::Approx(0.625));
    CHECK(cell(retention, 1, 3).type == stats::cell_type::empty);  // nobody in the cohort

    // The CSV for French spreadsheets: ';', decimal commas, the rate as a percentage.
    const auto csv = stats::bilan_csv(retention, stats::csv_dialect::semicolon, fr);
    CHECK(csv ==
          "\xEF\xBB\xBF"
          "Après;Validés;Encore engagés;Taux\r\n4 semaines;8;5;62,5 %\r\n8 semaines;0;0;\r\n");
    CHECK(stats::bilan_csv(delays, stats::csv_dialect::semicolon, fr).find(";9;1,5;2\r\n") !=
          std::string::npos);
}

TEST_CASE("weeks by their dates in the city, around a change of time") {
    const domain::city_time paris("Europe/Paris");
    const auto fr = words().get("fr"), en = words().get("en");
    const auto b = body(paris);
    // Monday 30 March starts at 22:00 UTC on the 29th (summer time): the first week has 167 hours.
    REQUIRE(b.at("weekly").as_array().size() == 2);
    CHECK(b.at("weekly").at(1).at("starts_on") == "2026-03-30");
    const auto weekly = stats::bilan_table(b, "weekly", {fr, paris, false});
    CHECK(weekly.headers[0] == "Semaine");
    CHECK(cell(weekly, 0, 0).text == "du 23/03/2026 au 29/03/2026");
    CHECK(cell(weekly, 1, 0).text == "du 30/03/2026 au 05/04/2026");
    CHECK(cell(weekly, 1, 2).number == 15);
    CHECK(cell(stats::bilan_table(b, "weekly", {en, paris, true}), 0, 0).text == "23/03/2026 to 29/03/2026");
    // A week cut by the period shows the days it holds.
    const stats::bilan_language l{fr, paris, false};
    CHECK(stats::week_span_label(at("2026-03-24T10:00:00Z"), at("2026-03-29T22:00:00Z"), l) ==
          "du 24/03/2026 au 29/03/2026");
}

TEST_CASE("the bilan in English: the same tables, English words, the categories' English labels") {
    const domain::city_time paris("Europe/Paris");
    const auto en = words().get("en");
    const stats::bilan_language l{en, paris, true};
    const auto cats = stats::bilan_table(body(paris), "by_category", l);
    CHECK(cats.headers == std::vector<std::string>{"Kind", "Requests", "Missions done", "Supports"});
    CHECK(cell(cats, 0, 0).text == "Shopping");
    const auto retention = stats::bilan_table(body(paris), "retention", l);
    CHECK(stats::bilan_csv(retention, stats::csv_dialect::comma, en).find("4 weeks,8,5,62.5%\r\n") !=
          std::string::npos);
}

TEST_CASE("sheet names: at most 31 characters, none of the forbidden ones") {
    CHECK(stats::sheet_name("Refus [et] désistements: a/b\\c") == "Refus  et  désistements  a b c");
    CHECK(stats::sheet_name("a?b*c") == "a b c");
    const auto long_name = stats::sheet_name("Délais depuis la demande, médiane et 90e centile");
    CHECK(long_name == "Délais depuis la demande, média");  // 31 characters, more bytes
    CHECK(stats::sheet_name("'quoted'") == "quoted");
    CHECK(stats::sheet_name("") == "Sheet");
}

TEST_CASE("the workbook: the period first, then one sheet per table, readable back") {
    const domain::city_time paris("Europe/Paris");
    const auto fr = words().get("fr");
    const auto sheets = stats::bilan_sheets(body(paris), {fr, paris, false}, "Volontaires Solidaires",
                                            at("2026-04-06T08:30:00Z"));
    REQUIRE(sheets.size() == 1 + stats::csv_table_names().size());
    CHECK(sheets[0].name == "Bilan");
    CHECK(cell(sheets[0], 0, 1).text == "Volontaires Solidaires");
    CHECK(cell(sheets[0], 1, 1).text == "23/03/2026");
    CHECK(cell(sheets[0], 2, 1).text == "05/04/2026");  // the last day, included
    CHECK(cell(sheets[0], 3, 1).text == "06/04/2026 10:30");
    std::set<std::string> names;
    for (const auto& s : sheets) {
        CHECK(s.name.size() <= 31 * 4);
        names.insert(s.name);
    }
    CHECK(names.size() == sheets.size());

    const auto xlsx = stats::xlsx_workbook(sheets, "Bilan");
    REQUIRE(xlsx.substr(0, 4) == std::string("PK\x03\x04", 4));
    const auto files = testing::unzip(xlsx);
    REQUIRE(files.count("xl/workbook.xml"));
    CHECK(files.at("xl/workbook.xml").find("name=\"Par semaine\"") != std::string::npos);
    for (std::size_t i = 1; i <= sheets.size(); ++i)
        CHECK(files.count("xl/worksheets/sheet" + std::to_string(i) + ".xml"));
    CHECK(files.at("xl/sharedStrings.xml").find("Missions réalisées") != std::string::npos);
    // Collective activities: the organiser by name, the total row in words.
    const auto& col = sheets[sheets.size() - 3];
    CHECK(col.table == "collectives");
    CHECK(col.name == "Actions collectives");
    CHECK(cell(col, 0, 0).text == "Volontaires Solidaires");
    CHECK(cell(col, 0, 5).number == 6);
    CHECK(cell(col, 1, 0).text == "Total");
    CHECK(files.at("xl/sharedStrings.xml").find("du 30/03/2026 au 05/04/2026") != std::string::npos);
    // The rate is a number with a percent format, not text.
    CHECK(files.at("xl/styles.xml").find("0.0%") != std::string::npos);
    CHECK(files.at("xl/worksheets/sheet11.xml").find("<v>0.625</v>") != std::string::npos);

    // The engagement: hours as decimals, the reserve's figures, and the answers per kind of help by label.
    const auto& eng = sheets[sheets.size() - 2];
    CHECK(eng.table == "engagement");
    CHECK(eng.title == "Engagement des bénévoles et réserve");
    REQUIRE(eng.rows.size() >= 11);
    CHECK(cell(eng, 0, 0).text == "Heures données (missions et actions collectives)");
    CHECK(cell(eng, 0, 1).number == 14);  // 750 + 90 minutes
    CHECK(cell(eng, 0, 1).type == stats::cell_type::decimal);
    bool rate_seen = false;
    for (const auto& row : eng.rows)
        if (row[0].text == "Taux de retour des campagnes") {
            rate_seen = true;
            CHECK(row[1].type == stats::cell_type::rate);
            CHECK(row[1].number == doctest::Approx(0.5));  // 2 of 4 recipients came back
        }
    CHECK(rate_seen);
    const auto& answers = sheets.back();
    CHECK(answers.table == "engagement_answers");
    REQUIRE(answers.rows.size() == 1);
    CHECK(cell(answers, 0, 0).text == "Courses");
    CHECK(cell(answers, 0, 1).number == 8);
    CHECK(cell(answers, 0, 5).type == stats::cell_type::rate);
    CHECK(cell(answers, 0, 5).number == doctest::Approx(0.625));  // 5 accepted of 8 answered
}

TEST_CASE("the engagement tables as CSV, coded and in words") {
    const domain::city_time paris("Europe/Paris");
    const auto b = body(paris);
    const auto coded = stats::csv_export(b, "engagement", stats::csv_dialect::comma);
    REQUIRE(coded);
    CHECK(coded->starts_with("figure,value\r\nhours_given,14.0\r\n"));
    CHECK(coded->find("reserve_members,6\r\n") != std::string::npos);
    CHECK(coded->find("answers_by_category") == std::string::npos);  // the rows are the other table
    const auto rows = stats::csv_export(b, "engagement_answers", stats::csv_dialect::semicolon);
    REQUIRE(rows);
    CHECK(rows->find("category;proposals;accepted;declined;expired;acceptance_rate;decline_rate\r\n") !=
          std::string::npos);
    CHECK(rows->find("shopping;8;5;2;1;0,625;0,375\r\n") != std::string::npos);
    const auto fr = words().get("fr");
    const auto worded = stats::bilan_csv(stats::bilan_table(b, "engagement_answers", {fr, paris, false}),
                                         stats::csv_dialect::semicolon, fr);
    CHECK(worded.find("Courses;8;5;2;1;62,5 %;37,5 %") != std::string::npos);
}
