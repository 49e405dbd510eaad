#pragma once

#include "domain/csv_table.hpp"
#include "domain/events.hpp"
#include "domain/phone_plan.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Importing a city's existing list of volunteers (issue 16): a CSV as a spreadsheet writes it, with the
// columns first_name, last_name, email, phone, neighbourhood and optionally skills, availability, languages
// (French headers too: prenom, nom, courriel, telephone, quartier, competences, disponibilites, langues).
// Lists inside a field are separated by '|' (or ',' / ';' when the field is quoted); a neighbourhood is its
// code or name, a skill its code or label; availability reads like "lun 09:00-12:00 | mer 14:00-18:00".
// Without skills, a person is offered every active kind of help (they choose in their space). Everyone
// imported starts in the reserve (consent source `import`: the list's holder collected it), with an account
// they reach by a sign-in code; a campaign then invites them. All or nothing.
namespace relais::domain {

struct volunteer_import_result {
    int imported = 0;                  ///< rows imported (or that would be, on a dry run)
    std::vector<import_fault> faults;  ///< every faulty row, "line N", field, problem
};

/// Checks every row of `text` and, if none is faulty, imports them all (in the caller's transaction, which
/// a dry run rolls back). Never throws on bad content: it lists faults (at most 200) and writes nothing.
volunteer_import_result import_volunteers(SQLite::Database& db, std::string_view text,
                                          const phone_plan& phones, std::int64_t now, const actor& who);

}  // namespace relais::domain
