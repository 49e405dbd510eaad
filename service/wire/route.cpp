#include "wire/route.hpp"

#include <stdexcept>

namespace relais::wire {

void route_table::add(route r) {
    if (find(r.method, r.pattern))
        throw std::logic_error("route declared twice: " + std::string(to_string(r.method)) + " " + r.pattern);
    if (r.access.allowed == 0)
        throw std::logic_error("route " + r.pattern + " allows nobody");
    if (!r.h)
        throw std::logic_error("route " + r.pattern + " has no handler");
    routes_.push_back(std::move(r));
}

const route* route_table::find(verb method, std::string_view pattern) const {
    for (const auto& r : routes_)
        if (r.method == method && r.pattern == pattern)
            return &r;
    return nullptr;
}

}  // namespace relais::wire
