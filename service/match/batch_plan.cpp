#include "match/batch_plan.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <unordered_map>

namespace relais::match {

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

batch_plan build_plan(const volunteer_index& index, const std::vector<match_request>& requests,
                      const match_settings& settings, std::int64_t now, std::size_t k) {
    batch_plan plan;
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::vector<candidate>> cands(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i)
        cands[i] = rank_candidates(index, requests[i], settings, now, k);
    plan.candidates_ms = ms_since(t0);

    // Buckets: one per (volunteer, week).
    plan_problem p;
    p.requests = static_cast<std::uint32_t>(requests.size());
    std::map<std::pair<std::string, std::int64_t>, std::uint32_t> bucket_of;
    std::vector<const candidate*> arc_candidate;
    for (std::size_t i = 0; i < cands.size(); ++i) {
        for (const auto& c : cands[i]) {
            auto [it, fresh] = bucket_of.try_emplace({c.volunteer_id, c.week}, static_cast<std::uint32_t>(p.capacity.size()));
            if (fresh)
                p.capacity.push_back(c.week_capacity);
            else
                p.capacity[it->second] = std::min(p.capacity[it->second], c.week_capacity);
            p.arcs.push_back({static_cast<std::uint32_t>(i), it->second, gain_of(c.score)});
            arc_candidate.push_back(&c);
        }
    }
    plan.candidate_arcs = p.arcs.size();

    t0 = std::chrono::steady_clock::now();
    const plan_solution best = solve_optimal(p);
    plan.solve_ms = ms_since(t0);
    t0 = std::chrono::steady_clock::now();
    const plan_solution greedy = solve_greedy(p);
    plan.greedy_ms = ms_since(t0);

    for (std::uint32_t r = 0; r < p.requests; ++r) {
        if (const int a = greedy.arc_of_request[r]; a >= 0)
            plan.greedy_score += arc_candidate[static_cast<std::size_t>(a)]->score;
        const int a = best.arc_of_request[r];
        if (a < 0) {
            plan.unassigned.push_back(r);
            continue;
        }
        plan.optimal_score += arc_candidate[static_cast<std::size_t>(a)]->score;
        plan.assignments.push_back({r, *arc_candidate[static_cast<std::size_t>(a)]});
    }
    plan.greedy_assigned = greedy.assigned;

    // One volunteer's assignments must not overlap in time: re-slot them, best score first.
    std::unordered_map<std::string, std::vector<std::size_t>> by_volunteer;
    for (std::size_t i = 0; i < plan.assignments.size(); ++i)
        by_volunteer[plan.assignments[i].chosen.volunteer_id].push_back(i);
    std::vector<bool> dropped(plan.assignments.size(), false);
    for (auto& [volunteer_id, list] : by_volunteer) {
        if (list.size() < 2)
            continue;
        std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
            return plan.assignments[a].chosen.score > plan.assignments[b].chosen.score;
        });
        index.read([&](const index_data& d) {
            const volunteer_entry* e = d.find(volunteer_id);
            std::vector<mission_stamp> taken;
            for (std::size_t i : list) {
                auto& a = plan.assignments[i];
                std::optional<prepared_request::scored> s;
                std::int64_t length = 0;
                if (e) {
                    prepared_request q(d, requests[a.request], settings, now);
                    s = q.score(*e, a.chosen.distance_km.value_or(-1), taken);
                    length = q.length();
                }
                if (!s) {
                    dropped[i] = true;
                    continue;
                }
                if (s->start != a.chosen.starts_at) {
                    ++plan.reslotted;
                    a.chosen.starts_at = s->start;
                    a.chosen.ends_at = s->start + length;
                    a.chosen.week = s->week;
                }
                taken.push_back({a.chosen.starts_at, a.chosen.ends_at, true});
            }
        });
    }
    std::vector<planned_assignment> kept;
    for (std::size_t i = 0; i < plan.assignments.size(); ++i) {
        if (dropped[i]) {
            ++plan.dropped_overlaps;
            plan.unassigned.push_back(plan.assignments[i].request);
        } else {
            plan.total_score += plan.assignments[i].chosen.score;
            kept.push_back(std::move(plan.assignments[i]));
        }
    }
    plan.assignments = std::move(kept);
    std::sort(plan.unassigned.begin(), plan.unassigned.end());
    return plan;
}

}  // namespace relais::match
