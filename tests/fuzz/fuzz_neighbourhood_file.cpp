// libFuzzer target: the city's map files (`relais import neighbourhoods`), GeoJSON or CSV, from whoever
// published them. Invariants: the parser never throws; a file with no fault yields neighbourhoods whose codes
// are well formed and unique and whose centres are real coordinates; point-in-polygon on every shape, at its
// centre and at odd points, never crashes.
#include "domain/neighbourhood_map.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto m = relais::domain::parse_neighbourhood_file(in);
    if (m.faults.empty() && m.items.empty())
        std::abort();  // a file is either some neighbourhoods or some faults
    if (!m.faults.empty())
        return 0;
    std::set<std::string> codes;
    for (const auto& s : m.items) {
        if (s.code.empty() || s.code.size() > 40 || !codes.insert(s.code).second)
            std::abort();
        if (s.code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
            std::abort();
        if (!std::isfinite(s.lat) || !std::isfinite(s.lon))
            std::abort();
        for (const auto& poly : s.polygons)
            for (const auto& r : poly)
                if (r.size() < 3)
                    std::abort();
        (void)relais::domain::contains(s, s.lat, s.lon);
        (void)relais::domain::contains(s, 90, -180);
        (void)relais::domain::contains(s, 0, 0);
    }
    return 0;
}
