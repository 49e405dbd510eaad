#pragma once

#include "match/assignment.hpp"
#include "match/ranking.hpp"

#include <cstddef>
#include <vector>

namespace relais::match {

struct planned_assignment {
    std::size_t request = 0;  ///< index into the requests planned
    candidate chosen;
};

/// A plan for many requests at once. Nothing is written: the coordinator commits it (or part of it).
struct batch_plan {
    std::vector<planned_assignment> assignments;  ///< the optimal plan, in request order
    std::vector<std::size_t> unassigned;          ///< requests left without a volunteer
    double total_score = 0;   ///< sum of the scores of `assignments` (the optimum)
    double greedy_score = 0;  ///< the greedy plan's total on the same candidates and capacities
    std::size_t greedy_assigned = 0;
    std::size_t candidate_arcs = 0;
    double candidates_ms = 0, solve_ms = 0, greedy_ms = 0;
};

/// Plans `requests` (in queue order) over the `k` best candidates of each, exactly (min-cost flow): each
/// volunteer within what remains of their weekly maximum in each week, and at most one mission per volunteer
/// per day within one plan, so that one volunteer's planned slots never overlap. (A coordinator can still
/// give someone a second mission that day by hand.) Each candidate is offered on up to
/// `days_per_candidate` days of the window (their first free slot of each day, scored on its own), so a
/// volunteer free on several days can take several requests.
constexpr int days_per_candidate = 3;

batch_plan build_plan(const volunteer_index& index, const std::vector<match_request>& requests,
                      const match_settings& settings, std::int64_t now, std::size_t k);

}  // namespace relais::match
