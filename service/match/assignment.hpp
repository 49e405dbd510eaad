#pragma once

#include <cstdint>
#include <vector>

// The batch plan as an assignment problem, solved exactly as a min-cost flow with LEMON's network simplex:
//
//   source --(1)--> request --(1, cost -gain)--> bucket --(capacity)--> group --(group capacity)--> sink
//                   request --(1, cost 0)--> sink      (the request stays unassigned)
//
// In a plan, a bucket is one volunteer on one day (capacity 1: a plan never gives anyone two missions the
// same day, so their slots can never overlap) and a group is that volunteer's week (capacity: what remains
// of their weekly maximum). All R units of flow reach the sink, so the cheapest flow is the assignment of
// largest total gain. Gains are scores scaled to integers (exact arithmetic in the solver).
namespace relais::match {

/// Scores in [0, 1] become integer gains in [1, 1e6] (a candidate scoring 0 is still worth serving).
constexpr double gain_scale = 1e6;
std::int64_t gain_of(double score);

struct plan_arc {
    std::uint32_t request = 0;
    std::uint32_t bucket = 0;
    std::int64_t gain = 0;  ///< > 0
};

struct plan_problem {
    std::uint32_t requests = 0;
    std::vector<int> capacity;            ///< per bucket
    std::vector<std::uint32_t> group_of;  ///< per bucket
    std::vector<int> group_capacity;      ///< per group
    std::vector<plan_arc> arcs;           ///< the greedy plan takes a request's arcs in this order (best first)
};

struct plan_solution {
    std::vector<int> arc_of_request;  ///< index into arcs, or -1 when unassigned
    std::int64_t total_gain = 0;
    std::uint32_t assigned = 0;
};

/// The assignment of maximal total gain (min-cost flow, LEMON NetworkSimplex).
plan_solution solve_optimal(const plan_problem& p);

/// Request by request in index order (the queue order), the first of its arcs (in arc order) whose bucket
/// and group have room.
plan_solution solve_greedy(const plan_problem& p);

}  // namespace relais::match
