#pragma once

#include <string>

// One address of the Base Adresse Nationale (France's open address register), as `relais import addresses`
// keeps it for completion on the request forms (issue 16).
namespace relais::domain {

struct address_record {
    std::string ban_id;    ///< the register's own id ("35238_2500_00012_bis"): a later import replaces by it
    std::string number;    ///< the house number as written ("12"), empty for a street without numbers
    std::string suffix;    ///< the register's `rep` ("bis", "ter", "b"), often empty
    std::string street;    ///< `nom_voie` ("Rue de la Paix")
    std::string postcode;  ///< `code_postal` ("35000")
    std::string city;      ///< `nom_commune` ("Rennes")
    double lat = 0, lon = 0;
};

/// What a person reads and the search matches: "12 bis Rue de la Paix 35000 Rennes" (empty parts left out).
std::string address_label(const address_record& a);

/// The number as written on the door: "12 bis", "12", or "".
std::string door_number(const address_record& a);

}  // namespace relais::domain
