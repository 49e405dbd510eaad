// Hard filters and score components of candidate ranking, on hand-made volunteers in an in-memory index.

#include "domain/time_format.hpp"
#include "match/ranking.hpp"
#include "match/volunteer_index.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace relais;
using namespace relais::match;

namespace {

std::int64_t at(const char* iso) { return *domain::parse_iso8601(iso); }

// Monday 23 November 2026, 09:00 in Rennes.
const std::int64_t now = at("2026-11-23T08:00:00Z");
constexpr double centre_lat = 48.1113, centre_lon = -1.6800;
constexpr double km_lat = 1.0 / 111.195;  // one km north

/// An active volunteer `km` north of the centre, shopping, free on Mondays 13:00-18:00 local, French.
volunteer_row vol(const std::string& id, double km = 0.5) {
    volunteer_row r;
    r.id = id;
    r.status = "active";
    r.neighbourhood = "centre";
    r.location = domain::geo{centre_lat + km * km_lat, centre_lon};
    r.skills = {"shopping"};
    r.availability = {{0, 13 * 60, 18 * 60}};
    r.languages = {"fr"};
    r.max_missions_per_week = 3;
    return r;
}

/// A shopping request at the centre for Monday 14:00-16:00 local (13:00-15:00 UTC).
match_request req() {
    match_request m;
    m.request_id = "req_1";
    m.resident_id = "res_1";
    m.category = "shopping";
    m.urgency = "48h";
    m.neighbourhood = "centre";
    m.location = domain::geo{centre_lat, centre_lon};
    m.window_from = at("2026-11-23T13:00:00Z");
    m.window_until = at("2026-11-23T15:00:00Z");
    m.languages = {"fr"};
    return m;
}

std::vector<candidate> rank(const std::vector<volunteer_row>& rows, const match_request& r,
                            const match_settings& s = {}, std::size_t limit = 20, std::int64_t at_time = now) {
    volunteer_index index;
    index.replace_all(rows, 1);
    return rank_candidates(index, r, s, at_time, limit);
}

std::vector<std::string> ids(const std::vector<candidate>& cs) {
    std::vector<std::string> out;
    for (const auto& c : cs)
        out.push_back(c.volunteer_id);
    return out;
}

const candidate* find(const std::vector<candidate>& cs, const std::string& id) {
    for (const auto& c : cs)
        if (c.volunteer_id == id)
            return &c;
    return nullptr;
}

}  // namespace

TEST_CASE("filter: the request's category must be among the volunteer's skills") {
    auto a = vol("vol_a");
    auto b = vol("vol_b");
    b.skills = {"walk", "books"};
    auto cs = rank({a, b}, req());
    CHECK(ids(cs) == std::vector<std::string>{"vol_a"});
}

TEST_CASE("filter: only active volunteers are indexed") {
    auto a = vol("vol_a");
    auto b = vol("vol_b");
    b.status = "paused";
    auto c = vol("vol_c");
    c.status = "registered";
    CHECK(ids(rank({a, b, c}, req())) == std::vector<std::string>{"vol_a"});
}

TEST_CASE("filter: distance when both locations are known") {
    auto near = vol("vol_near", 1.0);
    auto edge = vol("vol_edge", 4.9);
    auto far = vol("vol_far", 7.0);
    auto cs = rank({near, edge, far}, req());
    CHECK(ids(cs) == std::vector<std::string>{"vol_near", "vol_edge"});
    REQUIRE(cs[0].distance_km);
    CHECK(*cs[0].distance_km == doctest::Approx(1.0).epsilon(0.01));
    // The programme's limit is a setting.
    match_settings wide;
    wide.max_distance_km = 10;
    CHECK(ids(rank({near, edge, far}, req(), wide)).size() == 3);
    // A volunteer in another neighbourhood but within the distance is a candidate.
    auto other_hood = vol("vol_other", 2.0);
    other_hood.neighbourhood = "saint-martin";
    CHECK(ids(rank({other_hood}, req())) == std::vector<std::string>{"vol_other"});
}

TEST_CASE("filter: same neighbourhood when a location is unknown") {
    auto unlocated_here = vol("vol_here");
    unlocated_here.location.reset();
    auto unlocated_there = vol("vol_there");
    unlocated_there.location.reset();
    unlocated_there.neighbourhood = "le-blosne";
    auto located_here = vol("vol_located", 1.0);

    // Located request: located volunteers by distance, unlocated ones by neighbourhood.
    auto cs = rank({unlocated_here, unlocated_there, located_here}, req());
    CHECK(ids(cs).size() == 2);
    REQUIRE(find(cs, "vol_here"));
    CHECK_FALSE(find(cs, "vol_here")->distance_km);
    CHECK(find(cs, "vol_here")->components.distance == doctest::Approx(0.5));
    CHECK_FALSE(find(cs, "vol_there"));

    // Unlocated request: everyone of its neighbourhood, nobody else.
    auto r = req();
    r.location.reset();
    auto far_but_here = vol("vol_far_here", 30.0);
    cs = rank({unlocated_here, unlocated_there, located_here, far_but_here}, r);
    auto got = ids(cs);
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{"vol_far_here", "vol_here", "vol_located"});
}

TEST_CASE("filter: weekly availability must hold a slot inside the window (local time)") {
    auto morning = vol("vol_morning");
    morning.availability = {{0, 9 * 60, 12 * 60}};
    auto tuesday = vol("vol_tuesday");
    tuesday.availability = {{1, 13 * 60, 18 * 60}};
    auto short_slot = vol("vol_short");  // 30 minutes free: a shopping mission lasts an hour
    short_slot.availability = {{0, 14 * 60, 14 * 60 + 30}};
    auto fits = vol("vol_fits");
    fits.availability = {{0, 15 * 60, 16 * 60}};
    auto cs = rank({morning, tuesday, short_slot, fits}, req());
    REQUIRE(ids(cs) == std::vector<std::string>{"vol_fits"});
    // 15:00 local is 14:00 UTC in November.
    CHECK(cs[0].starts_at == at("2026-11-23T14:00:00Z"));
    CHECK(cs[0].ends_at == at("2026-11-23T15:00:00Z"));

    // In summer the same local slot is an hour earlier in UTC.
    auto r = req();
    r.window_from = at("2026-07-06T12:00:00Z");  // Monday 14:00 local
    r.window_until = at("2026-07-06T14:00:00Z");
    cs = rank({fits}, r, {}, 20, at("2026-07-06T06:00:00Z"));
    REQUIRE(cs.size() == 1);
    CHECK(cs[0].starts_at == at("2026-07-06T13:00:00Z"));
}

TEST_CASE("filter: no slot overlapping a proposed or accepted mission") {
    auto busy = vol("vol_busy");
    busy.missions = {{at("2026-11-23T12:30:00Z"), at("2026-11-23T15:00:00Z"), true}};
    auto done_before = vol("vol_done");  // a done mission at that time does not block (it is history)
    done_before.missions = {{at("2026-11-23T12:30:00Z"), at("2026-11-23T15:00:00Z"), false}};
    auto partly = vol("vol_partly");  // busy for the first hour of the window: suggested the second
    partly.missions = {{at("2026-11-23T13:00:00Z"), at("2026-11-23T14:00:00Z"), true}};
    auto cs = rank({busy, done_before, partly}, req());
    CHECK_FALSE(find(cs, "vol_busy"));
    CHECK(find(cs, "vol_done"));
    REQUIRE(find(cs, "vol_partly"));
    CHECK(find(cs, "vol_partly")->starts_at == at("2026-11-23T14:00:00Z"));
}

TEST_CASE("filter: under the weekly maximum in the slot's week") {
    auto full = vol("vol_full");
    full.max_missions_per_week = 1;
    full.missions = {{at("2026-11-25T09:00:00Z"), at("2026-11-25T10:00:00Z"), true}};  // Wednesday, same week
    auto last_week = vol("vol_last_week");
    last_week.max_missions_per_week = 1;
    last_week.missions = {{at("2026-11-20T09:00:00Z"), at("2026-11-20T10:00:00Z"), false}};  // previous week
    auto cs = rank({full, last_week}, req());
    CHECK(ids(cs) == std::vector<std::string>{"vol_last_week"});
    CHECK(cs[0].week == at("2026-11-23T00:00:00Z"));
    CHECK(cs[0].week_capacity == 1);

    // A window reaching into next week: the full volunteer gets a slot next Monday.
    auto r = req();
    r.window_until = at("2026-12-01T00:00:00Z");
    cs = rank({full}, r);
    REQUIRE(cs.size() == 1);
    CHECK(cs[0].starts_at == at("2026-11-30T12:00:00Z"));
    CHECK(cs[0].week == at("2026-11-30T00:00:00Z"));
}

TEST_CASE("filter: volunteers who declined, dropped or let expire this request are not asked again") {
    auto r = req();
    r.excluded = {"vol_b"};
    CHECK(ids(rank({vol("vol_a"), vol("vol_b"), vol("vol_c")}, r)) == std::vector<std::string>{"vol_a", "vol_c"});
}

TEST_CASE("filter: a request with an active support goes to its volunteer, then its stand-in, only") {
    auto main_vol = vol("vol_main", 4.5);
    main_vol.skills = {"walk"};  // skills and distance are not re-checked for them
    auto standin = vol("vol_standin", 8.0);
    auto best = vol("vol_best", 0.1);
    auto r = req();
    r.support_only = {"vol_main", "vol_standin"};
    auto cs = rank({main_vol, standin, best}, r);
    CHECK(ids(cs) == std::vector<std::string>{"vol_main", "vol_standin"});
    // The main volunteer busy: only the stand-in.
    main_vol.missions = {{at("2026-11-23T12:00:00Z"), at("2026-11-23T16:00:00Z"), true}};
    cs = rank({main_vol, standin, best}, r);
    CHECK(ids(cs) == std::vector<std::string>{"vol_standin"});
}

TEST_CASE("filter: a window already over, or too short from now on, has no candidates") {
    auto r = req();
    CHECK(rank({vol("vol_a")}, r, {}, 20, at("2026-11-23T14:30:00Z")).empty());
    CHECK(rank({vol("vol_a")}, r, {}, 20, at("2026-11-23T16:00:00Z")).empty());
    CHECK(rank({vol("vol_a")}, r, {}, 20, at("2026-11-23T13:50:00Z")).size() == 1);  // 14:00-15:00 UTC fits
}

TEST_CASE("component: distance") {
    auto cs = rank({vol("vol_1km", 1.0), vol("vol_3km", 3.0)}, req());
    REQUIRE(cs.size() == 2);
    CHECK(cs[0].volunteer_id == "vol_1km");
    CHECK(cs[0].components.distance == doctest::Approx(0.8).epsilon(0.01));
    CHECK(cs[1].components.distance == doctest::Approx(0.4).epsilon(0.01));
    CHECK(cs[0].score > cs[1].score);
}

TEST_CASE("component: availability coverage of the window") {
    auto all = vol("vol_all");  // 13:00-18:00 covers 14:00-16:00
    auto half = vol("vol_half");
    half.availability = {{0, 15 * 60, 18 * 60}};
    auto cs = rank({all, half}, req());
    REQUIRE(cs.size() == 2);
    CHECK(find(cs, "vol_all")->components.availability == doctest::Approx(1.0));
    CHECK(find(cs, "vol_half")->components.availability == doctest::Approx(0.5));
    CHECK(cs[0].volunteer_id == "vol_all");
}

TEST_CASE("component: continuity with the resident") {
    auto r = req();
    r.continuity = {{"vol_current", 1.0}, {"vol_past", 0.75}};
    auto cs = rank({vol("vol_current"), vol("vol_past"), vol("vol_new")}, r);
    CHECK(find(cs, "vol_current")->components.continuity == doctest::Approx(1.0));
    CHECK(find(cs, "vol_past")->components.continuity == doctest::Approx(0.75));
    CHECK(find(cs, "vol_new")->components.continuity == doctest::Approx(0.0));
    CHECK(ids(cs) == std::vector<std::string>{"vol_current", "vol_past", "vol_new"});
}

TEST_CASE("component: fairness puts the never-mobilised first, then the less solicited") {
    auto never = vol("vol_never");
    auto rested = vol("vol_rested");  // one mission, six weeks ago
    rested.ever_mobilised = true;
    rested.last_mission_at = now - 42 * 86400;
    auto one = vol("vol_one");  // one mission last week
    one.ever_mobilised = true;
    one.last_mission_at = now - 7 * 86400;
    one.missions = {{now - 7 * 86400, now - 7 * 86400 + 3600, false}};
    auto many = vol("vol_many");  // three missions in the last two weeks
    many.ever_mobilised = true;
    many.last_mission_at = now - 2 * 86400;
    many.missions = {{now - 12 * 86400, now - 12 * 86400 + 3600, false},
                     {now - 6 * 86400, now - 6 * 86400 + 3600, false},
                     {now - 2 * 86400, now - 2 * 86400 + 3600, false}};
    auto cs = rank({many, one, rested, never}, req());
    REQUIRE(cs.size() == 4);
    CHECK(find(cs, "vol_never")->components.fairness == doctest::Approx(1.0));
    CHECK(find(cs, "vol_rested")->components.fairness == doctest::Approx(0.8));
    CHECK(find(cs, "vol_one")->components.fairness < find(cs, "vol_rested")->components.fairness);
    CHECK(find(cs, "vol_many")->components.fairness < find(cs, "vol_one")->components.fairness);
    CHECK(ids(cs) == std::vector<std::string>{"vol_never", "vol_rested", "vol_one", "vol_many"});
}

TEST_CASE("component: language shared with the resident") {
    auto r = req();
    r.languages = {"ar", "fr"};
    auto arabic = vol("vol_ar");
    arabic.languages = {"fr", "ar"};
    auto french = vol("vol_fr");
    auto english = vol("vol_en");
    english.languages = {"en"};
    auto cs = rank({english, french, arabic}, r);
    CHECK(find(cs, "vol_ar")->components.language == doctest::Approx(1.0));
    CHECK(find(cs, "vol_fr")->components.language == doctest::Approx(0.5));
    CHECK(find(cs, "vol_en")->components.language == doctest::Approx(0.0));
    CHECK(ids(cs) == std::vector<std::string>{"vol_ar", "vol_fr", "vol_en"});
    // A resident without languages on file is taken as French-speaking.
    r.languages.clear();
    cs = rank({french}, r);
    CHECK(cs[0].components.language == doctest::Approx(1.0));
}

TEST_CASE("component: urgency favours the soonest slot, more so for urgent requests") {
    auto r = req();
    r.window_until = at("2026-11-24T15:00:00Z");  // Monday and Tuesday afternoons
    auto monday = vol("vol_monday");
    auto tuesday = vol("vol_tuesday");
    tuesday.availability = {{1, 13 * 60, 18 * 60}};
    r.urgency = "today";
    auto cs = rank({tuesday, monday}, r);
    REQUIRE(cs.size() == 2);
    CHECK(cs[0].volunteer_id == "vol_monday");
    CHECK(find(cs, "vol_monday")->components.urgency == doctest::Approx(1.0));
    // Tuesday 13:00 local is 23 hours after the window opens: nearly at the one-day horizon.
    CHECK(find(cs, "vol_tuesday")->components.urgency == doctest::Approx(1.0 / 24));
    r.urgency = "week";
    cs = rank({tuesday, monday}, r);
    CHECK(find(cs, "vol_monday")->components.urgency == doctest::Approx(0.3));
    CHECK(find(cs, "vol_tuesday")->components.urgency == doctest::Approx(0.3 * (1 - 23.0 / 168)));
}

TEST_CASE("weights: the programme's weights override the defaults; the score is their weighted mean") {
    boost::json::object o{{"distance", 1}, {"availability", 0}, {"continuity", 0},
                          {"fairness", 0}, {"language", 0},     {"urgency", 0}};
    match_settings s;
    s.weights = score_weights::from_json(o);
    auto near_busy = vol("vol_near", 0.5);
    near_busy.ever_mobilised = true;
    near_busy.last_mission_at = now - 86400;
    auto far_fresh = vol("vol_far", 3.0);
    auto cs = rank({far_fresh, near_busy}, req(), s);
    REQUIRE(cs.size() == 2);
    CHECK(cs[0].volunteer_id == "vol_near");
    CHECK(cs[0].score == doctest::Approx(cs[0].components.distance));
    // Fairness only: the fresh volunteer wins.
    s.weights = score_weights::from_json({{"distance", 0}, {"fairness", 2}, {"availability", 0}, {"continuity", 0},
                                          {"language", 0}, {"urgency", 0}});
    cs = rank({far_fresh, near_busy}, req(), s);
    CHECK(cs[0].volunteer_id == "vol_far");
    CHECK(cs[0].score == doctest::Approx(1.0));
    // Unknown keys and negative values are ignored.
    auto w = score_weights::from_json({{"distance", -3}, {"colour", 5}});
    CHECK(w.distance == doctest::Approx(score_weights{}.distance));
    // Defaults: the score is the weighted mean of the components.
    cs = rank({far_fresh}, req());
    const auto& c = cs[0].components;
    const score_weights d;
    CHECK(cs[0].score == doctest::Approx((d.distance * c.distance + d.availability * c.availability +
                                          d.continuity * c.continuity + d.fairness * c.fairness +
                                          d.language * c.language + d.urgency * c.urgency) /
                                         d.sum()));
}

TEST_CASE("ranking: best first, ties by id, at most `limit`") {
    std::vector<volunteer_row> rows;
    for (int i = 9; i >= 0; --i)
        rows.push_back(vol("vol_" + std::to_string(i), 1.0));
    auto cs = rank(rows, req(), {}, 3);
    CHECK(ids(cs) == std::vector<std::string>{"vol_0", "vol_1", "vol_2"});
}

TEST_CASE("index: updates move, replace and remove volunteers in every layer") {
    volunteer_index index;
    auto a = vol("vol_a", 1.0);
    a.skills = {"shopping", "walk"};
    auto b = vol("vol_b", 2.0);
    b.location.reset();
    index.replace_all({a, b}, 10);
    CHECK(index.applied_seq() == 10);
    CHECK(index.size() == 2);
    auto memberships = [&] { return index.read([](const index_data& d) { return d.layer_memberships(); }); };
    CHECK(memberships() == 2 * 2 + 1);  // located: grid + neighbourhood list per skill

    // a moves far away and drops walk: gone from the centre's search.
    a.location = domain::geo{centre_lat + 20 * km_lat, centre_lon};
    a.skills = {"shopping"};
    CHECK(index.apply({a}, 10, 11));
    CHECK(memberships() == 2 + 1);
    CHECK(ids(rank_candidates(index, req(), {}, now, 10)) == std::vector<std::string>{"vol_b"});

    // A snapshot that does not continue the index is ignored (gap or stale).
    b.status = "paused";
    CHECK_FALSE(index.apply({b}, 12, 13));
    CHECK_FALSE(index.apply({b}, 5, 11));
    CHECK(index.size() == 2);
    CHECK(index.apply({b}, 11, 12));
    CHECK(index.size() == 1);
    CHECK(memberships() == 2);
    CHECK(rank_candidates(index, req(), {}, now, 10).empty());
}

TEST_CASE("ranking: the k best are exactly the first k of the full ranking (pruning and the heap are exact)") {
    std::mt19937 rng(7);
    auto u = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
    auto n = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
    const std::vector<std::string> cats{"shopping", "walk", "books"};
    std::vector<volunteer_row> rows;
    for (int i = 0; i < 3000; ++i) {
        volunteer_row r;
        r.id = "vol_" + std::to_string(100000 + i);
        r.status = "active";
        r.neighbourhood = n(0, 3) == 0 ? "thabor" : "centre";
        if (n(0, 9) > 0)
            r.location = domain::geo{centre_lat + u(-0.06, 0.06), centre_lon + u(-0.09, 0.09)};
        r.skills = {cats[static_cast<std::size_t>(n(0, 2))]};
        for (int s = n(1, 4); s > 0; --s) {
            const int start = n(8, 18) * 60;
            r.availability.push_back({n(0, 6), start, std::min(1440, start + 60 * n(1, 4))});
        }
        r.languages = n(0, 4) == 0 ? std::vector<std::string>{"fr", "ar"} : std::vector<std::string>{"fr"};
        r.max_missions_per_week = n(1, 3);
        if (n(0, 1)) {
            r.ever_mobilised = true;
            r.last_mission_at = now - n(1, 50) * 86400;
            r.missions.push_back({now + n(1, 100) * 3600, 0, true});
            r.missions.back().ends_at = r.missions.back().starts_at + 3600;
        }
        rows.push_back(r);
    }
    volunteer_index index;
    index.replace_all(rows, 1);
    int crowded = 0;  // queries with more candidates than the 10 asked for
    for (int q = 0; q < 40; ++q) {
        auto r = req();
        r.category = cats[static_cast<std::size_t>(n(0, 2))];
        r.urgency = n(0, 1) ? "today" : "week";
        r.window_from = now + n(1, 72) * 3600;
        r.window_until = r.window_from + n(2, 30) * 3600;
        r.languages = n(0, 3) == 0 ? std::vector<std::string>{"ar"} : std::vector<std::string>{"fr"};
        if (n(0, 4) == 0)
            r.location.reset();
        INFO("query ", q);
        auto all = rank_candidates(index, r, {}, now, 100000);
        auto top = rank_candidates(index, r, {}, now, 10);
        crowded += all.size() > 20;
        REQUIRE(top.size() == std::min<std::size_t>(10, all.size()));
        for (std::size_t i = 0; i < top.size(); ++i) {
            CHECK(top[i].volunteer_id == all[i].volunteer_id);
            CHECK(top[i].score == all[i].score);
            CHECK(top[i].starts_at == all[i].starts_at);
        }
        for (std::size_t i = 1; i < all.size(); ++i)
            CHECK(all[i - 1].score >= all[i].score);
    }
    CHECK(crowded > 20);
}
