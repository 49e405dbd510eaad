#include "domain/address_import.hpp"
#include "domain/ban_reader.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::domain {

address_import_result import_addresses(SQLite::Database& db,
                                       const std::function<bool(std::string& line)>& next_line,
                                       fault_list& faults) {
    address_import_result r;
    std::string line;
    if (!next_line(line)) {
        faults.add("line 1", "",
                   "the file is empty: the header line of the Base Adresse Nationale is expected");
        r.faulty_lines = 1;
        return r;
    }
    ban_reader reader;
    if (!reader.read_header(line, faults)) {
        r.faulty_lines = 1;
        return r;
    }
    SQLite::Statement put(
        db,
        "INSERT INTO address(ban_id, number, suffix, street, postcode, city, lat, lon, label) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ban_id) DO UPDATE SET "
        "number = excluded.number, suffix = excluded.suffix, street = excluded.street, "
        "postcode = excluded.postcode, city = excluded.city, lat = excluded.lat, "
        "lon = excluded.lon, label = excluded.label");
    std::size_t line_no = 1, rows = 0;
    while (next_line(line)) {
        ++line_no;
        if (line.find_first_not_of(" \t\r;,") == std::string::npos)
            continue;  // a blank line
        ++rows;
        const auto a = reader.read_row(line, line_no, faults);
        if (!a) {
            ++r.faulty_lines;
            continue;
        }
        if (r.faulty_lines > 0)
            continue;  // nothing will be kept: only the faults are still wanted
        put.bind(1, a->ban_id);
        put.bind(2, a->number);
        put.bind(3, a->suffix);
        put.bind(4, a->street);
        put.bind(5, a->postcode);
        put.bind(6, a->city);
        put.bind(7, a->lat);
        put.bind(8, a->lon);
        put.bind(9, address_label(*a));
        put.exec();
        put.reset();
        ++r.imported;
    }
    if (rows == 0) {
        faults.add("line 2", "", "the file has no addresses");
        r.faulty_lines = 1;
    }
    if (r.faulty_lines == 0)
        db.exec("INSERT INTO address_search(address_search) VALUES ('rebuild')");
    return r;
}

}  // namespace relais::domain
