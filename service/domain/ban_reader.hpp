#pragma once

#include "domain/address_record.hpp"
#include "domain/csv_table.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace relais::domain {

/// Reads the lines of a Base Adresse Nationale CSV file (`adresses-35.csv`: ';'-separated, UTF-8, a header
/// line naming `id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;...;lon;lat;...`) one at
/// a time, so that a file of a million lines is never held in memory. Columns are found by their name in the
/// header, not by position; quoted fields are accepted (csv_fields).
class ban_reader {
  public:
    /// Reads the header line (a byte order mark is skipped). False, with a fault on line 1, when a column
    /// the addresses need is missing.
    bool read_header(std::string_view line, fault_list& faults);

    /// The address on line `line_no`, or nullopt with one fault per problem (`line N`, the column, what is
    /// wrong): no id, no street, a latitude or longitude that is not a number or out of range.
    std::optional<address_record> read_row(std::string_view line, std::size_t line_no,
                                           fault_list& faults) const;

  private:
    csv_table table_;  ///< the header only: columns by name
    int id_ = -1, number_ = -1, suffix_ = -1, street_ = -1, postcode_ = -1, city_ = -1, lat_ = -1, lon_ = -1;
};

}  // namespace relais::domain
