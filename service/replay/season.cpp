#include "replay/season.hpp"
#include "replay/demo_map.hpp"

#include "domain/time_format.hpp"
#include "stats/summary.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <queue>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

namespace relais::replay {

namespace json = boost::json;

namespace {

constexpr std::int64_t minute = 60, hour = 3600, day = 86400, week = 7 * day;

// Synthetic people: names and streets are made up from common French ones; nothing here is anybody's data.
const char* const first_names[] = {"Camille", "Louise", "Léa",    "Manon", "Chloé",  "Inès",
                                   "Jade",    "Yvonne", "Jeanne", "Odile", "Gaëlle", "Maëlle",
                                   "Fatima",  "Thomas", "Lucas",  "Hugo",  "Louis",  "Yann",
                                   "Erwan",   "Pierre", "Michel", "André", "Karim",  "Paul"};
const char* const last_names[] = {"Le Gall", "Le Goff", "Martin", "Bernard", "Le Roux", "Thomas",
                                  "Petit",   "Robert",  "Durand", "Dubois",  "Moreau",  "Laurent",
                                  "Simon",   "Hamon",   "Tanguy", "Le Floch"};
const char* const streets[] = {"rue de Saint-Malo", "rue de Brest",   "boulevard de la Liberté",
                               "rue d'Antrain",     "avenue Janvier", "rue de Nantes",
                               "rue de Fougères",   "rue de Lorient"};

struct weighted {
    const char* code;
    int weight;
};
const weighted neighbourhoods[] = {{"centre", 14},          {"thabor", 9},    {"bourg-leveque", 8},
                                   {"saint-martin", 6},     {"maurepas", 10}, {"jeanne-darc", 9},
                                   {"francisco-ferrer", 7}, {"sud-gare", 9},  {"cleunay", 7},
                                   {"villejean", 9},        {"le-blosne", 9}, {"brequigny", 6}};
const weighted categories[] = {{"shopping", 30},      {"medicines", 12}, {"books", 5},       {"admin", 10},
                               {"friendly_call", 15}, {"walk", 8},       {"appointment", 6}, {"digital", 5},
                               {"reading", 2},        {"language", 4},   {"schooling", 3}};
const weighted withdrawal_reasons[] = {
    {"no_longer_available", 30}, {"back_to_work", 25}, {"health", 10}, {"moved", 10},
    {"not_as_expected", 10},     {"no_news", 10},      {"other", 5}};
const weighted decline_reasons[] = {
    {"not_available", 60}, {"too_far", 15}, {"not_comfortable", 10}, {"other", 15}};
const weighted drop_reasons[] = {
    {"no_longer_available", 40}, {"health", 25}, {"emergency", 25}, {"other", 10}};
const char* const urgencies[] = {"today", "48h", "week"};

/// Share of a category's requests that are weekly needs.
double weekly_share(const std::string& category) {
    if (category == "friendly_call")
        return 0.8;
    if (category == "reading" || category == "language")
        return 0.7;
    if (category == "walk" || category == "schooling")
        return 0.6;
    if (category == "shopping")
        return 0.2;
    return 0.05;
}

enum class vstate { registered, active, paused, withdrawn };

struct volunteer_m {
    std::string id, email, neighbourhood;
    std::size_t person = 0;
    std::size_t fact = 0;  ///< index in truth.registrations
    int max_week = 2;
    vstate state = vstate::registered;
    int done = 0;
    bool reserve = false;           ///< in the reserve (after the first programme)
    std::size_t reserve_fact = 0;   ///< index in result.second.reserve
    std::set<std::string> refused;  ///< requests they declined or dropped (never asked again)
    std::vector<std::size_t> missions;
    std::unique_ptr<http_client> app;  ///< their own session when they answer from their phone
};

struct person_m {
    std::string email, first_volunteer_id;
    bool withdrew_early = false;
};

struct resident_m {
    std::string key;        ///< the season's own name for them
    std::string server_id;  ///< known when a coordinator recorded them (phone, partner)
    std::string neighbourhood;
    std::string phone;  ///< as they gave it the first time
};

struct request_m {
    std::string id, tracking_code, category, channel, recurrence;
    std::size_t resident = 0, fact = 0;
    bool closed = false, cancel_planned = false, flagged = false;
    std::optional<std::size_t> live;                     ///< its proposed or accepted mission
    std::string support_id, support_volunteer, standin;  ///< the support in place, if any
    std::set<std::string> supports_seen;                 ///< every support the request ever had
    int weeks_left = 1;
    std::int64_t next_slot = 0;  ///< weekly: the next visit's start
};

struct mission_m {
    std::string id;
    std::size_t request = 0, volunteer = 0;
    std::int64_t starts = 0, ends = 0;
    std::string status;
};

struct scheduled {
    std::int64_t at;
    std::uint64_t order;
    std::function<void()> run;
    bool operator>(const scheduled& o) const { return at != o.at ? at > o.at : order > o.order; }
};

std::string str(const json::value& v, std::string_view key) {
    const auto* f = v.as_object().if_contains(key);
    return f && f->is_string() ? std::string(f->as_string()) : std::string();
}

class season {
  public:
    season(http_client& admin, http_client& coordinator, const std::string& host, std::uint16_t port,
           const season_options& opts, std::ostream& log)
        : admin_(admin),
          coordinator_(coordinator),
          host_(host),
          port_(port),
          opts_(opts),
          log_(log),
          rng_(opts.seed),
          public_(host, port) {}

    season_result play();

  private:
    // --- engine ---
    void at(std::int64_t t, std::function<void()> f) {
        if (t < now_)
            t = now_;
        if (t >= horizon_)
            return;  // after the part of the season under way
        queue_.push({t, order_++, std::move(f)});
    }
    void set_clock(std::int64_t t) {
        auto a = call(admin_, "POST", "/api/v1/test/clock",
                      json::object{{"now", domain::format_iso8601(t)}, {"freeze", true}});
        if (a.status != 200)
            throw std::runtime_error(
                "the server refused to move its clock (is it running with --test-clock?): " + a.describe());
        now_ = t;
    }
    http_answer call(http_client& c, std::string_view method, const std::string& target,
                     const std::optional<json::value>& body = std::nullopt) {
        ++result_.calls;
        return c.request(method, target, body);
    }
    /// True on 200/201; false (counted) on 409; throws on anything else.
    bool ok(const http_answer& a, const char* what) {
        if (a.status == 200 || a.status == 201)
            return true;
        if (a.status == 409) {
            ++result_.refused;
            return false;
        }
        throw std::runtime_error(std::string(what) + ": unexpected answer " + a.describe());
    }

    // --- randomness ---
    double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
    std::int64_t pick(std::int64_t lo, std::int64_t hi) {
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
    }
    template <std::size_t N>
    const char* choose(const weighted (&w)[N]) {
        int total = 0;
        for (const auto& x : w)
            total += x.weight;
        int r = static_cast<int>(pick(0, total - 1));
        for (const auto& x : w) {
            if (r < x.weight)
                return x.code;
            r -= x.weight;
        }
        return w[0].code;
    }
    template <class T, std::size_t N>
    const T& one_of(const T (&a)[N]) {
        return a[static_cast<std::size_t>(pick(0, N - 1))];
    }
    std::string phone() {
        std::string p = pick(0, 1) ? "06" : "07";
        for (int i = 0; i < 8; ++i)
            p += static_cast<char>('0' + pick(0, 9));
        return p;
    }
    std::int64_t day_start(std::int64_t t) const { return stats::day_of(t) * day; }
    std::int64_t working_time(std::int64_t day_begin) {
        return day_begin + pick(9, 17) * hour + pick(0, 59) * minute;
    }

    // --- the season ---
    void setup();
    void plan_wave();
    void plan_residents();
    void register_person(std::size_t p);
    void validate(std::size_t v);
    void withdraw(std::size_t v, const std::string& reason);
    void pause(std::size_t v, std::int64_t resume_at);
    void close_registration();
    /// A request of `resident`; `weekly_category`: a weekly need of that kind instead of a drawn one.
    std::optional<std::size_t> create_request(std::size_t resident, const std::string& channel, bool second,
                                              bool may_cancel = true, const char* weekly_category = nullptr);
    void cancel_by_resident(std::size_t r);
    /// The id of a resident calling again, as the coordinator finds it (POST /api/v1/residents/search).
    std::string find_caller(const resident_m& res);
    void dispatch_round();
    bool try_dispatch(std::size_t r);
    bool feasible(const volunteer_m& v, const request_m& r, std::int64_t s, std::int64_t e) const;
    void record_proposal(std::size_t r, std::size_t v, const std::string& id, std::int64_t s, std::int64_t e,
                         bool answer_later = true);
    void answer(std::size_t m, bool may_decline = true);
    void expire(std::size_t m);
    void demo_finale();
    void complete(std::size_t m);
    void drop(std::size_t m);
    void missed(std::size_t m);
    void close(std::size_t r, const std::string& outcome);
    void set_standin(std::size_t r);
    void unfulfillable_sweep();
    void hand_over();
    void run_queue();
    // --- the second programme (season_options::second_programme_weeks) ---
    /// Every item of a list route, page by page (`target` has a query already).
    json::array list_all(const std::string& target);
    void close_first_programme();
    void join_reserve();
    void tidy_before_the_year();
    void leave_reserve(std::size_t v);
    void call_back_the_reserve();
    void answer_campaign(std::size_t v);
    void play_second_programme();
    void plan_days(std::int64_t from, std::int64_t until);
    http_client& client_of(std::size_t v) { return volunteers_[v].app ? *volunteers_[v].app : coordinator_; }
    void setback(const std::string& kind, const std::string& reason) {
        truth().setbacks.push_back({now_, kind, reason});
    }
    void redispatch(std::size_t r) {
        truth().redispatches.push_back(now_);
        requests_[r].flagged = true;
        requests_[r].live.reset();
    }
    stats::season_facts& truth() { return result_.truth; }
    stats::request_fact& fact_of(std::size_t r) { return truth().requests[requests_[r].fact]; }
    std::optional<std::size_t> volunteer_index(const std::string& id) const {
        for (std::size_t i = 0; i < volunteers_.size(); ++i)
            if (volunteers_[i].id == id)
                return i;
        return std::nullopt;
    }

    http_client& admin_;
    http_client& coordinator_;
    std::string host_;
    std::uint16_t port_;
    season_options opts_;
    std::ostream& log_;
    std::mt19937_64 rng_;
    http_client public_;
    season_result result_;
    std::int64_t now_ = 0, start_ = 0, end_ = 0;
    std::int64_t horizon_ = 0;  ///< nothing is scheduled at or after it (the season's end, or its tail's)
    bool second_ = false;       ///< a second programme follows the season
    std::uint64_t order_ = 0;
    std::priority_queue<scheduled, std::vector<scheduled>, std::greater<>> queue_;
    std::string partner_id_;
    std::vector<person_m> persons_;
    std::vector<volunteer_m> volunteers_;
    std::vector<resident_m> residents_;
    std::vector<request_m> requests_;
    std::vector<mission_m> missions_;
    std::vector<std::int64_t> silent_from_;  ///< when the next silent rounds may happen, earliest first
    bool silent_ = false;                    ///< the dispatch round under way is a silent one
    int unanswered_in_round_ = 0;
    std::int64_t proposal_ttl_ = 24 * hour;  ///< the programme's (set by setup)
    bool hold_answers_ = false;              ///< a demo's last hours: proposals wait for their answer
};

void season::setup() {
    // The season starts on the Monday after the server's programme time.
    // The default period (the programme's, at most five years: a statistics period is bounded) is enough to
    // tell a fresh database.
    auto s = call(coordinator_, "GET", "/api/v1/stats/summary");
    if (s.status != 200)
        throw std::runtime_error("cannot read the server's statistics: " + s.describe());
    const auto body = s.json();
    const auto& f = body.at("figures").as_object();
    for (const char* k : {"volunteer_registrations", "requests"})
        if (f.at(k).to_number<std::int64_t>() != 0)
            throw std::runtime_error(
                "the server's database already holds volunteers or requests; the replay needs a "
                "fresh one (its ground truth is the whole season)");
    const std::int64_t server_now = *domain::parse_iso8601(body.at("period").at("until").as_string());
    if (opts_.demo) {
        // A demo ends now: the server was started with its programme clock at the season's start.
        start_ = demo_season_start(opts_.demo_ends_at, opts_.weeks);
        end_ = opts_.demo_ends_at;
        if (server_now > start_ + 7 * hour)
            throw std::runtime_error(
                "the server's programme clock is past the demo season's start (start it with "
                "--test-clock-start " +
                domain::format_iso8601(start_) + ")");
    } else {
        start_ = stats::monday_of(server_now + day) + week;
        end_ = start_ + opts_.weeks * week;
    }
    now_ = server_now;
    second_ = !opts_.demo && opts_.second_programme_weeks > 0;
    // With a second programme, the season's last supports carry on two weeks into it (its tail).
    horizon_ = second_ ? end_ + 2 * week : end_;
    result_.start = start_;
    result_.end = end_;
    set_clock(start_ + 7 * hour);
    // The programme's default time to live of a proposal (24 h): every answer of the season comes sooner,
    // except in the silent rounds, whose proposals expire.
    json::object programme{{"starts_on", stats::date_label(start_)},
                           {"ends_on", stats::date_label(opts_.demo ? end_ + 90 * day : end_ - day)},
                           {"registration_open", true},
                           {"auto_dispatch", false},
                           {"proposal_ttl_minutes", proposal_ttl_ / minute},
                           {"retention_days", 3650}};
    // The city is the demo's Rennes: its name, phone and twelve neighbourhoods (data/demo/), set by the admin
    // through the API as a city would (a new database has no map).
    programme["coordination_phone"] = demo_coordination_phone;
    if (opts_.demo)
        programme["name"] = demo_programme_name;
    ok(call(admin_, "PATCH", "/api/v1/programme", programme), "PATCH /api/v1/programme");
    ok(call(admin_, "PUT", "/api/v1/neighbourhoods", json::object{{"file", demo_neighbourhoods_csv()}}),
       "PUT /api/v1/neighbourhoods");
    auto partner = call(coordinator_, "POST", "/api/v1/partners",
                        json::object{{"name", opts_.demo ? "Banque Alimentaire d'Ille-et-Vilaine"
                                                         : "Banque Alimentaire (saison de test)"},
                                     {"kind", "food_bank"}});
    ok(partner, "POST /api/v1/partners");
    partner_id_ = str(partner.json(), "id");
    result_.partner_id = partner_id_;
    // Silent rounds, spread over the season: proposals nobody answers, expired by the server.
    const int silent = opts_.demo                ? 0
                       : opts_.silent_rounds < 0 ? std::max(1, opts_.weeks / 8)
                                                 : opts_.silent_rounds;
    for (int k = 1; k <= silent; ++k)
        silent_from_.push_back(start_ + (end_ - start_) * k / (silent + 1));
}

void season::plan_wave() {
    // Rennes: 509 people registered before the call closed, three weeks after the launch; most in the first
    // days.
    const std::size_t n = std::max<std::size_t>(4, static_cast<std::size_t>(std::lround(509 * opts_.scale)));
    for (std::size_t p = 0; p < n; ++p) {
        std::string email =
            "vs" + std::to_string(p) + ".s" + std::to_string(opts_.seed) + "@replay.relais.test";
        if (opts_.demo)  // the demo's volunteer accounts, benevole@relais.demo first
            email = p == 0 ? "benevole@relais.demo" : "benevole" + std::to_string(p) + "@relais.demo";
        persons_.push_back({email, "", false});
        const auto d = static_cast<std::int64_t>(std::floor(20.0 * std::pow(uniform(), 1.8)));
        at(start_ + d * day + pick(7, 22) * hour + pick(0, 59) * minute, [this, p] { register_person(p); });
    }
    at(start_ + 21 * day + 9 * hour, [this] { close_registration(); });
}

void season::register_person(std::size_t p) {
    auto& person = persons_[p];
    const std::string nb = choose(neighbourhoods);
    json::array skills;
    for (const auto& c : categories)
        if (uniform() < 0.45)
            skills.emplace_back(c.code);
    if (skills.empty())
        skills.emplace_back("shopping");
    const char* days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    json::array availability;
    for (const char* d : days)
        if (uniform() < 0.4)
            availability.push_back(json::object{{"day", d}, {"start", "09:00"}, {"end", "18:00"}});
    if (availability.empty())
        availability.push_back(json::object{{"day", "sat"}, {"start", "10:00"}, {"end", "12:00"}});
    const bool demo_volunteer = opts_.demo && p == 0;  // validated, stays, answers from their phone
    const int max_week = demo_volunteer ? 3 : static_cast<int>(pick(1, 10) <= 6 ? 2 : pick(1, 4));
    auto a = call(public_, "POST", "/api/v1/volunteers",
                  json::object{{"first_name", one_of(first_names)},
                               {"last_name", one_of(last_names)},
                               {"email", person.email},
                               {"phone", phone()},
                               {"password", opts_.volunteer_password},
                               {"neighbourhood", nb},
                               {"skills", skills},
                               {"availability", availability},
                               {"languages", json::array{"fr"}},
                               {"max_missions_per_week", max_week},
                               {"consent", true}});
    if (!ok(a, "POST /api/v1/volunteers"))
        return;
    volunteer_m v;
    v.id = str(a.json(), "id");
    v.email = person.email;
    v.neighbourhood = nb;
    v.person = p;
    v.max_week = max_week;
    const bool again = !person.first_volunteer_id.empty();
    if (!again)
        person.first_volunteer_id = v.id;
    v.fact = truth().registrations.size();
    truth().registrations.push_back(
        {v.id, person.first_volunteer_id, nb, now_, std::nullopt, std::nullopt, ""});
    const std::size_t vi = volunteers_.size();
    volunteers_.push_back(std::move(v));

    const double u = uniform();
    const std::int64_t d0 = day_start(now_);
    if (demo_volunteer) {
        at(working_time(d0 + day), [this, vi] { validate(vi); });
    } else if (!again && u < 0.04) {
        // Withdraws before being validated; half of them register again a few days later (same email).
        const std::int64_t t = d0 + pick(1, 3) * day + pick(8, 20) * hour;
        at(t, [this, vi] { withdraw(vi, uniform() < 0.5 ? "no_news" : "not_as_expected"); });
        if (uniform() < 0.5 && t + 2 * day < start_ + 20 * day)
            at(t + pick(1, 2) * day, [this, p] { register_person(p); });
    } else if (u < 0.11) {
        // Never validated ("non actifs").
    } else {
        at(working_time(d0 + pick(1, 4) * day), [this, vi] { validate(vi); });
    }
}

void season::close_registration() {
    auto p = call(admin_, "PATCH", "/api/v1/programme", json::object{{"registration_open", false}});
    ok(p, "PATCH /api/v1/programme");
    // A late registration is refused with a clear message (not counted anywhere).
    auto late = call(
        public_, "POST", "/api/v1/volunteers",
        json::object{
            {"first_name", "Tardif"},
            {"last_name", "Test"},
            {"email", "late.s" + std::to_string(opts_.seed) + "@replay.relais.test"},
            {"phone", phone()},
            {"password", "replay volunteer pass 2026"},
            {"neighbourhood", "centre"},
            {"skills", json::array{"shopping"}},
            {"availability", json::array{json::object{{"day", "mon"}, {"start", "09:00"}, {"end", "12:00"}}}},
            {"consent", true}});
    if (late.status != 409 || late.json().at("type") != "/problems/registration-closed")
        throw std::runtime_error("a registration after the call closed was not refused: " + late.describe());
    log_ << "  registration closed after three weeks: " << truth().registrations.size() << " registrations\n";
}

void season::validate(std::size_t vi) {
    auto& v = volunteers_[vi];
    if (v.state != vstate::registered)
        return;
    if (!ok(call(coordinator_, "POST", "/api/v1/volunteers/" + v.id + "/activate", json::object{}),
            "activate"))
        return;
    v.state = vstate::active;
    truth().registrations[v.fact].validated_at = now_;
    if (opts_.demo && v.person == 0) {
        v.app = std::make_unique<http_client>(host_, port_);
        ++result_.calls;
        v.app->sign_in(v.email, opts_.volunteer_password);
        return;
    }
    if (uniform() < 0.13) {
        const std::int64_t lo = now_ + 3 * day, hi = end_ - day;
        if (lo < hi)
            at(lo + pick(0, hi - lo), [this, vi] { withdraw(vi, choose(withdrawal_reasons)); });
    }
    if (uniform() < 0.06) {
        const std::int64_t t = now_ + pick(2, 60) * day;
        at(t, [this, vi, back = t + pick(7, 21) * day] { pause(vi, back); });
    }
    if (uniform() < 0.10) {
        // They answer from their phone from now on.
        v.app = std::make_unique<http_client>(host_, port_);
        ++result_.calls;
        v.app->sign_in(v.email, opts_.volunteer_password);
    }
}

void season::pause(std::size_t vi, std::int64_t resume_at) {
    auto& v = volunteers_[vi];
    if (v.state != vstate::active)
        return;
    if (!ok(call(coordinator_, "POST", "/api/v1/volunteers/" + v.id + "/pause", json::object{}), "pause"))
        return;
    v.state = vstate::paused;
    at(resume_at, [this, vi] {
        auto& w = volunteers_[vi];
        if (w.state == vstate::paused && !w.reserve &&  // a reserve member comes back by a campaign
            ok(call(coordinator_, "POST", "/api/v1/volunteers/" + w.id + "/resume", json::object{}),
               "resume"))
            w.state = vstate::active;
    });
}

void season::withdraw(std::size_t vi, const std::string& reason) {
    auto& v = volunteers_[vi];
    if (v.state == vstate::withdrawn)
        return;
    // The requests whose support they carry, and whether each is already flagged for re-dispatch: a support
    // that ends flags its request (a re-dispatch) unless it already is.
    std::map<std::size_t, bool> carried;  // request -> already flagged
    for (std::size_t r = 0; r < requests_.size(); ++r) {
        if (requests_[r].support_id.empty() || requests_[r].support_volunteer != v.id)
            continue;
        auto g = call(coordinator_, "GET", "/api/v1/requests/" + requests_[r].id);
        if (g.status != 200)
            throw std::runtime_error("GET /api/v1/requests/{id}: " + g.describe());
        const auto body = g.json();  // named: a pointer into a temporary would dangle
        const auto* flag = body.as_object().if_contains("redispatch");
        carried[r] = flag && flag->is_bool() && flag->as_bool();
    }
    if (!ok(call(coordinator_, "POST", "/api/v1/volunteers/" + v.id + "/withdraw",
                 json::object{{"reason", reason}}),
            "withdraw"))
        return;
    v.state = vstate::withdrawn;
    v.app.reset();
    truth().registrations[v.fact].withdrawn_at = now_;
    truth().registrations[v.fact].withdrawal_reason = reason;
    // Their future missions were released: read back which (proposals cancelled, acceptances dropped).
    std::map<std::string, std::pair<std::string, std::string>> seen;  // id -> (status, reason)
    for (const auto& m : list_all("/api/v1/missions?volunteer_id=" + v.id))
        seen[str(m, "id")] = {str(m, "status"), str(m, "reason")};
    for (auto mi : v.missions) {
        auto& m = missions_[mi];
        if (m.status != "proposed" && m.status != "accepted")
            continue;
        const auto& [status, why] = seen[m.id];
        if (status.empty() || status == m.status)
            continue;
        if (status == "dropped")
            setback("dropped", why);
        else if (status != "cancelled")
            throw std::runtime_error("a withdrawal turned mission " + m.id + " into " + status);
        m.status = status;
        redispatch(m.request);
        if (auto c = carried.find(m.request); c != carried.end())
            c->second = true;  // flagged now: its support ending adds nothing
    }
    // The supports they carried passed to their stand-in or ended; the ones they stood in for lost them.
    for (std::size_t r = 0; r < requests_.size(); ++r) {
        auto& req = requests_[r];
        if (req.support_id.empty() || (req.support_volunteer != v.id && req.standin != v.id))
            continue;
        auto a = call(coordinator_, "GET", "/api/v1/supports?status=active&request_id=" + req.id);
        if (a.status != 200)
            throw std::runtime_error("GET /api/v1/supports: " + a.describe());
        const auto items = a.json().at("items").as_array();
        if (items.empty()) {
            if (auto c = carried.find(r); c != carried.end() && !c->second)
                redispatch(r);  // the support ended with no stand-in: back in the queue, flagged
            req.support_id.clear();
            req.support_volunteer.clear();
            req.standin.clear();
        } else {
            req.support_id = str(items[0], "id");
            req.support_volunteer = str(items[0], "volunteer_id");
            req.standin = str(items[0], "standin_volunteer_id");
        }
    }
}

void season::plan_residents() {
    // Rennes: 171 residents called on the scheme; some asked more than once.
    // A demo has more residents for its size, and requests until its last day (work left for the
    // coordinator).
    const double residents = 171 * opts_.scale * (opts_.demo ? 2.0 : 1.0);
    const std::size_t n = std::max<std::size_t>(3, static_cast<std::size_t>(std::lround(residents)));
    const std::int64_t days = opts_.demo ? (end_ - start_) / day - 3 : opts_.weeks * 7 - 16;
    for (std::size_t i = 0; i < n; ++i) {
        residents_.push_back({"res" + std::to_string(i), "", choose(neighbourhoods), ""});
        const double u = uniform();
        const std::string channel = u < 0.40 ? "web" : u < 0.92 ? "phone" : "partner";
        const std::int64_t d =
            2 + static_cast<std::int64_t>(uniform() * static_cast<double>(std::max<std::int64_t>(1, days)));
        const std::int64_t t = channel == "web" ? start_ + d * day + pick(7, 22) * hour + pick(0, 59) * minute
                                                : working_time(start_ + d * day);
        at(t, [this, i, channel] { create_request(i, channel, false); });
    }
}

std::optional<std::size_t> season::create_request(std::size_t ri, const std::string& channel, bool second,
                                                  bool may_cancel, const char* weekly_category) {
    auto& res = residents_[ri];
    const std::string category = weekly_category ? weekly_category : choose(categories);
    const std::string recurrence = weekly_category || uniform() < weekly_share(category) ? "weekly" : "once";
    json::object body{{"category", category},
                      {"details", "Demande simulée par la saison de test."},
                      {"urgency", one_of(urgencies)},
                      {"window", json::object{{"from", domain::format_iso8601(now_)},
                                              {"until", domain::format_iso8601(now_ + 80 * day)}}},
                      {"recurrence", recurrence},
                      {"consent", true}};
    if (second) {
        body["resident_id"] = find_caller(res);
    } else {
        const std::string number = phone();  // drawn every time: the season's random sequence stays the same
        if (res.phone.empty())
            res.phone = number;  // the same person gives the same number when they ask again
        body["resident"] =
            json::object{{"first_name", one_of(first_names)},
                         {"last_name", one_of(last_names)},
                         {"phone", res.phone},
                         {"address", std::to_string(pick(1, 120)) + " " + one_of(streets) + ", 35000 Rennes"},
                         {"neighbourhood", res.neighbourhood}};
    }
    if (channel == "partner")
        body["partner_id"] = partner_id_;
    else if (channel == "phone")
        body["channel"] = "phone";
    auto a = call(channel == "web" ? public_ : coordinator_, "POST", "/api/v1/requests", body);
    if (!ok(a, "POST /api/v1/requests"))
        return std::nullopt;
    const auto j = a.json();
    if (channel != "web")
        res.server_id = str(j, "resident_id");
    request_m r;
    r.id = str(j, "id");
    r.tracking_code = str(j, "tracking_code");
    r.category = category;
    r.channel = channel;
    r.recurrence = recurrence;
    r.resident = ri;
    r.weeks_left = recurrence == "weekly" ? static_cast<int>(pick(2, 5)) : 1;
    r.fact = truth().requests.size();
    truth().requests.push_back(
        {r.id, res.key, category, res.neighbourhood, channel, now_, {}, {}, {}, {}, ""});
    const std::size_t index = requests_.size();
    requests_.push_back(std::move(r));
    if (may_cancel && uniform() < 0.06) {
        // The resident cancels with their tracking code before anyone is asked.
        requests_[index].cancel_planned = true;
        at(now_ + pick(10, 40) * minute, [this, index] { cancel_by_resident(index); });
    }
    if (may_cancel && channel != "web" && uniform() < (second ? 0.2 : 0.55) && now_ + 20 * day < end_)
        at(working_time(day_start(now_) + pick(7, 35) * day),
           [this, ri] { create_request(ri, "phone", true); });
    return index;
}

std::string season::find_caller(const resident_m& res) {
    // The coordinator types the number as the caller says it (dots this time): the directory finds the
    // resident recorded at the first call, so the request joins them (counted once in the figures).
    std::string spoken;
    for (char c : res.phone)
        if (c != ' ')
            spoken += (spoken.size() % 3 == 2 ? "." : "") + std::string(1, c);
    auto a = call(coordinator_, "POST", "/api/v1/residents/search", json::object{{"q", spoken}});
    if (!ok(a, "POST /api/v1/residents/search"))
        throw std::runtime_error("a returning caller's search was refused");
    const auto found = a.json();  // kept: a range-for over a member of a temporary reads freed memory
    for (const auto& m : found.at("items").as_array())
        if (m.at("resident").at("id") == json::value(res.server_id))
            return res.server_id;
    throw std::runtime_error("a returning caller was not found by their phone number");
}

void season::cancel_by_resident(std::size_t ri) {
    auto& r = requests_[ri];
    if (r.closed)
        return;
    if (!ok(call(public_, "POST", "/api/v1/track/" + r.tracking_code + "/cancel", json::object{}), "cancel"))
        return;
    r.closed = true;
    fact_of(ri).closed_at = now_;
    fact_of(ri).outcome = "cancelled";
}

bool season::feasible(const volunteer_m& v, const request_m& r, std::int64_t s, std::int64_t e) const {
    if (v.state != vstate::active || v.refused.count(r.id))
        return false;
    const std::int64_t monday = stats::monday_of(s);
    int in_week = 0;
    for (auto mi : v.missions) {
        const auto& m = missions_[mi];
        const bool live = m.status == "proposed" || m.status == "accepted";
        if (live && m.starts < e && m.ends > s)
            return false;
        if ((live || m.status == "done") && m.starts >= monday && m.starts < monday + week)
            ++in_week;
    }
    return in_week < v.max_week;
}

void season::dispatch_round() {
    std::vector<std::size_t> queue;
    for (std::size_t r = 0; r < requests_.size(); ++r) {
        const auto& req = requests_[r];
        if (!req.closed && !req.cancel_planned && !req.live && req.weeks_left > 0)
            queue.push_back(r);
    }
    // Flagged requests first (back on top of the queue after a setback), then oldest first.
    std::stable_sort(queue.begin(), queue.end(), [this](std::size_t a, std::size_t b) {
        return requests_[a].flagged && !requests_[b].flagged;
    });
    // A silent round (the text messages went unseen, a bank holiday...): some of its proposals get no answer.
    silent_ = !silent_from_.empty() && now_ >= silent_from_.front();
    unanswered_in_round_ = 0;
    for (auto r : queue)
        if (try_dispatch(r))
            requests_[r].flagged = false;
    if (silent_ && unanswered_in_round_ > 0)
        silent_from_.erase(silent_from_.begin());
    silent_ = false;
}

void season::set_standin(std::size_t ri) {
    auto& r = requests_[ri];
    if (r.support_id.empty() || r.closed)
        return;
    std::vector<std::size_t> pool;
    for (std::size_t v = 0; v < volunteers_.size(); ++v)
        if (volunteers_[v].state == vstate::active && volunteers_[v].id != r.support_volunteer &&
            volunteers_[v].id != r.standin && !volunteers_[v].refused.count(r.id))
            pool.push_back(v);
    if (pool.empty())
        return;
    const auto& v =
        volunteers_[pool[static_cast<std::size_t>(pick(0, static_cast<std::int64_t>(pool.size()) - 1))]];
    if (ok(call(coordinator_, "PATCH", "/api/v1/supports/" + r.support_id,
                json::object{{"standin_volunteer_id", v.id}}),
           "PATCH /api/v1/supports"))
        r.standin = v.id;
}

bool season::try_dispatch(std::size_t ri) {
    auto& r = requests_[ri];
    std::int64_t s;
    if (r.recurrence == "weekly" && r.next_slot >= now_ + 2 * hour) {
        s = r.next_slot;
    } else {
        s = day_start(now_) + pick(1, 2) * day + pick(9, 17) * hour;
        if (r.recurrence == "weekly")
            r.next_slot = s;
    }
    const std::int64_t e = s + (pick(0, 2) == 0 ? 90 : 60) * minute;

    std::vector<std::size_t> candidates;
    if (!r.support_id.empty()) {
        // A support in place: its volunteer, or its stand-in (named now if need be).
        for (const auto* id : {&r.support_volunteer, &r.standin})
            if (auto v = volunteer_index(*id); v && feasible(volunteers_[*v], r, s, e))
                candidates.push_back(*v);
        if (candidates.empty()) {
            set_standin(ri);
            if (auto v = volunteer_index(r.standin); v && feasible(volunteers_[*v], r, s, e))
                candidates.push_back(*v);
        }
    } else {
        // Fairness first (who did least), then nearness (same neighbourhood), then chance.
        const auto& nb = residents_[r.resident].neighbourhood;
        std::vector<std::pair<double, std::size_t>> ranked;
        for (std::size_t v = 0; v < volunteers_.size(); ++v)
            if (feasible(volunteers_[v], r, s, e))
                ranked.emplace_back(volunteers_[v].done * 2.0 -
                                        (volunteers_[v].neighbourhood == nb ? 1.0 : 0.0) + uniform() * 1.5,
                                    v);
        std::sort(ranked.begin(), ranked.end());
        for (std::size_t i = 0; i < ranked.size() && i < 3; ++i)
            candidates.push_back(ranked[i].second);
    }
    for (auto v : candidates) {
        auto a = call(coordinator_, "POST", "/api/v1/missions",
                      json::object{{"request_id", r.id},
                                   {"volunteer_id", volunteers_[v].id},
                                   {"starts_at", domain::format_iso8601(s)},
                                   {"ends_at", domain::format_iso8601(e)},
                                   // The season's volunteers agree to the time by phone: their weekly
                                   // availability is not modelled here.
                                   {"outside_availability_ok", true}});
        if (ok(a, "POST /api/v1/missions")) {
            record_proposal(ri, v, str(a.json(), "id"), s, e);
            return true;
        }
    }
    return false;
}

void season::record_proposal(std::size_t ri, std::size_t vi, const std::string& id, std::int64_t s,
                             std::int64_t e, bool answer_later) {
    const std::size_t mi = missions_.size();
    missions_.push_back({id, ri, vi, s, e, "proposed"});
    volunteers_[vi].missions.push_back(mi);
    requests_[ri].live = mi;
    auto& f = fact_of(ri);
    if (!f.first_proposed_at)
        f.first_proposed_at = now_;
    if (!answer_later || hold_answers_)
        return;
    if (silent_ && (unanswered_in_round_ == 0 || uniform() < 0.5)) {
        // No answer: the server's expiry tick expires it when its time to live is over, or when the visit
        // starts if that comes first (the answer deadline is never after the start).
        ++unanswered_in_round_;
        at(std::min(now_ + proposal_ttl_, s), [this, mi] { expire(mi); });
        return;
    }
    // The answer comes within hours (always well before the proposal would expire), before the visit.
    std::int64_t t = now_ + pick(20, 300) * minute;
    if (t > s - hour)
        t = std::max(now_ + 10 * minute, s - 2 * hour);
    at(t, [this, mi] { answer(mi); });
}

void season::answer(std::size_t mi, bool may_decline) {
    auto& m = missions_[mi];
    if (m.status != "proposed")
        return;
    auto& v = volunteers_[m.volunteer];
    auto& r = requests_[m.request];
    if (may_decline && uniform() < 0.12) {
        const std::string reason = choose(decline_reasons);
        if (!ok(call(client_of(m.volunteer), "POST", "/api/v1/missions/" + m.id + "/decline",
                     json::object{{"reason", reason}}),
                "decline"))
            return;
        m.status = "declined";
        v.refused.insert(r.id);
        setback("declined", reason);
        redispatch(m.request);
        return;
    }
    auto a = call(client_of(m.volunteer), "POST", "/api/v1/missions/" + m.id + "/accept", json::object{});
    if (!ok(a, "accept"))
        return;
    m.status = "accepted";
    auto& f = fact_of(m.request);
    if (!f.first_accepted_at)
        f.first_accepted_at = now_;
    // The support the acceptance joined (a new one is set up when none was in place).
    std::string support = str(a.json(), "support_id");
    if (support.empty()) {
        auto g = call(coordinator_, "GET", "/api/v1/missions/" + m.id);
        if (g.status != 200)
            throw std::runtime_error("GET /api/v1/missions/{id}: " + g.describe());
        support = str(g.json(), "support_id");
    }
    if (!support.empty() && !r.supports_seen.count(support)) {
        // A support this request never had: set up by this acceptance.
        r.supports_seen.insert(support);
        truth().supports.push_back({now_, r.id});
        r.support_id = support;
        r.support_volunteer = v.id;
        r.standin.clear();
    }
    const std::size_t ri = m.request;
    if (r.recurrence == "weekly" && r.standin.empty() && uniform() < 0.35)
        at(now_ + hour, [this, ri] { set_standin(ri); });
    const double u = uniform();
    if (may_decline && u < 0.05 && m.starts - 3 * hour > now_ + 10 * minute)
        at(std::max(now_ + 10 * minute, m.starts - pick(3, 20) * hour), [this, mi] { drop(mi); });
    else if (u < 0.07 && r.recurrence == "weekly")
        at(m.ends + 2 * hour, [this, mi] { missed(mi); });
    else
        at(m.ends + pick(15, 90) * minute, [this, mi] { complete(mi); });
}

void season::expire(std::size_t mi) {
    auto& m = missions_[mi];
    if (m.status != "proposed")
        return;  // released meanwhile (a withdrawal)
    // The clock is frozen at the proposal's expiry time: the server's next maintenance tick (every 30 s of
    // real time) expires it at exactly this programme time. Wait for it.
    log_ << "  waiting for the server's expiry tick (up to 30 s)\n" << std::flush;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(45);
    for (bool first = true;; first = false) {
        // Counted as one call however long the wait, so that a season's count of calls does not vary.
        auto a = first ? call(coordinator_, "GET", "/api/v1/missions/" + m.id)
                       : coordinator_.request("GET", "/api/v1/missions/" + m.id);
        if (a.status != 200)
            throw std::runtime_error("GET /api/v1/missions/{id}: " + a.describe());
        const std::string status = str(a.json(), "status");
        if (status == "expired")
            break;
        if (status != "proposed")
            throw std::runtime_error("an unanswered proposal became " + status + " instead of expiring");
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error(
                "the server's maintenance tick did not expire an overdue proposal within 45 s");
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    m.status = "expired";
    volunteers_[m.volunteer].refused.insert(requests_[m.request].id);
    setback("expired", "no_answer");
    redispatch(m.request);
}

void season::drop(std::size_t mi) {
    auto& m = missions_[mi];
    if (m.status != "accepted")
        return;
    const std::string reason = choose(drop_reasons);
    if (!ok(call(client_of(m.volunteer), "POST", "/api/v1/missions/" + m.id + "/drop",
                 json::object{{"reason", reason}}),
            "drop"))
        return;
    m.status = "dropped";
    volunteers_[m.volunteer].refused.insert(requests_[m.request].id);
    setback("dropped", reason);
    redispatch(m.request);
    auto& r = requests_[m.request];
    if (r.recurrence == "once") {  // a one-off support ends with its volunteer's dropout
        r.support_id.clear();
        r.support_volunteer.clear();
        r.standin.clear();
    }
}

void season::missed(std::size_t mi) {
    auto& m = missions_[mi];
    if (m.status != "accepted")
        return;
    if (!ok(call(coordinator_, "POST", "/api/v1/missions/" + m.id + "/missed", json::object{}), "missed"))
        return;
    m.status = "missed";
    setback("missed", stats::unspecified_reason);
    redispatch(m.request);
    const std::size_t ri = m.request;
    auto& r = requests_[ri];
    r.next_slot = m.starts + week;
    if (--r.weeks_left <= 0)
        at(now_ + 30 * minute,
           [this, ri] { close(ri, fact_of(ri).first_done_at ? "fulfilled" : "unfulfillable"); });
}

void season::complete(std::size_t mi) {
    auto& m = missions_[mi];
    if (m.status != "accepted")
        return;
    const bool welfare = uniform() < 0.03;
    const double u = uniform();
    json::object report{{"duration_minutes", pick(30, 120)},
                        {"outcome", u < 0.87   ? "good"
                                    : u < 0.97 ? "difficult"
                                               : "incomplete"},
                        {"welfare_concern", welfare}};
    if (welfare)
        report["note"] = "Personne très isolée, à rappeler.";
    if (!ok(call(client_of(m.volunteer), "POST", "/api/v1/missions/" + m.id + "/complete",
                 json::object{{"report", report}}),
            "complete"))
        return;
    m.status = "done";
    auto& v = volunteers_[m.volunteer];
    ++v.done;
    truth().done.push_back({now_, v.id, requests_[m.request].id});
    auto& f = fact_of(m.request);
    if (!f.first_done_at)
        f.first_done_at = now_;
    if (welfare)
        truth().welfare_concerns.push_back(now_);
    const std::size_t ri = m.request;
    auto& r = requests_[ri];
    r.live.reset();
    if (r.recurrence == "once") {
        r.closed = true;  // a one-off request closes as fulfilled with its visit
        f.closed_at = now_;
        f.outcome = "fulfilled";
        r.support_id.clear();
        return;
    }
    --r.weeks_left;
    r.next_slot = m.starts + week;
    // The server proposes next week's visit to the support's volunteer by itself when it can: read it back.
    auto a = call(coordinator_, "GET", "/api/v1/missions?status=proposed&request_id=" + r.id);
    if (a.status != 200)
        throw std::runtime_error("GET /api/v1/missions: " + a.describe());
    const auto listed = a.json();  // kept alive for the loop
    for (const auto& item : listed.at("items").as_array()) {
        const std::string id = str(item, "id");
        bool known = false;
        for (const auto& other : missions_)
            known = known || other.id == id;
        auto vi = volunteer_index(str(item, "volunteer_id"));
        if (known || !vi)
            continue;
        const std::int64_t s = *domain::parse_iso8601(item.at("starts_at").as_string());
        const std::int64_t e = *domain::parse_iso8601(item.at("ends_at").as_string());
        const std::size_t next = missions_.size();
        missions_.push_back({id, ri, *vi, s, e, "proposed"});
        volunteers_[*vi].missions.push_back(next);
        r.live = next;
        at(std::min(now_ + pick(12, 20) * hour, s - 2 * hour), [this, next] { answer(next); });
    }
    if (!r.live) {
        // Next week could not be proposed to the support's volunteer (week full, paused, declined before...):
        // the server flagged the request for the coordinator, a re-dispatch. Read back whether it did.
        auto g = call(coordinator_, "GET", "/api/v1/requests/" + r.id);
        if (g.status != 200)
            throw std::runtime_error("GET /api/v1/requests/{id}: " + g.describe());
        const auto body = g.json();  // named: a pointer into a temporary would dangle
        const auto* flag = body.as_object().if_contains("redispatch");
        if (flag && flag->is_bool() && flag->as_bool())
            redispatch(ri);
    }
    if (r.weeks_left <= 0)
        at(now_ + 30 * minute, [this, ri] { close(ri, "fulfilled"); });
}

void season::close(std::size_t ri, const std::string& outcome) {
    auto& r = requests_[ri];
    if (r.closed)
        return;
    if (!ok(call(coordinator_, "POST", "/api/v1/requests/" + r.id + "/close",
                 json::object{{"outcome", outcome}}),
            "close"))
        return;
    r.closed = true;
    fact_of(ri).closed_at = now_;
    fact_of(ri).outcome = outcome;
    if (r.live)
        missions_[*r.live].status = "cancelled";  // cancelled with the request: not a setback
    r.live.reset();
    r.support_id.clear();
}

void season::unfulfillable_sweep() {
    // Requests nobody could take for twelve days are sometimes closed as unfulfillable; others stay open.
    for (std::size_t ri = 0; ri < requests_.size(); ++ri) {
        const auto& r = requests_[ri];
        if (r.closed || r.live || r.cancel_planned || now_ - fact_of(ri).created_at < 12 * day)
            continue;
        if (fact_of(ri).first_done_at || uniform() < 0.5)
            continue;
        close(ri, "unfulfillable");
    }
}

void season::hand_over() {
    // At the end of the scheme, the weekly supports still running are handed over to a partner association.
    for (auto& r : requests_) {
        if (r.closed || r.support_id.empty() || r.recurrence != "weekly")
            continue;
        if (ok(call(coordinator_, "POST", "/api/v1/supports/" + r.support_id + "/handover",
                    json::object{{"partner_id", partner_id_},
                                 {"note", "Suivi par l'association après le dispositif."},
                                 {"resident_consent", true}}),
               "handover"))
            r.support_id.clear();
    }
}

void season::demo_finale() {
    // The demo's last touches, through the API like the rest: the partner's account and its collective
    // mission, two requests by phone for the demo volunteer (one accepted, one waiting for their answer), new
    // requests from the web form that nobody handled yet, and the call for volunteers open again for
    // visitors.
    std::optional<std::size_t> demo_v;
    for (std::size_t i = 0; i < volunteers_.size(); ++i)
        if (volunteers_[i].person == 0 && volunteers_[i].state == vstate::active && volunteers_[i].app)
            demo_v = i;
    if (!demo_v)
        throw std::runtime_error("the demo volunteer is not an active volunteer at the end of the season");
    auto& dv = volunteers_[*demo_v];

    ok(call(admin_, "POST", "/api/v1/users",
            json::object{{"email", "partenaire@relais.demo"},
                         {"role", "partner"},
                         {"password", opts_.volunteer_password},
                         {"partner_id", partner_id_}}),
       "POST /api/v1/users");
    http_client partner(host_, port_);
    ++result_.calls;
    partner.sign_in("partenaire@relais.demo", opts_.volunteer_password);
    const std::int64_t col = day_start(now_) + 4 * day + 9 * hour;
    auto c =
        call(partner, "POST", "/api/v1/collective-missions",
             json::object{{"title", "Collecte nationale : accueil en magasin"},
                          {"description", "Accueillir les clients et trier les dons à l'entrée du magasin."},
                          {"place", "Centre commercial Alma"},
                          {"neighbourhood", "brequigny"},
                          {"starts_at", domain::format_iso8601(col)},
                          {"ends_at", domain::format_iso8601(col + 4 * hour)},
                          {"capacity", 6}});
    if (ok(c, "POST /api/v1/collective-missions"))
        ok(call(*dv.app, "POST", "/api/v1/collective-missions/" + str(c.json(), "id") + "/signup",
                json::object{{"share_phone", true}}),
           "signup");
    // One the city runs itself (no partner), for the console's page and the volunteers' list.
    const std::int64_t walk = day_start(now_) + 6 * day + 14 * hour;
    ok(call(coordinator_, "POST", "/api/v1/collective-missions",
            json::object{{"title", "Porte-à-porte : repérer les voisins isolés"},
                         {"description", "En binôme, présenter le dispositif aux habitants d'une rue."},
                         {"place", "Mairie de quartier"},
                         {"neighbourhood", "centre"},
                         {"starts_at", domain::format_iso8601(walk)},
                         {"ends_at", domain::format_iso8601(walk + 2 * hour)},
                         {"capacity", 8}}),
       "POST /api/v1/collective-missions (city)");

    // Two residents call; the coordinator proposes both to the demo volunteer, who accepts the first.
    std::vector<std::size_t> mine;
    for (int k = 0; k < 2; ++k) {
        residents_.push_back({"res" + std::to_string(residents_.size()), "", choose(neighbourhoods), ""});
        auto ri = create_request(residents_.size() - 1, "phone", false, false);
        if (!ri)
            continue;
        for (std::int64_t d = 1 + k; d <= 6; ++d) {
            const std::int64_t st = day_start(now_) + d * day + (k == 0 ? 10 : 15) * hour, en = st + hour;
            if (!feasible(dv, requests_[*ri], st, en))
                continue;
            auto a = call(coordinator_, "POST", "/api/v1/missions",
                          json::object{{"request_id", requests_[*ri].id},
                                       {"volunteer_id", dv.id},
                                       {"starts_at", domain::format_iso8601(st)},
                                       {"ends_at", domain::format_iso8601(en)},
                                       {"outside_availability_ok", true}});
            if (ok(a, "POST /api/v1/missions")) {
                record_proposal(*ri, *demo_v, str(a.json(), "id"), st, en, false);
                mine.push_back(missions_.size() - 1);
                break;
            }
        }
    }
    if (mine.size() != 2)
        throw std::runtime_error("the demo volunteer could not be given two missions");
    now_ += 5 * minute;
    set_clock(now_);
    answer(mine[0], false);
    if (missions_[mine[0]].status != "accepted")
        throw std::runtime_error("the demo volunteer's mission was not accepted");

    // Two more calls this morning, proposed to other volunteers who have not answered yet.
    hold_answers_ = true;
    for (int k = 0; k < 2; ++k) {
        residents_.push_back({"res" + std::to_string(residents_.size()), "", choose(neighbourhoods), ""});
        if (auto ri = create_request(residents_.size() - 1, "phone", false, false))
            try_dispatch(*ri);
    }

    // Requests from the web form in the last two hours: new, for the coordinator to handle.
    for (int k = 0; k < 3; ++k) {
        residents_.push_back({"res" + std::to_string(residents_.size()), "", choose(neighbourhoods), ""});
        const std::size_t ri = residents_.size() - 1;
        at(now_ + pick(10, 110) * minute, [this, ri] { create_request(ri, "web", false, false); });
    }
    ok(call(admin_, "PATCH", "/api/v1/programme", json::object{{"registration_open", true}}),
       "PATCH /api/v1/programme");
}

void season::plan_days(std::int64_t from, std::int64_t until) {
    for (std::int64_t d0 = from; d0 < until; d0 += day) {
        for (const std::int64_t t : {d0 + 9 * hour, d0 + 14 * hour})
            if (!opts_.demo || t < end_ - 3 * hour)  // a demo's last hours: requests nobody handled yet
                at(t, [this] { dispatch_round(); });
        at(d0 + 18 * hour, [this] { unfulfillable_sweep(); });
        if ((d0 - from) % week == 0)
            at(d0 + 6 * hour, [this, d0] {
                log_ << "  week " << (d0 - start_) / week + 1 << ": " << truth().registrations.size()
                     << " registrations, " << truth().requests.size() << " requests, " << truth().done.size()
                     << " missions done, " << result_.calls << " calls\n"
                     << std::flush;
            });
    }
}

void season::run_queue() {
    while (!queue_.empty()) {
        auto next = queue_.top();
        queue_.pop();
        // A handler may have moved the clock on (the demo's finale does); what was due meanwhile runs now,
        // since the programme clock never goes back.
        if (next.at > now_)
            set_clock(next.at);
        next.run();
    }
}

season_result season::play() {
    setup();
    plan_wave();
    plan_residents();
    plan_days(start_, horizon_);
    if (opts_.demo) {
        at(end_ - 2 * hour, [this] { demo_finale(); });
    } else if (second_) {
        // The programme closes the morning after the season, its running supports reviewed one by one;
        // volunteers choose the reserve; the supports carried over go on in the next programme.
        // Three residents call in the season's last fortnight for a weekly call that outlasts it: the close
        // has running supports to review, whatever the scale.
        for (int k = 0; k < 3; ++k)
            at(working_time(end_ - (13 - k) * day), [this] {
                residents_.push_back(
                    {"res" + std::to_string(residents_.size()), "", choose(neighbourhoods), ""});
                if (auto ri = create_request(residents_.size() - 1, "phone", false, false, "friendly_call"))
                    requests_[*ri].weeks_left = 8;
            });
        at(end_ + 9 * hour, [this] { close_first_programme(); });
        at(end_ + 10 * hour, [this] { join_reserve(); });
    } else {
        at(end_ - hour, [this] { hand_over(); });
    }
    run_queue();
    if (second_)
        play_second_programme();
    else
        set_clock(end_);
    return std::move(result_);
}

json::array season::list_all(const std::string& target) {
    json::array all;
    std::string cursor;
    do {
        auto a =
            call(coordinator_, "GET", target + "&limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor));
        if (a.status != 200)
            throw std::runtime_error("GET " + target + ": " + a.describe());
        const auto j = a.json();
        for (const auto& item : j.at("items").as_array())
            all.push_back(item);
        cursor = j.at("next_cursor").is_string() ? std::string(j.at("next_cursor").as_string()) : "";
    } while (!cursor.empty());
    return all;
}

void season::close_first_programme() {
    // What is still open without a running support is closed first: the scheme's queue ends with it.
    for (std::size_t ri = 0; ri < requests_.size(); ++ri)
        if (!requests_[ri].closed && requests_[ri].support_id.empty())
            close(ri, fact_of(ri).first_done_at ? "fulfilled" : "unfulfillable");

    // Every running support, as the server lists them, gets a decision: weekly ones continue, go to the
    // partner or end; a one-off visit still to come ends with the programme.
    json::array reviews;
    std::vector<std::pair<std::size_t, std::string>> decided;
    std::size_t weekly = 0;
    for (const auto& s : list_all("/api/v1/supports?status=active")) {
        const std::string request_id = str(s, "request_id");
        std::optional<std::size_t> ri;
        for (std::size_t i = 0; i < requests_.size(); ++i)
            if (requests_[i].id == request_id)
                ri = i;
        if (!ri || requests_[*ri].closed || requests_[*ri].support_id != str(s, "id"))
            throw std::runtime_error("the server lists a running support the season does not know: " +
                                     str(s, "id"));
        // Weekly ones in turn continue, go to the partner, end.
        static const char* const turns[] = {"continue", "hand_over", "end"};
        const std::string decision = requests_[*ri].recurrence != "weekly" ? "end" : turns[weekly++ % 3];
        json::object review{{"support_id", str(s, "id")}, {"decision", decision}};
        if (decision == "hand_over") {
            review["partner_id"] = partner_id_;
            review["resident_consent"] = true;
        }
        reviews.push_back(std::move(review));
        decided.emplace_back(*ri, decision);
    }
    for (const auto& r : requests_)
        if (!r.closed && !r.support_id.empty() &&
            std::none_of(decided.begin(), decided.end(),
                         [&](const auto& d) { return requests_[d.first].id == r.id; }))
            throw std::runtime_error("the season's support " + r.support_id +
                                     " is not running on the server");

    auto listed = call(admin_, "GET", "/api/v1/programmes");
    if (listed.status != 200)
        throw std::runtime_error("GET /api/v1/programmes: " + listed.describe());
    std::string current;
    const auto programmes = listed.json();
    for (const auto& p : programmes.at("items").as_array())
        if (str(p, "status") == "current")
            current = str(p, "id");
    auto a = call(admin_, "POST", "/api/v1/programmes/" + current + "/close",
                  json::object{{"next", json::object{{"name", "Citoyens volontaires"},
                                                     {"starts_on", stats::date_label(end_)},
                                                     {"ends_on", nullptr}}},
                               {"reviews", std::move(reviews)}});
    if (a.status != 200)
        throw std::runtime_error("closing the programme was refused: " + a.describe());
    auto& second = result_.second;
    second.played = true;
    second.closed_at = now_;
    for (const auto& [ri, decision] : decided) {
        if (decision == "continue") {
            ++second.continued;
            continue;
        }
        ++(decision == "hand_over" ? second.handed_over : second.ended);
        // The request closed as fulfilled, its visits to come cancelled (not a setback).
        auto& r = requests_[ri];
        r.closed = true;
        fact_of(ri).closed_at = now_;
        fact_of(ri).outcome = "fulfilled";
        if (r.live)
            missions_[*r.live].status = "cancelled";
        r.live.reset();
        r.support_id.clear();
    }
    const auto closed = a.json();
    if (closed.at("continued") != json::value(second.continued) ||
        closed.at("handed_over") != json::value(second.handed_over) ||
        closed.at("ended") != json::value(second.ended))
        throw std::runtime_error("the programme's close counted its reviews differently: " + a.describe());
    // Requests belong to the programme they were made in, unless carried over (the second's are counted at
    // its end: every request made from now on is its own).
    second.requests_first = static_cast<std::int64_t>(requests_.size()) - second.continued;
    log_ << "  first programme closed: " << second.continued << " supports continue, " << second.handed_over
         << " handed over, " << second.ended << " ended\n";
}

void season::join_reserve() {
    // Half of the volunteers still with the scheme agree to be called again: those with nothing under way
    // (joining the reserve releases a volunteer's missions to come).
    std::set<std::string> carrying;
    for (const auto& r : requests_)
        if (!r.closed) {
            carrying.insert(r.support_volunteer);
            carrying.insert(r.standin);
        }
    for (std::size_t vi = 0; vi < volunteers_.size(); ++vi) {
        auto& v = volunteers_[vi];
        if ((v.state != vstate::active && v.state != vstate::paused) || carrying.count(v.id))
            continue;
        const bool busy = std::any_of(v.missions.begin(), v.missions.end(), [this](std::size_t mi) {
            return missions_[mi].status == "proposed" || missions_[mi].status == "accepted";
        });
        if (busy || uniform() >= 0.5)
            continue;
        // From their own space when they use it, else the coordinator records a consent given on the phone.
        if (!ok(call(client_of(vi), "POST", "/api/v1/volunteers/" + v.id + "/reserve",
                     json::object{{"consent", true}}),
                "POST /api/v1/volunteers/{id}/reserve"))
            continue;
        v.state = vstate::paused;
        v.reserve = true;
        v.reserve_fact = result_.second.reserve.size();
        result_.second.reserve.push_back({v.id, now_, std::nullopt, ""});
    }
    log_ << "  " << result_.second.reserve.size() << " volunteers joined the reserve\n";
}

void season::tidy_before_the_year() {
    // Nothing may wait for an answer across the year: the server's expiry tick would act on it unseen.
    for (std::size_t ri = 0; ri < requests_.size(); ++ri)
        if (!requests_[ri].closed)
            close(ri, fact_of(ri).first_done_at ? "fulfilled" : "unfulfillable");
    for (const char* status : {"proposed", "accepted"}) {
        auto a = call(coordinator_, "GET", std::string("/api/v1/missions?limit=1&status=") + status);
        if (a.status != 200)
            throw std::runtime_error("GET /api/v1/missions: " + a.describe());
        if (!a.json().at("items").as_array().empty())
            throw std::runtime_error(std::string("a mission is still ") + status +
                                     " after every request was closed: " + a.describe());
    }
}

void season::leave_reserve(std::size_t vi) {
    auto& v = volunteers_[vi];
    if (!v.reserve ||
        !ok(call(client_of(vi), "POST", "/api/v1/volunteers/" + v.id + "/reserve/leave", json::object{}),
            "POST /api/v1/volunteers/{id}/reserve/leave"))
        return;
    v.state = vstate::withdrawn;
    v.reserve = false;
    v.app.reset();
    auto& f = result_.second.reserve[v.reserve_fact];
    f.left_at = now_;
    f.left_reason = "left_reserve";
    truth().registrations[v.fact].withdrawn_at = now_;
    truth().registrations[v.fact].withdrawal_reason = "left_reserve";
}

void season::call_back_the_reserve() {
    std::int64_t members = 0;
    for (const auto& v : volunteers_)
        members += v.reserve ? 1 : 0;
    if (members == 0) {
        log_ << "  nobody in the reserve to call back\n";
        return;  // a campaign to nobody is refused (422 filter)
    }
    auto a = call(coordinator_, "POST", "/api/v1/campaigns",
                  json::object{{"message",
                                "Bonjour, la ville a de nouveau besoin de bénévoles cet été. "
                                "Êtes-vous disponible ?"}});
    if (a.status != 201)
        throw std::runtime_error("POST /api/v1/campaigns: " + a.describe());
    auto& second = result_.second;
    second.campaign_at = now_;
    second.recipients = a.json().at("recipients").to_number<std::int64_t>();
    if (second.recipients != members)
        throw std::runtime_error("the campaign went to " + std::to_string(second.recipients) +
                                 " members; the season's reserve has " + std::to_string(members));
    log_ << "  reactivation campaign to " << members << " reserve members\n";
    // They answer within the week: most are available again, a few leave, the others stay in the reserve.
    // (Through their space or the coordinator: the campaign's links travel in messages, which the replay's
    // server does not send, so no answer comes through a link here.)
    for (std::size_t vi = 0; vi < volunteers_.size(); ++vi)
        if (volunteers_[vi].reserve)
            at(now_ + pick(1, 6 * 24) * hour, [this, vi] { answer_campaign(vi); });
}

void season::answer_campaign(std::size_t vi) {
    auto& v = volunteers_[vi];
    if (!v.reserve)
        return;
    const double u = uniform();
    if (u < 0.15) {
        leave_reserve(vi);
    } else if (u < 0.75) {
        if (!ok(call(client_of(vi), "POST", "/api/v1/volunteers/" + v.id + "/resume", json::object{}),
                "resume"))
            return;
        v.state = vstate::active;
        v.reserve = false;
        auto& f = result_.second.reserve[v.reserve_fact];
        f.left_at = now_;
        f.left_reason = "reactivated";
    }
}

void season::play_second_programme() {
    auto& second = result_.second;
    set_clock(horizon_ + 9 * hour);
    tidy_before_the_year();
    // During the year one member leaves.
    for (std::size_t vi = 0; vi < volunteers_.size(); ++vi)
        if (volunteers_[vi].reserve) {
            set_clock(end_ + 20 * week + 11 * hour);
            leave_reserve(vi);
            break;
        }
    // 44 weeks after the first programme's end (inside the year a reserve member's consent lasts): the
    // heat wave. The volunteers who used their space sign in again.
    const std::int64_t t1 = end_ + 44 * week;
    horizon_ = t1 + opts_.second_programme_weeks * week;
    set_clock(t1 + 9 * hour);
    for (auto& v : volunteers_)
        if (v.app) {
            v.app = std::make_unique<http_client>(host_, port_);
            ++result_.calls;
            v.app->sign_in(v.email, opts_.volunteer_password);
        }
    call_back_the_reserve();
    // Its requests: new residents, and some helped in the first programme calling again.
    std::vector<std::size_t> known;
    for (std::size_t ri = 0; ri < residents_.size(); ++ri)
        if (!residents_[ri].server_id.empty())
            known.push_back(ri);
    const auto n = std::max<std::size_t>(
        3, static_cast<std::size_t>(std::lround(171 * opts_.scale * opts_.second_programme_weeks / 10.0)));
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t d = pick(1, std::max<std::int64_t>(1, opts_.second_programme_weeks * 7 - 8));
        const std::int64_t t = working_time(t1 + d * day);
        if (!known.empty() && uniform() < 0.3) {
            const std::size_t ri =
                known[static_cast<std::size_t>(pick(0, static_cast<std::int64_t>(known.size()) - 1))];
            at(t, [this, ri] { create_request(ri, "phone", true, false); });
        } else {
            residents_.push_back({"res" + std::to_string(residents_.size()), "", choose(neighbourhoods), ""});
            const std::size_t ri = residents_.size() - 1;
            at(t, [this, ri, web = uniform() < 0.4] { create_request(ri, web ? "web" : "phone", false); });
        }
    }
    plan_days(t1, horizon_);
    run_queue();
    set_clock(horizon_);
    second.end = horizon_;
    second.requests_second = static_cast<std::int64_t>(requests_.size()) - second.requests_first;
}

}  // namespace

domain::city_time programme_city(http_client& c) {
    auto a = c.get("/api/v1/programme");
    if (a.status != 200)
        throw std::runtime_error("GET /api/v1/programme: " + a.describe());
    return domain::city_time(std::string(a.json().at("timezone").as_string()));
}

std::int64_t demo_season_start(std::int64_t ends_at, int weeks) {
    return stats::monday_of(ends_at) - static_cast<std::int64_t>(weeks) * week;
}

season_result play_season(http_client& admin, http_client& coordinator, const std::string& host,
                          std::uint16_t port, const season_options& opts, std::ostream& log) {
    season s(admin, coordinator, host, port, opts, log);
    return s.play();
}

}  // namespace relais::replay
