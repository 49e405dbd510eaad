#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace relais::tools {

/// `relais import neighbourhoods --db PATH [--dry-run] FILE`: the city's neighbourhoods from a GeoJSON
/// FeatureCollection of polygons (a `name` property, an optional `code`) or a CSV `name,lat,lon` (optional
/// `code`), replacing the current ones (those still in use are kept). Exit 0 with a summary; 1 with one line
/// per fault (`feature N: field: problem`, `line N: field: problem`) and nothing written; 64 on a usage
/// error. `args` start after "import".
int run_import_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace relais::tools
