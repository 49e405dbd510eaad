#pragma once

#include "domain/csv_table.hpp"
#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The city's own map (issue 16): neighbourhoods imported from what cities publish, a GeoJSON
// FeatureCollection of (Multi)Polygons with a `name` property (an optional `code`), or a CSV `name,lat,lon`
// of centre points; a location is placed in its neighbourhood by point-in-polygon. An import is all or
// nothing: every faulty feature or line is reported, and nothing is written while one is.
namespace relais::domain {

/// A ring of (lon, lat) points, GeoJSON's order; the first polygon ring is the outer one, the others holes.
using ring = std::vector<std::pair<double, double>>;
using polygon = std::vector<ring>;

struct neighbourhood_shape {
    std::string code, name;
    double lat = 0, lon = 0;        ///< the centre: the shape's centroid, or the CSV's point
    std::vector<polygon> polygons;  ///< empty for a CSV point
};

struct parsed_map {
    std::vector<neighbourhood_shape> items;
    std::vector<import_fault> faults;
};

/// Reads a GeoJSON FeatureCollection (text starting with '{') or a CSV with a header `name,lat,lon` (an
/// optional `code` column). Codes are given or made from names (lowercase ASCII letters, digits and dashes);
/// names and codes must be unique. Never throws on bad content: it lists faults.
parsed_map parse_neighbourhood_file(std::string_view text);

/// Whether (lat, lon) is inside `shape` (even-odd rule over every ring, so holes are outside).
bool contains(const neighbourhood_shape& shape, double lat, double lon);

struct map_import_result {
    int added = 0, updated = 0, removed = 0;
    std::vector<std::string> kept;  ///< codes not in the file but still in use (residents, volunteers...)
};

/// Replaces the city's neighbourhoods with `items` in the caller's transaction: codes present are updated,
/// new ones added, absent ones removed unless something refers to them (then kept, and listed). Appends
/// neighbourhood/imported.
map_import_result import_neighbourhoods(SQLite::Database& db, const std::vector<neighbourhood_shape>& items,
                                        std::int64_t now, const actor& who);

/// The neighbourhood whose shape holds (lat, lon), if any (neighbourhoods imported as points hold nothing).
std::optional<std::string> locate_neighbourhood(SQLite::Database& db, double lat, double lon);

}  // namespace relais::domain
