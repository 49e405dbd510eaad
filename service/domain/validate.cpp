#include "domain/validate.hpp"

#include <cmath>

namespace relais::domain {

std::optional<std::string> normalize_email(std::string_view in) {
    if (in.size() < 3 || in.size() > 254)
        return std::nullopt;
    auto at = in.find('@');
    if (at == std::string_view::npos || at == 0 || in.find('@', at + 1) != std::string_view::npos)
        return std::nullopt;
    auto domain = in.substr(at + 1);
    auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size())
        return std::nullopt;
    std::string out;
    for (char c : in) {
        auto uc = static_cast<unsigned char>(c);
        if (uc <= 0x20 || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '\\' || uc == 0x7F)
            return std::nullopt;
        out += static_cast<char>(std::tolower(uc));
    }
    return out;
}

bool valid_language(std::string_view code) {
    return code.size() == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z';
}

double distance_km(double lat1, double lon1, double lat2, double lon2) {
    constexpr double r = 6371.0;
    constexpr double rad = M_PI / 180.0;
    const double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * r * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace relais::domain
