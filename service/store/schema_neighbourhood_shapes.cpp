#include "store/schema.hpp"

namespace relais::store {

// The city's own map (issue 16): each neighbourhood imported from a GeoJSON file keeps its polygons (as
// GeoJSON coordinates) and their bounding box, so a location is placed in its neighbourhood by
// point-in-polygon after a cheap box test. Neighbourhoods imported as centre points have no shape.
const char* schema_neighbourhood_shapes_sql() {
    return R"sql(
CREATE TABLE neighbourhood_shape (
  code TEXT PRIMARY KEY REFERENCES neighbourhood(code),
  geometry TEXT NOT NULL,
  min_lat REAL NOT NULL,
  max_lat REAL NOT NULL,
  min_lon REAL NOT NULL,
  max_lon REAL NOT NULL
);
CREATE INDEX neighbourhood_shape_box ON neighbourhood_shape(min_lat, max_lat);
)sql";
}

}  // namespace relais::store
