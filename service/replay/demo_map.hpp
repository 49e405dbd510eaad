#pragma once

#include <string_view>

// The demo city's data (issue 16): Rennes and its twelve neighbourhoods are the demo's, not the schema's. A
// new database holds no neighbourhood; the demo season (`--demo`, `relais replay`) imports these through the
// API as an admin would, from data/demo/rennes-quartiers.csv, built into the binary.
namespace relais::replay {

/// data/demo/rennes-quartiers.csv: a CSV `code,name,lat,lon` of Rennes' twelve neighbourhoods (centre
/// points).
std::string_view demo_neighbourhoods_csv();

/// The demo programme's name and the coordination's phone (Rennes' "Volontaires Solidaires" of 2020).
inline constexpr const char* demo_programme_name = "Volontaires Solidaires (démo)";
inline constexpr const char* demo_coordination_phone = "02 23 62 10 10";

}  // namespace relais::replay
