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

std::optional<std::string> normalize_phone(std::string_view in) {
    if (in.size() > 30)
        return std::nullopt;
    std::string digits;
    bool plus = false;
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c >= '0' && c <= '9')
            digits += c;
        else if (c == '+' && digits.empty() && !plus)
            plus = true;
        else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')')
            return std::nullopt;
    }
    if (!plus) {
        if (digits.size() == 10 && digits[0] == '0' && digits[1] != '0')
            return "+33" + digits.substr(1);
        if (digits.size() > 4 && digits.starts_with("00"))
            digits = digits.substr(2);
        else
            return std::nullopt;
    }
    if (digits.starts_with("33")) {
        // "+33 (0)6..." is written often: drop the trunk zero.
        if (digits.size() == 12 && digits[2] == '0')
            digits.erase(2, 1);
        if (digits.size() != 11)
            return std::nullopt;
    }
    if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0')
        return std::nullopt;
    return "+" + digits;
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
