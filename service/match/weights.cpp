#include "match/weights.hpp"

#include <cmath>

namespace relais::match {

namespace json = boost::json;

score_weights score_weights::from_json(const json::object& o) {
    score_weights w;
    auto take = [&](const char* key, double& slot) {
        auto it = o.find(key);
        if (it == o.end())
            return;
        double v = -1;
        if (it->value().is_double())
            v = it->value().as_double();
        else if (it->value().is_int64())
            v = static_cast<double>(it->value().as_int64());
        else if (it->value().is_uint64())
            v = static_cast<double>(it->value().as_uint64());
        if (v >= 0 && std::isfinite(v))
            slot = v;
    };
    take("distance", w.distance);
    take("availability", w.availability);
    take("continuity", w.continuity);
    take("fairness", w.fairness);
    take("language", w.language);
    take("urgency", w.urgency);
    return w;
}

json::object score_weights::to_json() const {
    return {{"distance", distance},   {"availability", availability}, {"continuity", continuity},
            {"fairness", fairness},   {"language", language},         {"urgency", urgency}};
}

double score_components::score(const score_weights& w) const {
    const double total = w.sum();
    if (total <= 0)
        return 0;
    return (w.distance * distance + w.availability * availability + w.continuity * continuity +
            w.fairness * fairness + w.language * language + w.urgency * urgency) /
           total;
}

json::object score_components::to_json() const {
    auto r = [](double v) { return std::round(v * 1000) / 1000; };  // three decimals are plenty to read
    return {{"distance", r(distance)}, {"availability", r(availability)}, {"continuity", r(continuity)},
            {"fairness", r(fairness)}, {"language", r(language)},         {"urgency", r(urgency)}};
}

}  // namespace relais::match
