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
    double total_score = 0;       ///< sum of the scores of `assignments`
    double optimal_score = 0;     ///< the solver's optimum (= total_score unless overlaps were dropped)
    double greedy_score = 0;      ///< the greedy plan's total on the same candidates
    std::size_t greedy_assigned = 0;
    std::size_t candidate_arcs = 0;
    std::size_t reslotted = 0;         ///< assignments moved to another slot so that one volunteer's don't overlap
    std::size_t dropped_overlaps = 0;  ///< assignments dropped because no non-overlapping slot remained
    double candidates_ms = 0, solve_ms = 0, greedy_ms = 0;
};

/// Plans `requests` (in queue order) over the `k` best candidates of each, each volunteer within what
/// remains of their weekly maximum in each week (exact: min-cost flow). The flow knows weeks, not hours:
/// when one volunteer receives several requests whose suggested slots overlap, the later ones (by score)
/// are moved to the next free slot of their window; one that no longer fits is dropped and counted.
batch_plan build_plan(const volunteer_index& index, const std::vector<match_request>& requests,
                      const match_settings& settings, std::int64_t now, std::size_t k);

}  // namespace relais::match
