#include "match/batch_plan.hpp"

#include "match/local_time.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

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

    // Each candidate on its first day, and on up to two more days of the window (their first free slot
    // there).
    std::vector<std::vector<candidate>> options(requests.size());
    index.read([&](const index_data& d) {
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const prepared_request q(d, requests[i], settings, now);
            for (const auto& c : cands[i]) {
                options[i].push_back(c);
                const volunteer_entry* e = d.find(c.volunteer_id);
                std::int64_t after = c.starts_at;
                for (int day = 1; e && day < days_per_candidate; ++day) {
                    after = settings.city.midnight(settings.city.day_of(after) + 1);  // the next local day
                    auto s = q.evaluate(*e, c.distance_km.value_or(-1), {}, after);
                    if (!s)
                        break;
                    options[i].push_back(std::move(*s));
                    after = options[i].back().starts_at;
                }
            }
            // Best first: the greedy plan takes them in this order.
            std::stable_sort(options[i].begin(), options[i].end(),
                             [](const candidate& a, const candidate& b) { return a.score > b.score; });
        }
    });
    plan.candidates_ms = ms_since(t0);

    // Buckets: (volunteer, day), capacity 1; groups: (volunteer, week), capacity what the week has left.
    plan_problem p;
    p.requests = static_cast<std::uint32_t>(requests.size());
    std::map<std::pair<std::string, std::int64_t>, std::uint32_t> bucket_of, group_of;
    std::vector<const candidate*> arc_candidate;
    for (std::size_t i = 0; i < options.size(); ++i) {
        for (const auto& c : options[i]) {
            auto [g, new_group] = group_of.try_emplace({c.volunteer_id, c.week},
                                                       static_cast<std::uint32_t>(p.group_capacity.size()));
            if (new_group)
                p.group_capacity.push_back(c.week_capacity);
            else
                p.group_capacity[g->second] = std::min(p.group_capacity[g->second], c.week_capacity);
            auto [b, new_bucket] = bucket_of.try_emplace({c.volunteer_id, settings.city.day_of(c.starts_at)},
                                                         static_cast<std::uint32_t>(p.capacity.size()));
            if (new_bucket) {
                p.capacity.push_back(1);
                p.group_of.push_back(g->second);
            }
            p.arcs.push_back({static_cast<std::uint32_t>(i), b->second, gain_of(c.score)});
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
        plan.total_score += arc_candidate[static_cast<std::size_t>(a)]->score;
        plan.assignments.push_back({r, *arc_candidate[static_cast<std::size_t>(a)]});
    }
    plan.greedy_assigned = greedy.assigned;
    return plan;
}

}  // namespace relais::match
