#include "domain/neighbourhood_map.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace relais::domain {

namespace json = boost::json;

namespace {

constexpr std::size_t max_items = 2000;
constexpr std::size_t max_points = 2'000'000;

/// A code made from a name: ASCII letters folded from Latin-1 accents, lowercase; anything else a dash.
std::string code_of(std::string_view name) {
    // U+00C0..U+00FF, two bytes in UTF-8 (C3 80..C3 BF): their base letters ('-' where none).
    static constexpr const char* latin1 = "aaaaaaaceeeeiiii-nooooo-ouuuuy--aaaaaaaceeeeiiii-nooooo-ouuuuy-y";
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        char x = '-';
        if (std::isalnum(c) && c < 128) {
            x = static_cast<char>(std::tolower(c));
        } else if (c == 0xC3 && i + 1 < name.size()) {
            const auto d = static_cast<unsigned char>(name[i + 1]);
            if (d >= 0x80 && d <= 0xBF)
                x = latin1[d - 0x80];
            ++i;
        } else if (c >= 0x80) {
            while (i + 1 < name.size() && (static_cast<unsigned char>(name[i + 1]) & 0xC0) == 0x80)
                ++i;  // another letter: one dash for the whole character
        }
        if (x == '-' && (out.empty() || out.back() == '-'))
            continue;
        out += x;
    }
    while (!out.empty() && out.back() == '-')
        out.pop_back();
    return out.substr(0, 40);
}

bool good_code(std::string_view code) {
    return !code.empty() && code.size() <= 40 &&
           code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string_view::npos;
}

/// A ring from GeoJSON positions [[lon, lat], ...]; nullopt (with a fault) if malformed.
std::optional<ring> read_ring(const json::value& v, fault_list& faults, const std::string& where,
                              std::size_t& points) {
    const auto* a = v.if_array();
    if (!a || a->size() < 3) {
        faults.add(where, "geometry.coordinates", "a ring needs at least 3 positions [lon, lat]");
        return std::nullopt;
    }
    ring r;
    for (const auto& p : *a) {
        const auto* pos = p.if_array();
        if (!pos || pos->size() < 2 || !(*pos)[0].is_number() || !(*pos)[1].is_number()) {
            faults.add(where, "geometry.coordinates", "a position must be [longitude, latitude] in numbers");
            return std::nullopt;
        }
        const double lon = (*pos)[0].to_number<double>(), lat = (*pos)[1].to_number<double>();
        if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
            faults.add(where, "geometry.coordinates",
                       "a position is outside longitude -180..180 / latitude -90..90 (are they swapped?)");
            return std::nullopt;
        }
        r.emplace_back(lon, lat);
    }
    if (r.size() > 1 && r.front() == r.back())
        r.pop_back();  // GeoJSON closes rings by repeating the first position
    if (r.size() < 3) {
        faults.add(where, "geometry.coordinates", "a ring needs at least 3 distinct positions");
        return std::nullopt;
    }
    points += r.size();
    return r;
}

std::optional<polygon> read_polygon(const json::value& v, fault_list& faults, const std::string& where,
                                    std::size_t& points) {
    const auto* rings = v.if_array();
    if (!rings || rings->empty()) {
        faults.add(where, "geometry.coordinates", "a polygon is a list of rings, the outer one first");
        return std::nullopt;
    }
    polygon poly;
    for (const auto& r : *rings) {
        auto one = read_ring(r, faults, where, points);
        if (!one)
            return std::nullopt;
        poly.push_back(std::move(*one));
    }
    return poly;
}

/// The area-weighted centroid of the outer rings (planar in degrees: a district is small enough); the mean of
/// their points when they have no area.
std::pair<double, double> centroid(const std::vector<polygon>& polygons) {
    double a = 0, cx = 0, cy = 0, sx = 0, sy = 0;
    std::size_t n = 0;
    for (const auto& poly : polygons) {
        const auto& r = poly.front();
        for (std::size_t i = 0; i < r.size(); ++i) {
            const auto [x0, y0] = r[i];
            const auto [x1, y1] = r[(i + 1) % r.size()];
            const double cross = x0 * y1 - x1 * y0;
            a += cross;
            cx += (x0 + x1) * cross;
            cy += (y0 + y1) * cross;
            sx += x0;
            sy += y0;
            ++n;
        }
    }
    if (std::abs(a) < 1e-15)
        return {sx / static_cast<double>(n), sy / static_cast<double>(n)};
    return {cx / (3 * a), cy / (3 * a)};
}

void parse_geojson(std::string_view text, parsed_map& out) {
    fault_list faults{out.faults};
    boost::system::error_code ec;
    const auto doc = json::parse(text, ec);
    if (ec) {
        faults.add("file", "", "is not valid JSON (" + ec.message() + ")");
        return;
    }
    const auto* o = doc.if_object();
    const auto* type = o ? o->if_contains("type") : nullptr;
    const auto* features = o ? o->if_contains("features") : nullptr;
    if (!type || !type->is_string() || type->as_string() != "FeatureCollection" || !features ||
        !features->is_array()) {
        faults.add("file", "type", "must be a GeoJSON FeatureCollection with a features list");
        return;
    }
    if (features->as_array().size() > max_items) {
        faults.add("file", "features", "more than " + std::to_string(max_items) + " neighbourhoods");
        return;
    }
    std::size_t points = 0, n = 0;
    for (const auto& f : features->as_array()) {
        const std::string where = "feature " + std::to_string(++n);
        const auto* fo = f.if_object();
        const auto* props = fo ? fo->if_contains("properties") : nullptr;
        const auto* name = props && props->is_object() ? props->as_object().if_contains("name") : nullptr;
        const auto* code = props && props->is_object() ? props->as_object().if_contains("code") : nullptr;
        const auto* geometry = fo ? fo->if_contains("geometry") : nullptr;
        neighbourhood_shape s;
        bool ok = true;
        if (!name || !name->is_string() || name->as_string().empty() || name->as_string().size() > 120) {
            faults.add(where, "properties.name",
                       "is required: the neighbourhood's name (1 to 120 characters)");
            ok = false;
        } else {
            s.name = std::string(name->as_string());
        }
        if (code && !code->is_null()) {
            if (!code->is_string() || !good_code(code->as_string())) {
                faults.add(where, "properties.code",
                           "must be 1 to 40 lowercase letters, digits, dashes or underscores");
                ok = false;
            } else {
                s.code = std::string(code->as_string());
            }
        }
        const auto* gt =
            geometry && geometry->is_object() ? geometry->as_object().if_contains("type") : nullptr;
        const auto* coords =
            geometry && geometry->is_object() ? geometry->as_object().if_contains("coordinates") : nullptr;
        if (!gt || !gt->is_string() || !coords) {
            faults.add(where, "geometry", "is required: a Polygon or a MultiPolygon");
            continue;
        }
        if (gt->as_string() == "Polygon") {
            if (auto p = read_polygon(*coords, faults, where, points))
                s.polygons.push_back(std::move(*p));
            else
                ok = false;
        } else if (gt->as_string() == "MultiPolygon" && coords->is_array() && !coords->as_array().empty()) {
            for (const auto& pv : coords->as_array()) {
                auto p = read_polygon(pv, faults, where, points);
                if (!p) {
                    ok = false;
                    break;
                }
                s.polygons.push_back(std::move(*p));
            }
        } else {
            faults.add(where, "geometry.type", "must be Polygon or MultiPolygon");
            ok = false;
        }
        if (points > max_points) {
            faults.add("file", "features", "more than " + std::to_string(max_points) + " positions in all");
            return;
        }
        if (!ok)
            continue;
        const auto [lon, lat] = centroid(s.polygons);
        s.lon = lon;
        s.lat = lat;
        out.items.push_back(std::move(s));
    }
}

std::optional<double> number_of(const std::string& s) {
    if (s.empty())
        return std::nullopt;
    std::string t = s;
    std::replace(t.begin(), t.end(), ',', '.');
    std::istringstream in(t);
    in.imbue(std::locale::classic());
    double v = 0;
    if (!(in >> v) || !in.eof())
        return std::nullopt;
    return v;
}

void parse_csv(std::string_view text, parsed_map& out) {
    fault_list faults{out.faults};
    auto table = read_csv_table(text);
    for (auto& column : table.header)
        if (column == "nom")  // French headers: nom,lat,lon
            column = "name";
    if (table.header.empty()) {
        faults.add("line 1", "", "the file is empty: a header name,lat,lon is expected");
        return;
    }
    for (const char* need : {"name", "lat", "lon"})
        if (table.column(need) < 0) {
            faults.add("line 1", need,
                       "the header must name the columns name, lat and lon (and optionally code)");
            return;
        }
    if (table.rows.size() > max_items) {
        faults.add("file", "", "more than " + std::to_string(max_items) + " neighbourhoods");
        return;
    }
    for (const auto& row : table.rows) {
        const std::string where = "line " + std::to_string(row.line);
        auto field = [&](const char* key) { return table.field(row, table.column(key)); };
        neighbourhood_shape s;
        bool ok = true;
        s.name = field("name");
        if (s.name.empty() || s.name.size() > 120) {
            faults.add(where, "name", "is required (1 to 120 characters)");
            ok = false;
        }
        s.code = field("code");
        if (!s.code.empty() && !good_code(s.code)) {
            faults.add(where, "code", "must be 1 to 40 lowercase letters, digits, dashes or underscores");
            ok = false;
        }
        const auto lat = number_of(field("lat")), lon = number_of(field("lon"));
        if (!lat || *lat < -90 || *lat > 90) {
            faults.add(where, "lat", "must be a latitude, -90 to 90");
            ok = false;
        }
        if (!lon || *lon < -180 || *lon > 180) {
            faults.add(where, "lon", "must be a longitude, -180 to 180");
            ok = false;
        }
        if (!ok)
            continue;
        s.lat = *lat;
        s.lon = *lon;
        out.items.push_back(std::move(s));
    }
}

json::value geometry_json(const std::vector<polygon>& polygons) {
    json::array ps;
    for (const auto& poly : polygons) {
        json::array rings;
        for (const auto& r : poly) {
            json::array pts;
            for (const auto& [lon, lat] : r)
                pts.push_back(json::array{lon, lat});
            rings.push_back(std::move(pts));
        }
        ps.push_back(std::move(rings));
    }
    return ps;
}

std::vector<polygon> polygons_of(const json::value& v) {
    std::vector<polygon> out;
    for (const auto& pv : v.as_array()) {
        polygon poly;
        for (const auto& rv : pv.as_array()) {
            ring r;
            for (const auto& p : rv.as_array())
                r.emplace_back(p.as_array()[0].to_number<double>(), p.as_array()[1].to_number<double>());
            poly.push_back(std::move(r));
        }
        out.push_back(std::move(poly));
    }
    return out;
}

bool in_use(SQLite::Database& db, const std::string& code) {
    auto q = store::prepare(db,
                            "SELECT EXISTS (SELECT 1 FROM resident WHERE neighbourhood = :c) OR "
                            "EXISTS (SELECT 1 FROM volunteer WHERE neighbourhood = :c) OR "
                            "EXISTS (SELECT 1 FROM collective_mission WHERE neighbourhood = :c) OR "
                            "EXISTS (SELECT 1 FROM stat_request WHERE neighbourhood = :c) OR "
                            "EXISTS (SELECT 1 FROM stat_volunteer WHERE neighbourhood = :c)");
    q->bind(":c", code);
    q->executeStep();
    return q->getColumn(0).getInt() != 0;
}

}  // namespace

parsed_map parse_neighbourhood_file(std::string_view text) {
    parsed_map out;
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{')
        parse_geojson(text, out);
    else
        parse_csv(text, out);
    // Codes made from names; names and codes unique.
    std::set<std::string> names, codes;
    for (std::size_t i = 0; i < out.items.size(); ++i) {
        auto& s = out.items[i];
        if (s.code.empty())
            s.code = code_of(s.name);
        const std::string where = "neighbourhood " + std::to_string(i + 1) + " (" + s.name + ")";
        if (s.code.empty())
            out.faults.push_back({where, "code", "the name gives no code: add a code"});
        else if (!codes.insert(s.code).second)
            out.faults.push_back({where, "code", "the code " + s.code + " is already used by another one"});
        if (!names.insert(s.name).second)
            out.faults.push_back({where, "name", "appears twice"});
    }
    if (out.items.empty() && out.faults.empty())
        out.faults.push_back({"file", "", "holds no neighbourhood"});
    return out;
}

bool contains(const neighbourhood_shape& shape, double lat, double lon) {
    for (const auto& poly : shape.polygons) {
        bool inside = false;
        for (const auto& r : poly) {
            for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
                const auto [xi, yi] = r[i];
                const auto [xj, yj] = r[j];
                if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
                    inside = !inside;
            }
        }
        if (inside)
            return true;
    }
    return false;
}

map_import_result import_neighbourhoods(SQLite::Database& db, const std::vector<neighbourhood_shape>& items,
                                        std::int64_t now, const actor& who) {
    map_import_result r;
    std::set<std::string> before;
    {
        auto q = store::prepare(db, "SELECT code FROM neighbourhood");
        while (q->executeStep())
            before.insert(q->getColumn(0).getString());
    }
    auto up = store::prepare(db,
                             "INSERT INTO neighbourhood(code, name, lat, lon) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT(code) DO UPDATE SET name = excluded.name, lat = excluded.lat, "
                             "lon = excluded.lon");
    auto shape =
        store::prepare(db,
                       "INSERT OR REPLACE INTO neighbourhood_shape(code, geometry, min_lat, max_lat, "
                       "min_lon, max_lon) VALUES (?, ?, ?, ?, ?, ?)");
    auto no_shape = store::prepare(db, "DELETE FROM neighbourhood_shape WHERE code = ?");
    std::set<std::string> now_codes;
    for (const auto& s : items) {
        now_codes.insert(s.code);
        (before.count(s.code) ? r.updated : r.added)++;
        up->reset();
        up->bind(1, s.code);
        up->bind(2, s.name);
        up->bind(3, s.lat);
        up->bind(4, s.lon);
        up->exec();
        if (s.polygons.empty()) {
            no_shape->reset();
            no_shape->bind(1, s.code);
            no_shape->exec();
            continue;
        }
        double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
        for (const auto& poly : s.polygons)
            for (const auto& [lon, lat] : poly.front()) {
                min_lat = std::min(min_lat, lat);
                max_lat = std::max(max_lat, lat);
                min_lon = std::min(min_lon, lon);
                max_lon = std::max(max_lon, lon);
            }
        shape->reset();
        shape->bind(1, s.code);
        shape->bind(2, json::serialize(geometry_json(s.polygons)));
        shape->bind(3, min_lat);
        shape->bind(4, max_lat);
        shape->bind(5, min_lon);
        shape->bind(6, max_lon);
        shape->exec();
    }
    auto del = store::prepare(db, "DELETE FROM neighbourhood WHERE code = ?");
    for (const auto& code : before) {
        if (now_codes.count(code))
            continue;
        if (in_use(db, code)) {
            r.kept.push_back(code);
            continue;
        }
        no_shape->reset();
        no_shape->bind(1, code);
        no_shape->exec();
        del->reset();
        del->bind(1, code);
        del->exec();
        ++r.removed;
    }
    append_event(db, now, who,
                 {"neighbourhood",
                  "map",
                  "imported",
                  std::nullopt,
                  std::nullopt,
                  std::nullopt,
                  {{"added", r.added},
                   {"updated", r.updated},
                   {"removed", r.removed},
                   {"kept", static_cast<std::int64_t>(r.kept.size())}}});
    return r;
}

std::optional<std::string> locate_neighbourhood(SQLite::Database& db, double lat, double lon) {
    auto q =
        store::prepare(db,
                       "SELECT s.code, s.geometry FROM neighbourhood_shape s WHERE ? BETWEEN s.min_lat AND "
                       "s.max_lat AND ? BETWEEN s.min_lon AND s.max_lon ORDER BY s.code");
    q->bind(1, lat);
    q->bind(2, lon);
    while (q->executeStep()) {
        neighbourhood_shape s;
        s.polygons = polygons_of(json::parse(q->getColumn(1).getString()));
        if (contains(s, lat, lon))
            return q->getColumn(0).getString();
    }
    return std::nullopt;
}

}  // namespace relais::domain
