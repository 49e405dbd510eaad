// Address completion (issue 16): a file of the Base Adresse Nationale imported with `relais import addresses`
// beside a running server; POST /api/v1/addresses/search finds what a person is typing, whatever its accents
// and case, and never turns typed text into query syntax; the programme says whether completion is on; a
// request sent with a found address's location lands in the neighbourhood of the city's map that holds it.
#include "api/support/fixtures.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <latch>
#include <thread>

using namespace relais::api_test;
namespace json = boost::json;

namespace {

const std::string fixture = std::string(RELAIS_SOURCE_DIR) + "/tests/fixtures/ban_rennes.csv";
/// Two of Rennes' neighbourhoods as rough rectangles (drawn for the tests): the centre and Thabor.
const std::string rennes_map = std::string(RELAIS_SOURCE_DIR) + "/tests/fixtures/rennes_quartiers.geojson";

json::value search(http_client& c, const std::string& q, int limit = 8) {
    auto res = c.post_json("/api/v1/addresses/search", json::object{{"q", q}, {"limit", limit}});
    INFO(res.describe());
    REQUIRE(res.status == 200);
    return res.json();
}

std::vector<std::string> labels(http_client& c, const std::string& q, int limit = 8) {
    std::vector<std::string> out;
    const auto found = search(c, q, limit);  // kept: the loop reads into it
    for (const auto& item : found.at("items").as_array())
        out.emplace_back(item.at("label").as_string());
    return out;
}

bool completion_on(test_city& city) {
    return city.anonymous()->get_json("/api/v1/programme").at("address_completion").as_bool();
}

command_result import_addresses(test_city& city, const std::string& file) {
    return relais_command({"import", "addresses", "--db", city.db_path(), file});
}

}  // namespace

TEST_CASE("addresses: without a file nothing changes; a faulty file lists its lines and writes nothing") {
    test_city city;
    auto anon = city.anonymous();
    CHECK_FALSE(completion_on(city));
    CHECK(search(*anon, "12 rue de la pa").at("items").as_array().empty());

    relais::testing::temp_dir dir;
    const auto bad = dir.file("adresses-35.csv");
    {
        std::ifstream in(fixture, std::ios::binary);
        std::ofstream out(bad, std::ios::binary);
        out << in.rdbuf() << "\n"
            << "35238_9999_00001;35238_9999;1;;;35000;35238;Rennes;;;0;0;-1.68;48.11;;;;;;;;;\n"
            << "35238_9999_00002;35238_9999;2;;Rue Fausse;35000;35238;Rennes;;;0;0;-1.68;148.11;;;;;;;;;\n"
            << ";35238_9999;3;;Rue Fausse;35000;35238;Rennes;;;0;0;ouest;48.11;;;;;;;;;";
    }
    const auto r = import_addresses(city, bad);
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.err.find("line 33: nom_voie: is missing\n") != std::string::npos);
    CHECK(r.err.find("line 34: lat: is out of range (-90 to 90)\n") != std::string::npos);
    CHECK(r.err.find("line 35: id: is missing\n") != std::string::npos);
    CHECK(r.err.find("line 35: lon: is not a number") != std::string::npos);
    CHECK(r.err.find("nothing imported") != std::string::npos);
    CHECK(r.out.empty());
    CHECK(search(*anon, "12 rue de la pa").at("items").as_array().empty());
    CHECK_FALSE(completion_on(city));
}

TEST_CASE("addresses: imported, found whatever the accents and case; imported again, no duplicates") {
    test_city city;
    CHECK_FALSE(completion_on(city));
    const auto r = import_addresses(city, fixture);
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == "imported 31 addresses\n");
    CHECK(completion_on(city));

    auto anon = city.anonymous();
    const auto found = search(*anon, "12 rue de la pa").at("items").as_array();
    REQUIRE(found.size() == 3);  // 12, 12 bis, 120
    const auto& first = found[0].as_object();
    CHECK(first.at("label") == "12 Rue de la Paix 35000 Rennes");
    CHECK(first.at("number") == "12");
    CHECK(first.at("street") == "Rue de la Paix");
    CHECK(first.at("postcode") == "35000");
    CHECK(first.at("city") == "Rennes");
    CHECK(first.at("location").at("lat").as_double() == doctest::Approx(48.1113));
    CHECK(first.at("location").at("lon").as_double() == doctest::Approx(-1.6784));
    CHECK(first.at("neighbourhood").is_null());  // Rennes' starting map has centre points, no shapes
    CHECK(found[1].at("number") == "12 bis");
    CHECK(found[2].at("number") == "120");

    CHECK(labels(*anon, "12 RUE DE LA PA") == labels(*anon, "12 rue de la pa"));
    CHECK(labels(*anon, "quai emile zo 10") == std::vector<std::string>{"10 Quai Émile Zola 35000 Rennes"});
    CHECK(labels(*anon, "QUAI ÉMILE ZOLA 10") == std::vector<std::string>{"10 Quai Émile Zola 35000 Rennes"});
    CHECK(labels(*anon, "7 ter saint-hélier") ==
          std::vector<std::string>{"7 ter Rue Saint-Hélier 35000 Rennes"});
    CHECK(labels(*anon, "eglise cesson").size() == 2);
    CHECK(labels(*anon, "rue de la paix", 20).size() == 8);
    CHECK(labels(*anon, "rue", 5).size() == 5);
    CHECK(search(*anon, "rue de nulle part").at("items").as_array().empty());
    // The default limit is 8; staff search too.
    auto plain = city.anonymous()->post_json("/api/v1/addresses/search", json::object{{"q", "rennes"}});
    REQUIRE(plain.status == 200);
    CHECK(plain.json().at("items").as_array().size() == 8);
    CHECK(labels(city.coordinator(), "place sainte-anne").size() == 3);

    // The same file again: replaced by BAN id.
    const auto again = import_addresses(city, fixture);
    CHECK(again.code == 0);
    CHECK(labels(*anon, "rue de la paix", 20).size() == 8);
    CHECK(labels(*anon, "12 bis rue de la paix").size() == 1);
}

TEST_CASE("addresses: what is typed is never query syntax, and a wrong body names q, never a 5xx") {
    test_city city;
    REQUIRE(import_addresses(city, fixture).code == 0);
    auto anon = city.anonymous();
    const std::vector<std::string> typed{"\"",
                                         "\"\"\"",
                                         "rue*",
                                         "12 \"rue",
                                         "NEAR(rue paix)",
                                         "rue OR paix",
                                         "rue NOT paix",
                                         "-paix",
                                         "label:paix",
                                         "^rue",
                                         "(((((",
                                         "paix)",
                                         "{label}: paix",
                                         "12 + rue AND",
                                         "« paix »",
                                         "a'b rue d'antrain",
                                         "****",
                                         "%_%",
                                         std::string(200, 'x'),
                                         "\xC3\xA9\xC3\xA9\xC3\xA9",
                                         "\xE2\x80\x99\xE2\x80\x99 rue"};
    for (const auto& q : typed) {
        INFO("q = " << q);
        const auto res = anon->post_json("/api/v1/addresses/search", json::object{{"q", q}});
        INFO(res.describe());
        // Found or not (200), or too short once trimmed (422 naming q); never anything else.
        if (res.status == 422) {
            check_problem(res, 422);
            CHECK(error_fields(res) == std::vector<std::string>{"q"});
            CHECK(q.size() < 3);
        } else {
            CHECK(res.status == 200);
            CHECK(res.json().at("items").is_array());
        }
    }
    CHECK(labels(*anon, "-paix rue", 20).size() == 8);  // "-" is no "without"
    CHECK(labels(*anon, "rue OR paix").empty());        // "or" is a word no address has

    const std::vector<json::value> refused{json::object{{"q", "ab"}},
                                           json::object{{"q", "   ab   "}},
                                           json::object{{"q", std::string(201, 'x')}},
                                           json::object{{"q", "rue\x01 paix"}},
                                           json::object{{"q", "rue\tde la paix"}},
                                           json::object{{"q", 12}},
                                           json::object{{"limit", 3}},
                                           json::object{{"q", "rue"}, {"limit", 21}},
                                           json::object{{"q", "rue"}, {"limit", 0}},
                                           json::object{{"q", "rue"}, {"near", true}}};
    for (const auto& body : refused) {
        INFO(json::serialize(body));
        const auto res = anon->post_json("/api/v1/addresses/search", body);
        check_problem(res, 422);
        const auto fields = error_fields(res);
        CHECK_FALSE(fields.empty());
    }
    const auto short_q = anon->post_json("/api/v1/addresses/search", json::object{{"q", "ab"}});
    CHECK(error_fields(short_q) == std::vector<std::string>{"q"});
    // Bytes that are not UTF-8, and no JSON at all.
    const auto raw = anon->request("POST", "/api/v1/addresses/search", "{\"q\": \"rue \xFF\xFE paix\"}",
                                   {{"Content-Type", "application/json"}});
    INFO(raw.describe());
    CHECK(raw.status >= 400);
    CHECK(raw.status < 500);
    check_problem(
        anon->request("POST", "/api/v1/addresses/search", "{\"q\": ", {{"Content-Type", "application/json"}}),
        400);
    // And the server is still there, with nothing typed in its log.
    CHECK(labels(*anon, "12 rue de la pa").size() == 3);
    CHECK(city.server().log().find("NEAR(rue paix)") == std::string::npos);
    CHECK(city.server().log().find("rue de la pa") == std::string::npos);
}

TEST_CASE("addresses: forty searches at once all answer") {
    test_city city;
    REQUIRE(import_addresses(city, fixture).code == 0);
    constexpr std::size_t n = 40;
    std::vector<unsigned> statuses(n, 0);
    std::vector<std::size_t> sizes(n, 0);
    std::latch ready(static_cast<std::ptrdiff_t>(n));
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            http_client c(city.port(), std::chrono::seconds(30));
            c.get("/healthz");  // connected before the start
            ready.arrive_and_wait();
            try {
                const auto res =
                    c.post_json("/api/v1/addresses/search",
                                json::object{{"q", i % 2 ? "12 rue de la pa" : "quai emile zola"}});
                statuses[i] = res.status;
                if (res.status == 200)
                    sizes[i] = res.json().at("items").as_array().size();
            } catch (const std::exception&) {
                statuses[i] = 0;
            }
        });
    for (auto& t : threads)
        t.join();
    for (std::size_t i = 0; i < n; ++i) {
        INFO("call " << i);
        CHECK(statuses[i] == 200);
        CHECK(sizes[i] == 3);
    }
}

TEST_CASE("addresses: a request sent with a found address's location is placed in its neighbourhood") {
    test_city city;
    const auto imported = relais_command({"import", "neighbourhoods", "--db", city.db_path(), rennes_map});
    INFO(imported.err);
    REQUIRE(imported.code == 0);
    REQUIRE(import_addresses(city, fixture).code == 0);

    auto anon = city.anonymous();
    const auto paix = search(*anon, "12 rue de la pa", 1).at("items").at(0);
    CHECK(paix.at("neighbourhood") == "centre");
    const auto helier = search(*anon, "7 ter rue saint-hél", 1).at("items").at(0);
    CHECK(helier.at("neighbourhood") == "thabor");
    const auto churchill = search(*anon, "5 avenue winston", 1).at("items").at(0);
    CHECK(churchill.at("neighbourhood").is_null());  // Villejean: not on this map

    // The form sends what the completion gave: the address's label and its location, no neighbourhood.
    auto body = minimal_request("Courses (adresse complétée)");
    auto& resident = body.at("resident").as_object();
    resident.erase("neighbourhood");
    resident["address"] = helier.at("label");
    resident["location"] = helier.at("location");
    const auto created = city.public_request(body);
    const auto request = city.staff_get("/api/v1/requests/" + created.id);
    const auto stored =
        city.staff_get("/api/v1/residents/" + std::string(request.at("resident_id").as_string()));
    CHECK(stored.at("neighbourhood") == "thabor");
    CHECK(stored.at("address") == "7 ter Rue Saint-Hélier 35000 Rennes");
    CHECK(stored.at("location").at("lat").as_double() ==
          doctest::Approx(helier.at("location").at("lat").as_double()));
}
