#include "domain/ban_reader.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace relais::domain {

namespace {

/// The columns an address needs, by their name in the register's header.
constexpr const char* required_columns[] = {"id",          "numero", "nom_voie", "code_postal",
                                            "nom_commune", "lon",    "lat"};

/// The coordinate in `text`, or nullopt with the problem added as a fault.
std::optional<double> coordinate(const std::string& text, double limit, const std::string& where,
                                 const char* column, fault_list& faults) {
    if (text.empty()) {
        faults.add(where, column, "is missing");
        return std::nullopt;
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
        faults.add(where, column, "is not a number (a decimal with a point, such as 48.1113)");
        return std::nullopt;
    }
    if (v < -limit || v > limit) {
        faults.add(where, column,
                   "is out of range (-" + std::to_string(static_cast<int>(limit)) + " to " +
                       std::to_string(static_cast<int>(limit)) + ")");
        return std::nullopt;
    }
    return v;
}

}  // namespace

bool ban_reader::read_header(std::string_view line, fault_list& faults) {
    if (line.starts_with("\xEF\xBB\xBF"))
        line.remove_prefix(3);  // a byte order mark
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    table_.separator = line.find(';') != std::string_view::npos ? ';' : ',';
    table_.header = csv_fields(line, table_.separator);
    bool complete = true;
    for (const char* name : required_columns) {
        if (table_.column(name) < 0) {
            faults.add("line 1", name,
                       "is not in the header: a file of the Base Adresse Nationale names the columns id, "
                       "numero, rep, nom_voie, code_postal, nom_commune, lon and lat (among others)");
            complete = false;
        }
    }
    id_ = table_.column("id");
    number_ = table_.column("numero");
    suffix_ = table_.column("rep");
    street_ = table_.column("nom_voie");
    postcode_ = table_.column("code_postal");
    city_ = table_.column("nom_commune");
    lat_ = table_.column("lat");
    lon_ = table_.column("lon");
    return complete;
}

std::optional<address_record> ban_reader::read_row(std::string_view line, std::size_t line_no,
                                                   fault_list& faults) const {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    const csv_row row{line_no, csv_fields(line, table_.separator)};
    const std::string where = "line " + std::to_string(line_no);
    address_record a;
    a.ban_id = table_.field(row, id_);
    a.number = table_.field(row, number_);
    a.suffix = table_.field(row, suffix_);
    a.street = table_.field(row, street_);
    a.postcode = table_.field(row, postcode_);
    a.city = table_.field(row, city_);
    bool ok = true;
    if (a.ban_id.empty()) {
        faults.add(where, "id", "is missing");
        ok = false;
    }
    if (a.street.empty()) {
        faults.add(where, "nom_voie", "is missing");
        ok = false;
    }
    const auto lat = coordinate(table_.field(row, lat_), 90, where, "lat", faults);
    const auto lon = coordinate(table_.field(row, lon_), 180, where, "lon", faults);
    if (!ok || !lat || !lon)
        return std::nullopt;
    a.lat = *lat;
    a.lon = *lon;
    return a;
}

}  // namespace relais::domain
