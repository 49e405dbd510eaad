#pragma once

#include <boost/json/object.hpp>

namespace relais::match {

/// The weights of the score's components. A candidate's score is the weighted mean of its components, each
/// in [0, 1], so a score is in [0, 1] whatever the weights. Defaults (used for any key the programme's
/// `weights` setting does not give):
///   distance 0.30, availability 0.10, continuity 0.20, fairness 0.20, language 0.10, urgency 0.10.
/// Distance matters most (volunteers walk or cycle), then keeping a resident with the volunteer they know
/// and spreading missions; language and urgency break ties between otherwise close candidates.
struct score_weights {
    double distance = 0.30;
    double availability = 0.10;
    double continuity = 0.20;
    double fairness = 0.20;
    double language = 0.10;
    double urgency = 0.10;

    double sum() const { return distance + availability + continuity + fairness + language + urgency; }

    /// The defaults overridden by the numbers of a programme's `weights` object (negative or non-numeric
    /// values and unknown keys are ignored).
    static score_weights from_json(const boost::json::object& o);
    boost::json::object to_json() const;
};

/// One candidate's components, each in [0, 1].
struct score_components {
    double distance = 0;
    double availability = 0;
    double continuity = 0;
    double fairness = 0;
    double language = 0;
    double urgency = 0;

    /// The weighted mean of the components (0 when every weight is 0).
    double score(const score_weights& w) const;
    boost::json::object to_json() const;
};

}  // namespace relais::match
