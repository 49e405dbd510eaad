#include "store/schema.hpp"

namespace relais::store {

// Rennes out of the schema (issue 16): migration 1 wrote Rennes' twelve neighbourhoods, its programme's name
// and its coordination's phone into every database. They are the demo's data now (data/demo/, imported by the
// demo season through the API), and a new city brings its own map at setup. A database nobody has used yet
// (no account, no person, no event) loses them here; a database in use keeps them, as the city it is.
const char* schema_demo_data_sql() {
    return R"sql(
CREATE TEMP TABLE unused_city AS
  SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM volunteer)
     AND NOT EXISTS (SELECT 1 FROM resident) AND NOT EXISTS (SELECT 1 FROM event)
     AND NOT EXISTS (SELECT 1 FROM collective_mission) AS yes;
DELETE FROM neighbourhood_shape WHERE (SELECT yes FROM unused_city)
  AND code IN ('centre', 'thabor', 'bourg-leveque', 'saint-martin', 'maurepas', 'jeanne-darc',
               'francisco-ferrer', 'sud-gare', 'cleunay', 'villejean', 'le-blosne', 'brequigny');
DELETE FROM neighbourhood WHERE (SELECT yes FROM unused_city)
  AND code IN ('centre', 'thabor', 'bourg-leveque', 'saint-martin', 'maurepas', 'jeanne-darc',
               'francisco-ferrer', 'sud-gare', 'cleunay', 'villejean', 'le-blosne', 'brequigny');
UPDATE programme SET name = 'Relais', coordination_phone = ''
  WHERE (SELECT yes FROM unused_city) AND name = 'Volontaires Solidaires'
    AND coordination_phone = '02 23 62 10 10';
DROP TABLE unused_city;
)sql";
}

}  // namespace relais::store
