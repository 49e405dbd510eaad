// Matching benchmark (scripts/bench-match): candidate ranking among 10k / 100k / 1M active volunteers, batch
// plans of 500 x 5,000 and 2,000 x 20,000, and the index's memory, on generated data with a fixed seed. Works
// on the in-memory index and the solver directly (no HTTP, no database). Prints one table.
//
//   relais_bench_match [--quick] [--seed N] [--queries N] [--k N]
//     --quick     skips the 1M-volunteer ranking (a faster check)

#include "domain/time_format.hpp"
#include "match/batch_plan.hpp"
#include "match/ranking.hpp"
#include "match/volunteer_index.hpp"

#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace relais;
using namespace relais::match;

namespace {

const std::vector<std::string> categories{"shopping", "medicines", "books",   "admin",   "friendly_call", "walk",
                                          "appointment", "digital", "reading", "language", "schooling"};
// Some needs are far more common (shopping, medicines, friendly calls).
const std::vector<double> category_weights{8, 6, 1, 2, 5, 2, 2, 2, 0.5, 1, 1};

struct hood {
    const char* code;
    double lat, lon;
};
const std::vector<hood> hoods{{"centre", 48.1113, -1.6800},        {"thabor", 48.1140, -1.6620},
                              {"bourg-leveque", 48.1160, -1.6990}, {"saint-martin", 48.1250, -1.6800},
                              {"maurepas", 48.1300, -1.6560},      {"jeanne-darc", 48.1220, -1.6390},
                              {"francisco-ferrer", 48.0990, -1.6480}, {"sud-gare", 48.0960, -1.6720},
                              {"cleunay", 48.1040, -1.7090},       {"villejean", 48.1230, -1.7070},
                              {"le-blosne", 48.0850, -1.6560},     {"brequigny", 48.0880, -1.6890}};
const std::vector<std::string> other_languages{"en", "ar", "es", "pt", "tr", "ro", "uk", "ru"};

// Rennes and its first ring of suburbs, about 19 km x 19 km.
constexpr double lat_min = 48.03, lat_max = 48.20, lon_min = -1.81, lon_max = -1.55;

const std::int64_t now = *domain::parse_iso8601("2026-11-23T08:00:00Z");  // Monday 09:00 in Rennes

class generator {
public:
    explicit generator(std::uint64_t seed) : rng_(seed) {}

    double uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng_); }
    int integer(int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng_); }
    bool chance(double p) { return uniform(0, 1) < p; }
    std::size_t category() {
        std::discrete_distribution<std::size_t> d(category_weights.begin(), category_weights.end());
        return d(rng_);
    }

    static const hood& nearest(double lat, double lon) {
        const hood* best = &hoods[0];
        double bd = 1e18;
        for (const auto& h : hoods) {
            const double d = (h.lat - lat) * (h.lat - lat) + (h.lon - lon) * (h.lon - lon);
            if (d < bd) {
                bd = d;
                best = &h;
            }
        }
        return *best;
    }

    volunteer_row volunteer(std::size_t i) {
        volunteer_row r;
        char id[32];
        std::snprintf(id, sizeof id, "vol_%016zu", i);
        r.id = id;
        r.status = "active";
        const double lat = uniform(lat_min, lat_max), lon = uniform(lon_min, lon_max);
        r.neighbourhood = nearest(lat, lon).code;
        if (chance(0.85))
            r.location = domain::geo{lat, lon};
        const int n_skills = integer(1, 4);
        while (static_cast<int>(r.skills.size()) < n_skills) {
            const auto& c = categories[category()];
            if (std::find(r.skills.begin(), r.skills.end(), c) == r.skills.end())
                r.skills.push_back(c);
        }
        const int n_slots = integer(2, 5);
        for (int s = 0; s < n_slots; ++s) {
            const int start = integer(8, 18) * 60 + 30 * integer(0, 1);
            r.availability.push_back({integer(0, 6), start, std::min(24 * 60, start + 60 * integer(2, 4))});
        }
        r.languages = {"fr"};
        if (chance(0.2))
            r.languages.push_back(other_languages[static_cast<std::size_t>(integer(0, 7))]);
        r.max_missions_per_week = integer(1, 3);
        if (chance(0.4)) {
            r.ever_mobilised = true;
            r.last_mission_at = now - integer(1, 60) * 86400;
            for (int d = integer(0, 2); d > 0; --d) {
                const std::int64_t t = now - integer(1, 27) * 86400 + integer(9, 17) * 3600;
                r.missions.push_back({t, t + 3600, false});
            }
            if (chance(0.5)) {
                const std::int64_t t = now + integer(0, 6) * 86400 + integer(9, 17) * 3600;
                r.missions.push_back({t, t + 3600, true});
            }
            std::sort(r.missions.begin(), r.missions.end(),
                      [](const mission_stamp& a, const mission_stamp& b) { return a.starts_at < b.starts_at; });
        }
        return r;
    }

    match_request request(std::size_t i) {
        match_request m;
        m.request_id = "req_" + std::to_string(i);
        m.resident_id = "res_" + std::to_string(i);
        m.category = categories[category()];
        const double lat = uniform(lat_min + 0.02, lat_max - 0.02), lon = uniform(lon_min + 0.03, lon_max - 0.03);
        m.neighbourhood = nearest(lat, lon).code;
        if (chance(0.9))
            m.location = domain::geo{lat, lon};
        const int u = integer(0, 9);
        m.urgency = u < 2 ? "today" : u < 5 ? "48h" : "week";
        const int horizon_days = m.urgency == "today" ? 0 : m.urgency == "48h" ? 1 : 5;
        // Windows start on the hour between 09:00 and 17:00 UTC within the urgency's horizon, 2 to 6 hours long.
        m.window_from = now + integer(0, horizon_days) * 86400 + (integer(1, 9)) * 3600;
        m.window_until = m.window_from + integer(2, 6) * 3600;
        m.languages = {"fr"};
        if (chance(0.15))
            m.languages.insert(m.languages.begin(), other_languages[static_cast<std::size_t>(integer(0, 7))]);
        return m;
    }

private:
    std::mt19937_64 rng_;
};

std::vector<volunteer_row> volunteers(std::size_t n, std::uint64_t seed) {
    generator g(seed);
    std::vector<volunteer_row> rows;
    rows.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        rows.push_back(g.volunteer(i));
    return rows;
}

std::size_t heap_in_use() { return mallinfo2().uordblks; }

double ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

/// CPU time of this thread, in ms: unlike wall time, not inflated when other processes share the cores.
double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    if (v.empty())
        return 0;
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

struct row {
    std::string bench, size, p50{"-"}, p99{"-"}, time{"-"}, optimal{"-"}, greedy{"-"}, assigned{"-"}, target{"-"},
        verdict{"-"};
};

std::string numf(const char* f, double v) {
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

void print(const std::vector<row>& rows) {
    const char* heads[] = {"benchmark", "size", "p50", "p99", "time", "optimal score", "greedy score",
                           "assigned opt/greedy", "target", "met"};
    std::vector<std::size_t> w(10);
    auto cells = [](const row& r) {
        return std::vector<std::string>{r.bench, r.size, r.p50, r.p99, r.time, r.optimal, r.greedy, r.assigned, r.target, r.verdict};
    };
    for (std::size_t i = 0; i < 10; ++i)
        w[i] = std::strlen(heads[i]);
    for (const auto& r : rows) {
        auto c = cells(r);
        for (std::size_t i = 0; i < 10; ++i)
            w[i] = std::max(w[i], c[i].size());
    }
    auto line = [&](const std::vector<std::string>& c) {
        std::printf("|");
        for (std::size_t i = 0; i < 10; ++i)
            std::printf(" %-*s |", static_cast<int>(w[i]), c[i].c_str());
        std::printf("\n");
    };
    line(std::vector<std::string>(std::begin(heads), std::end(heads)));
    std::printf("|");
    for (std::size_t i = 0; i < 10; ++i)
        std::printf("%s|", std::string(w[i] + 2, '-').c_str());
    std::printf("\n");
    for (const auto& r : rows)
        line(cells(r));
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false;
    std::uint64_t seed = 20261123;
    std::size_t queries = 200, k = 5;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--quick")
            quick = true;
        else if (a == "--seed" && i + 1 < argc)
            seed = std::stoull(argv[++i]);
        else if (a == "--queries" && i + 1 < argc)
            queries = std::stoul(argv[++i]);
        else if (a == "--k" && i + 1 < argc)
            k = std::stoul(argv[++i]);
        else {
            std::fprintf(stderr, "usage: relais_bench_match [--quick] [--seed N] [--queries N] [--k N]\n");
            return 64;
        }
    }
    std::vector<row> table;
    const match_settings settings;  // defaults: 5 km, default weights
    bool all_met = true;

    // --- ranking -------------------------------------------------------------------------------------------
    std::vector<std::size_t> sizes{10000, 100000};
    if (!quick)
        sizes.push_back(1000000);
    std::string memory_row_value;
    for (std::size_t n : sizes) {
        auto rows = volunteers(n, seed);
        volunteer_index index;
        const std::size_t before = heap_in_use();
        const auto t_build = std::chrono::steady_clock::now();
        index.replace_all(rows, 1);
        const double build_ms = ms(std::chrono::steady_clock::now() - t_build);
        const std::size_t bytes = heap_in_use() - before;
        rows.clear();
        rows.shrink_to_fit();

        generator g(seed + 1);
        std::vector<double> times, cpu_times;
        double found = 0;
        for (std::size_t q = 0; q < queries; ++q) {
            const auto r = g.request(q);
            const double c0 = thread_cpu_ms();
            const auto t = std::chrono::steady_clock::now();
            auto cs = rank_candidates(index, r, settings, now, 20);
            times.push_back(ms(std::chrono::steady_clock::now() - t));
            cpu_times.push_back(thread_cpu_ms() - c0);
            found += static_cast<double>(cs.size());
        }
        // The target is judged on CPU time: on a shared machine wall time also counts the waits for a core.
        const double p99 = percentile(cpu_times, 0.99);
        const bool target = n == 100000;
        const bool met = !target || p99 <= 10.0;
        all_met = all_met && met;
        row r;
        r.bench = "rank 20 best (" + std::to_string(queries) + " queries)";
        r.size = std::to_string(n / 1000) + "k volunteers";
        r.p50 = numf("%.2f", percentile(cpu_times, 0.5)) + numf(" (%.2f) ms", percentile(times, 0.5));
        r.p99 = numf("%.2f", p99) + numf(" (%.2f) ms", percentile(times, 0.99));
        r.time = numf("build %.0f ms", build_ms);
        r.assigned = numf("%.1f found/query", found / static_cast<double>(queries));
        if (target) {
            r.target = "p99 <= 10 ms";
            r.verdict = met ? "yes" : "NO";
        }
        table.push_back(r);
        const double per_100k = static_cast<double>(bytes) * 100000.0 / static_cast<double>(n);
        row m;
        m.bench = "index memory";
        m.size = std::to_string(n / 1000) + "k volunteers";
        m.time = numf("%.1f MB", static_cast<double>(bytes) / 1e6);
        m.assigned = numf("%.1f MB per 100k", per_100k / 1e6);
        table.push_back(m);
    }

    // --- batch plans ---------------------------------------------------------------------------------------
    for (auto [n_requests, n_volunteers] : {std::pair<std::size_t, std::size_t>{500, 5000}, {2000, 20000}}) {
        volunteer_index index;
        index.replace_all(volunteers(n_volunteers, seed + 2), 1);
        generator g(seed + 3);
        std::vector<match_request> reqs;
        for (std::size_t i = 0; i < n_requests; ++i)
            reqs.push_back(g.request(i));
        const auto t = std::chrono::steady_clock::now();
        auto plan = build_plan(index, reqs, settings, now, k);
        const double total_ms = ms(std::chrono::steady_clock::now() - t);
        const bool target = n_requests == 2000;
        const bool not_below = plan.total_score + 1e-9 >= plan.greedy_score;
        const bool met = not_below && (!target || total_ms <= 1000.0);
        all_met = all_met && met;
        row r;
        r.bench = "batch plan, k=" + std::to_string(k);
        r.size = std::to_string(n_requests) + " x " + std::to_string(n_volunteers);
        r.time = numf("%.0f ms", total_ms) + numf(" (solve %.1f ms)", plan.solve_ms);
        r.optimal = numf("%.2f", plan.total_score);
        r.greedy = numf("%.2f", plan.greedy_score);
        r.assigned = std::to_string(plan.assignments.size()) + " / " + std::to_string(plan.greedy_assigned);
        r.target = target ? "<= 1 s, opt >= greedy" : "opt >= greedy";
        r.verdict = met ? "yes" : "NO";
        table.push_back(r);
    }

    double load[3] = {0, 0, 0};
    getloadavg(load, 3);
    std::printf("Relais matching benchmark: seed %llu, %zu ranking queries, generated Rennes-area data; %ld cores, "
                "load average %.1f\n\n",
                static_cast<unsigned long long>(seed), queries, sysconf(_SC_NPROCESSORS_ONLN), load[0]);
    print(table);
    std::printf("\nRanking: one request, the 20 best active volunteers within 5 km (or of its neighbourhood), all hard\n"
                "filters and score components; p50/p99 in thread CPU time, wall time in brackets (the target is judged\n"
                "on CPU time, wall time also counts waiting for a core on a loaded machine). Plan time (wall) includes\n"
                "ranking the k best of every request and their alternative days. Memory: heap growth while building\n"
                "the index (mallinfo2).\n");
    return all_met ? 0 : 1;
}
