#include "domain/json_text.hpp"

namespace relais::domain {

std::string text_of(const boost::json::object& o, std::string_view key) {
    if (auto* v = o.if_contains(key); v && v->is_string())
        return std::string(v->as_string());
    return {};
}

}  // namespace relais::domain
