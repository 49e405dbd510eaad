// The city's own map (issue 16): GeoJSON and CSV imports, their faults, point-in-polygon with holes and
// multipolygons, an import replacing the map but keeping what is in use, and a request placed in its
// neighbourhood by its location.
#include "domain/neighbourhood_map.hpp"
#include "domain/domain_fixture.hpp"
#include "domain/requests.hpp"

#include <fstream>
#include <sstream>

using namespace relais::domain_test;
using relais::error_kind;

namespace {

std::string fixture(const char* name) {
    std::ifstream in(std::string(RELAIS_SOURCE_DIR) + "/tests/fixtures/" + name);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool has_fault(const parsed_map& m, std::string_view where, std::string_view field) {
    for (const auto& f : m.faults)
        if (f.where == where && f.field == field)
            return true;
    return false;
}

}  // namespace

TEST_CASE("neighbourhood map: a GeoJSON of Montréal's districts, codes from names, holes and islands") {
    const auto m = parse_neighbourhood_file(fixture("montreal_quartiers.geojson"));
    REQUIRE(m.faults.empty());
    REQUIRE(m.items.size() == 3);
    CHECK(m.items[0].code == "ville-marie");
    CHECK(m.items[0].polygons.size() == 2);
    CHECK(m.items[1].code == "plateau");  // given
    CHECK(m.items[2].code == "cote-des-neiges-notre-dame-de-grace");
    CHECK(m.items[2].name == "Côte-des-Neiges–Notre-Dame-de-Grâce");
    // The centre of a rectangle is its middle.
    CHECK(m.items[1].lat == doctest::Approx(45.53));
    CHECK(m.items[1].lon == doctest::Approx(-73.58));
    // Inside, outside, in the island, in the hole (a park: outside).
    CHECK(contains(m.items[0], 45.50, -73.56));
    CHECK(contains(m.items[0], 45.52, -73.53));
    CHECK_FALSE(contains(m.items[0], 45.53, -73.56));
    CHECK(contains(m.items[2], 45.485, -73.64));
    CHECK_FALSE(contains(m.items[2], 45.495, -73.625));
}

TEST_CASE("neighbourhood map: every fault of a file is named, with where it is") {
    auto m = parse_neighbourhood_file(
        "{\"type\": \"FeatureCollection\", \"features\": ["
        "{\"properties\": {}, \"geometry\": {\"type\": \"Polygon\", "
        "\"coordinates\": [[[0,0],[1,0],[1,1],[0,0]]]}},"
        "{\"properties\": {\"name\": \"A\"}, \"geometry\": {\"type\": \"Point\", "
        "\"coordinates\": [0,0]}},"
        "{\"properties\": {\"name\": \"B\"}, \"geometry\": {\"type\": \"Polygon\", "
        "\"coordinates\": [[[45.5,-173.6],[1,0],[1,1]]]}},"
        "{\"properties\": {\"name\": \"C\", \"code\": \"Bad Code\"}, \"geometry\": "
        "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,0]]]}}]}");
    CHECK(has_fault(m, "feature 1", "properties.name"));
    CHECK(has_fault(m, "feature 2", "geometry.type"));
    CHECK(has_fault(m, "feature 3", "geometry.coordinates"));  // latitude and longitude swapped
    CHECK(has_fault(m, "feature 4", "properties.code"));
    CHECK(has_fault(m, "feature 4", "geometry.coordinates"));
    CHECK(parse_neighbourhood_file("{not json").faults.at(0).where == "file");
    CHECK(parse_neighbourhood_file("{\"type\": \"Feature\"}").faults.at(0).field == "type");

    // CSV: quotes, a byte order mark, semicolons or commas, decimal commas; faults by line.
    m = parse_neighbourhood_file(
        "\xEF\xBB\xBFname;lat;lon\n\"Centre, vieux\";48,11;-1,68\nSud;91;2\n;1;2\n"
        "Nord;1;x\n\"Centre, vieux\";1;1\n");
    CHECK(m.items.at(0).name == "Centre, vieux");
    CHECK(m.items.at(0).code == "centre-vieux");
    CHECK(m.items.at(0).lat == doctest::Approx(48.11));
    CHECK(has_fault(m, "line 3", "lat"));
    CHECK(has_fault(m, "line 4", "name"));
    CHECK(has_fault(m, "line 5", "lon"));
    bool twice = false;
    for (const auto& f : m.faults)
        twice = twice || (f.field == "name" && f.problem == "appears twice");
    CHECK(twice);
    CHECK(has_fault(parse_neighbourhood_file("titre,x,y\nA,1,2\n"), "line 1", "name"));
    // French headers too.
    const auto fr = parse_neighbourhood_file("nom,lat,lon\nLe Bourg,47.2,-1.5\n");
    CHECK(fr.faults.empty());
    REQUIRE(fr.items.size() == 1);
    CHECK(fr.items[0].code == "le-bourg");
    CHECK_FALSE(parse_neighbourhood_file("").faults.empty());
}

TEST_CASE("neighbourhood map: an import replaces the map, keeps what is in use, and places locations") {
    domain_db d;
    const auto before = d.count("SELECT COUNT(*) FROM neighbourhood");
    REQUIRE(before > 3);
    const auto used = d.volunteer();  // lives in one of the demo's neighbourhoods
    const auto m = parse_neighbourhood_file(fixture("montreal_quartiers.geojson"));
    REQUIRE(m.faults.empty());
    const auto r = import_neighbourhoods(d.db, m.items, t0(), coordinator());
    CHECK(r.added == 3);
    CHECK(r.updated == 0);
    CHECK(r.kept.size() == 1);  // the volunteer's
    CHECK(r.removed == before - 1);
    CHECK(d.count("SELECT COUNT(*) FROM neighbourhood") == 4);
    CHECK(d.count("SELECT COUNT(*) FROM neighbourhood_shape") == 3);
    CHECK(locate_neighbourhood(d.db, 45.50, -73.56) == std::optional<std::string>("ville-marie"));
    CHECK(locate_neighbourhood(d.db, 45.53, -73.58) == std::optional<std::string>("plateau"));
    CHECK_FALSE(locate_neighbourhood(d.db, 45.495, -73.625));  // the park
    CHECK_FALSE(locate_neighbourhood(d.db, 48.11, -1.68));     // Rennes
    // Again: the same file updates, adds and removes nothing.
    const auto again = import_neighbourhoods(d.db, m.items, t0(), coordinator());
    CHECK(again.added == 0);
    CHECK(again.updated == 3);
    CHECK(again.removed == 0);
    (void)used;

    // A request with a location and no neighbourhood is placed by its location; outside the map, refused.
    request_input in;
    resident_input res;
    res.first_name = "Ann";
    res.last_name = "Tremblay";
    res.phone = "+15145550100";
    res.address = "1 rue Sainte-Catherine";
    res.location = geo{45.50, -73.56};
    in.resident = res;
    in.category = "shopping";
    in.urgency = "week";
    in.recurrence = "once";
    in.channel = "phone";
    in.window_from = t0() + day;
    in.window_until = t0() + 3 * day;
    const auto created = create_request(d.db, in, t0(), coordinator());
    CHECK(d.count("SELECT COUNT(*) FROM resident r JOIN request q ON q.resident_id = r.id WHERE q.id = '" +
                  created.id + "' AND r.neighbourhood = 'ville-marie'") == 1);
    in.resident->location = geo{45.495, -73.625};
    refused(error_kind::validation, [&] { create_request(d.db, in, t0(), coordinator()); });
}
