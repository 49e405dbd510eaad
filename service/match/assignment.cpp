#include "match/assignment.hpp"

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace relais::match {

std::int64_t gain_of(double score) {
    return std::clamp<std::int64_t>(std::llround(score * gain_scale), 1, static_cast<std::int64_t>(gain_scale));
}

namespace {

plan_solution finish(const plan_problem& p, std::vector<int> choice) {
    plan_solution s;
    s.arc_of_request = std::move(choice);
    for (int a : s.arc_of_request) {
        if (a < 0)
            continue;
        s.total_gain += p.arcs[static_cast<std::size_t>(a)].gain;
        ++s.assigned;
    }
    return s;
}

}  // namespace

plan_solution solve_optimal(const plan_problem& p) {
    using graph = lemon::SmartDigraph;
    graph g;
    const auto r_count = static_cast<int>(p.requests);
    const auto b_count = static_cast<int>(p.capacity.size());
    const auto g_count = static_cast<int>(p.group_capacity.size());
    g.reserveNode(r_count + b_count + g_count + 2);
    g.reserveArc(2 * r_count + static_cast<int>(p.arcs.size()) + b_count + g_count);
    const graph::Node source = g.addNode();
    const graph::Node sink = g.addNode();
    std::vector<graph::Node> req(p.requests), bucket(p.capacity.size()), group(p.group_capacity.size());
    for (auto& n : req)
        n = g.addNode();
    for (auto& n : bucket)
        n = g.addNode();
    for (auto& n : group)
        n = g.addNode();

    graph::ArcMap<int> cap(g);
    graph::ArcMap<std::int64_t> cost(g);
    auto add = [&](graph::Node from, graph::Node to, int c, std::int64_t k) {
        graph::Arc a = g.addArc(from, to);
        cap[a] = c;
        cost[a] = k;
        return a;
    };
    for (int r = 0; r < r_count; ++r) {
        add(source, req[static_cast<std::size_t>(r)], 1, 0);
        add(req[static_cast<std::size_t>(r)], sink, 1, 0);  // unassigned
    }
    std::vector<graph::Arc> choice_arc;
    choice_arc.reserve(p.arcs.size());
    for (const auto& a : p.arcs)
        choice_arc.push_back(add(req[a.request], bucket[a.bucket], 1, -a.gain));
    for (std::size_t b = 0; b < p.capacity.size(); ++b)
        add(bucket[b], group[p.group_of[b]], std::max(0, p.capacity[b]), 0);
    for (std::size_t k = 0; k < p.group_capacity.size(); ++k)
        add(group[k], sink, std::max(0, p.group_capacity[k]), 0);

    lemon::NetworkSimplex<graph, int, std::int64_t> ns(g);
    ns.upperMap(cap).costMap(cost).stSupply(source, sink, r_count);
    if (ns.run() != decltype(ns)::OPTIMAL)
        throw std::logic_error("the assignment flow has no optimal solution");  // cannot happen: bypass arcs

    std::vector<int> choice(p.requests, -1);
    for (std::size_t i = 0; i < p.arcs.size(); ++i)
        if (ns.flow(choice_arc[i]) > 0)
            choice[p.arcs[i].request] = static_cast<int>(i);
    return finish(p, std::move(choice));
}

plan_solution solve_greedy(const plan_problem& p) {
    std::vector<std::vector<int>> arcs_of(p.requests);
    for (std::size_t i = 0; i < p.arcs.size(); ++i)
        arcs_of[p.arcs[i].request].push_back(static_cast<int>(i));
    std::vector<int> left = p.capacity;
    std::vector<int> group_left = p.group_capacity;
    std::vector<int> choice(p.requests, -1);
    for (std::uint32_t r = 0; r < p.requests; ++r) {
        for (int a : arcs_of[r]) {
            const auto b = p.arcs[static_cast<std::size_t>(a)].bucket;
            auto& room = left[b];
            auto& group_room = group_left[p.group_of[b]];
            if (room > 0 && group_room > 0) {
                --room;
                --group_room;
                choice[r] = a;
                break;
            }
        }
    }
    return finish(p, std::move(choice));
}

}  // namespace relais::match
