#include "store/schema.hpp"

namespace relais::store {

// Address completion (issue 16): the addresses of the Base Adresse Nationale (France's open address
// register) a city imports with `relais import addresses`, one row per address, found by BAN id on a later
// import, and a full-text index over their labels ("12 bis Rue de la Paix 35000 Rennes") for completion as
// a resident types: accents and case ignored (unicode61, remove_diacritics 2), prefixes of two and three
// characters indexed so that a word being typed ("pa") is found without scanning every term. The index reads
// its text from the table (external content) and is rebuilt by the import, its only writer, in the import's
// transaction. Nothing refers to a neighbourhood: the one an address lies in is read from the city's map when
// it is shown (the map may be imported again after the addresses). Empty, both cost a few pages.
const char* schema_addresses_sql() {
    return R"sql(
CREATE TABLE address (
  id INTEGER PRIMARY KEY,
  ban_id TEXT NOT NULL UNIQUE,
  number TEXT NOT NULL,
  suffix TEXT NOT NULL,
  street TEXT NOT NULL,
  postcode TEXT NOT NULL,
  city TEXT NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  label TEXT NOT NULL
);
CREATE VIRTUAL TABLE address_search USING fts5(
  label, content = 'address', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
)sql";
}

}  // namespace relais::store
