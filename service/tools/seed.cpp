#include "tools/seed.hpp"

#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "core/error.hpp"
#include "domain/missions.hpp"
#include "domain/neighbourhood_map.hpp"
#include "domain/programme.hpp"
#include "domain/requests.hpp"
#include "domain/stats_recorder.hpp"
#include "domain/supports.hpp"
#include "domain/volunteers.hpp"
#include "stats/summary.hpp"
#include "store/migrations.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"
#include "tools/command_line.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <random>
#include <sstream>
#include <unordered_map>

namespace relais::tools {

namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 24 * hour;
constexpr std::int64_t week = 7 * day;

// A neighbourhood of the city's map, read from the database (a new database has none: the map is imported
// first, e.g. the demo's data/demo/rennes-quartiers.csv).
struct place {
    std::string code;
    double lat, lon;
};
constexpr const char* categories[] = {"shopping",      "medicines", "books",       "admin",
                                      "friendly_call", "walk",      "appointment", "digital",
                                      "reading",       "language",  "schooling"};
// Weekly needs are the ones a resident has every week.
constexpr const char* weekly_categories[] = {"shopping", "friendly_call", "walk",
                                             "reading",  "language",      "schooling"};
constexpr const char* first_names[] = {
    "Camille", "Louise", "Léa",     "Manon",  "Chloé",  "Inès",   "Jade",    "Sarah",   "Emma",   "Lucie",
    "Marie",   "Anne",   "Yvonne",  "Jeanne", "Odile",  "Gaëlle", "Nolwenn", "Soizic",  "Maëlle", "Fatima",
    "Thomas",  "Lucas",  "Hugo",    "Louis",  "Nathan", "Yann",   "Erwan",   "Gwenaël", "Pierre", "Jean",
    "Michel",  "André",  "Mohamed", "Karim",  "Paul",   "Julien", "Antoine", "Noé",     "Théo",   "Mathis"};
constexpr const char* last_names[] = {
    "Le Gall", "Le Goff",  "Martin", "Bernard", "Le Roux",  "Thomas",   "Petit",    "Robert",   "Richard",
    "Durand",  "Dubois",   "Moreau", "Laurent", "Simon",    "Michel",   "Lefebvre", "Leroy",    "Roux",
    "Morel",   "Fournier", "Guérin", "Boucher", "Le Bihan", "Le Corre", "Tanguy",   "Kerbrat",  "Le Floch",
    "Rolland", "Hamon",    "Collet", "Benali",  "Nguyen",   "Diallo",   "Da Silva", "Ferreira", "Lemoine"};
constexpr const char* streets[] = {
    "rue de Saint-Malo", "rue de Brest",     "boulevard de la Liberté", "rue d'Antrain",
    "avenue Janvier",    "rue de Nantes",    "rue de Fougères",         "boulevard Villebois-Mareuil",
    "rue de Lorient",    "avenue du Canada", "rue Alphonse Guérin",     "rue de Châtillon"};
constexpr const char* details_texts[] = {"",
                                         "Courses pour la semaine, liste par téléphone.",
                                         "Ordonnance à récupérer à la pharmacie du quartier.",
                                         "Sonner deux fois, interphone en panne.",
                                         "Préfère le matin.",
                                         "Aide pour remplir un dossier de la CAF.",
                                         "Promenade au parc, marche lentement.",
                                         "Appeler la veille pour confirmer."};
constexpr const char* languages_pool[] = {"en", "es", "ar", "de", "pt", "br", "it", "ro"};

/// Deterministic generator: one engine, drawn in a fixed order.
class generator {
  public:
    explicit generator(std::uint64_t seed) : rng_(seed) {}

    std::uint64_t below(std::uint64_t n) {
        return n == 0 ? 0 : std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_);
    }
    std::int64_t between(std::int64_t lo, std::int64_t hi) {  // [lo, hi)
        return hi <= lo ? lo : lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo)));
    }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
    double normal(double sd) { return std::normal_distribution<double>(0, sd)(rng_); }
    template <class T, std::size_t N>
    const T& pick(const T (&a)[N]) {
        return a[below(N)];
    }
    std::string mobile() {
        std::string out = chance(0.8) ? "+336" : "+337";
        for (int i = 0; i < 8; ++i)
            out += static_cast<char>('0' + below(10));
        return out;
    }

  private:
    std::mt19937_64 rng_;
};

/// A volunteer to register, and what becomes of the registration.
struct volunteer_plan {
    domain::volunteer_input in;
    std::int64_t created = 0;
    std::optional<std::int64_t> validated, paused, withdrawn;
    std::string withdrawal_reason;
    std::string id;  ///< once registered
};

enum class kind { fresh, once, weekly_ongoing, weekly_ended };

struct request_plan {
    std::size_t resident = 0;
    kind k = kind::once;
    std::size_t missions = 0;
    std::int64_t created_at = 0;
};

/// A resident to record with their first request.
struct resident_plan {
    domain::resident_input in;
    std::string id;  ///< once recorded
};

std::string ascii_lower(std::string_view s) {
    // For email local parts: letters of the generated names, accents and blanks dropped.
    std::string out;
    for (unsigned char c : s)
        if (std::isalpha(c))
            out += static_cast<char>(std::tolower(c));
    return out;
}

/// Runs one domain operation that the rules may refuse (a volunteer's week is full, they declined this
/// request before...) inside a savepoint: refused, it leaves nothing behind and the seeder tries otherwise.
template <class F>
bool attempt(SQLite::Database& db, F&& f) {
    // Prepared once (the statement cache), not compiled on every attempt.
    const auto run = [&db](const char* sql) { store::prepare(db, sql)->exec(); };
    run("SAVEPOINT seed_attempt");
    try {
        f();
    } catch (const error&) {
        run("ROLLBACK TO seed_attempt");
        run("RELEASE seed_attempt");
        return false;
    }
    run("RELEASE seed_attempt");
    return true;
}

/// Plays a generated season through the domain's own operations (the ones the API handlers call), so the
/// event log and the statistics follow as they do on a live server. Each request is played from its
/// creation to its present state before the next; its actions never go back in time nor past `now`.
class seeder {
  public:
    seeder(SQLite::Database& db, stats::batch& counts, const seed_options& o, std::int64_t now)
        : db_(db), counts_(counts), o_(o), now_(now), g_(o.seed) {
        ttl_ = static_cast<std::int64_t>(domain::load_programme(db).proposal_ttl_minutes) * 60;
        SQLite::Statement q(db, "SELECT code, lat, lon FROM neighbourhood ORDER BY code");
        while (q.executeStep())
            places_.push_back(
                {q.getColumn(0).getString(), q.getColumn(1).getDouble(), q.getColumn(2).getDouble()});
        if (places_.empty())
            throw std::runtime_error(
                "the database has no neighbourhood: give the city's map with --map FILE (the demo's is "
                "data/demo/rennes-quartiers.csv)");
    }

    seed_summary run() {
        plan_volunteers();
        plan_requests();
        plan_residents();
        const std::int64_t season_start = start_of_season();
        coordinator(season_start);
        volunteers();
        requests();
        summarise();
        return sum_;
    }

  private:
    static constexpr std::size_t tries = 64;  ///< volunteers asked before a mission is given up

    const place& some_place() { return places_[g_.below(places_.size())]; }

    void plan_volunteers() {
        volunteers_.reserve(o_.volunteers);
        for (std::size_t i = 0; i < o_.volunteers; ++i) {
            volunteer_plan v;
            auto& in = v.in;
            in.first_name = g_.pick(first_names);
            in.last_name = g_.pick(last_names);
            in.email = ascii_lower(in.first_name) + "." + ascii_lower(in.last_name) + "." +
                       std::to_string(i + 1) + "@example.org";
            in.phone = g_.mobile();
            const auto& p = some_place();
            in.neighbourhood = p.code;
            const double lat = p.lat + g_.normal(0.006);
            in.location = domain::geo{lat, p.lon + g_.normal(0.009)};
            for (std::size_t n = 1 + g_.below(4); in.skills.size() < n;) {
                std::string c = g_.pick(categories);
                if (std::find(in.skills.begin(), in.skills.end(), c) == in.skills.end())
                    in.skills.push_back(std::move(c));
            }
            for (std::size_t n = 1 + g_.below(5), k = 0; k < n; ++k) {
                const int start = static_cast<int>(8 + g_.below(10));
                const int len = static_cast<int>(1 + g_.below(4));
                in.availability.push_back(
                    {static_cast<int>((i + k * 3) % 7), start * 60, std::min(start + len, 22) * 60});
            }
            in.languages = {"fr"};
            if (g_.chance(0.3))
                in.languages.emplace_back(g_.pick(languages_pool));
            in.max_missions_per_week = static_cast<int>(1 + g_.below(4));
            v.created = now_ - g_.between(10 * day, 300 * day);
            const auto roll = g_.below(100);  // 80% active, 8% awaiting validation, 7% paused, 5% withdrawn
            if (roll < 80 || roll >= 88)
                v.validated = v.created + g_.between(hour, 5 * day);
            if (roll >= 88 && roll < 95)
                v.paused = std::min(*v.validated + g_.between(day, 30 * day), now_);
            if (roll >= 95) {
                v.withdrawn = *v.validated + g_.between(day, 5 * day);
                v.withdrawal_reason = g_.chance(0.5) ? "no_longer_available" : "back_to_work";
            }
            if (roll < 80)
                active_.push_back(volunteers_.size());
            volunteers_.push_back(std::move(v));
        }
    }

    /// Decides each request's kind, age and number of missions so that the total is exactly o_.missions
    /// (as long as there are weekly requests to absorb it).
    void plan_requests() {
        if (o_.residents == 0)
            return;
        const std::size_t count = std::max<std::size_t>(o_.residents, o_.missions / 7);
        plans_.resize(count);
        std::size_t fixed = 0, weekly = 0;
        const std::size_t fresh = std::max<std::size_t>(1, count / 100);  // the coordinators' queue
        for (std::size_t i = 0; i < count; ++i) {
            auto& p = plans_[i];
            p.resident = i < o_.residents ? i : g_.below(o_.residents);
            if (i % 100 == 0 && i / 100 < fresh) {
                p.k = kind::fresh;
                p.missions = g_.chance(0.3) ? 1 : 0;  // a declined or expired proposal, back in the queue
            } else if (g_.chance(0.3) && !active_.empty()) {
                p.k = g_.chance(0.7) ? kind::weekly_ongoing : kind::weekly_ended;
                ++weekly;
            } else {
                p.k = kind::once;
                p.missions = g_.chance(0.2) ? 2 : 1;
            }
            if (active_.empty())
                p.missions = 0;
            fixed += p.missions;
        }
        // Whatever the one-off requests leave goes to the weekly ones, evenly; without budget the one-off
        // requests are trimmed.
        std::size_t left = o_.missions > fixed ? o_.missions - fixed : 0;
        if (o_.missions < fixed) {
            std::size_t budget = o_.missions;
            for (auto& p : plans_) {
                p.missions = std::min(p.missions, budget);
                budget -= p.missions;
            }
        }
        std::size_t seen = 0;
        for (auto& p : plans_) {
            if (p.k != kind::weekly_ongoing && p.k != kind::weekly_ended)
                continue;
            p.missions = left / weekly + (seen < left % weekly ? 1 : 0);
            ++seen;
        }
        for (auto& p : plans_)
            p.created_at = created_of(p);
    }

    std::int64_t created_of(const request_plan& p) {
        switch (p.k) {
            case kind::fresh:
                return now_ - g_.between(10 * 60, 2 * day);
            case kind::once:
                return g_.chance(0.05) ? now_ - g_.between(hour, 2 * day)
                                       : now_ - g_.between(3 * day, 180 * day);
            case kind::weekly_ongoing:
                return now_ - static_cast<std::int64_t>(p.missions) * week - g_.between(day, 3 * day);
            case kind::weekly_ended:
                return now_ - static_cast<std::int64_t>(p.missions + 2) * week - g_.between(day, 20 * week);
        }
        return now_;
    }

    void plan_residents() {
        residents_.reserve(o_.residents);
        for (std::size_t i = 0; i < o_.residents; ++i) {
            resident_plan r;
            auto& in = r.in;
            const auto& p = some_place();
            in.neighbourhood = p.code;
            in.first_name = g_.pick(first_names);
            in.last_name = g_.pick(last_names);
            if (g_.chance(0.3))
                in.email = ascii_lower(in.first_name) + "." + ascii_lower(in.last_name) + ".r" +
                           std::to_string(i + 1) + "@example.net";
            in.address = std::to_string(1 + g_.below(120)) + " " + g_.pick(streets) + ", Rennes";
            in.phone = g_.mobile();
            const double lat = p.lat + g_.normal(0.006);
            in.location = domain::geo{lat, p.lon + g_.normal(0.009)};
            in.needs.isolated = g_.chance(0.4);
            in.needs.reduced_mobility = g_.chance(0.25);
            in.needs.visually_impaired = g_.chance(0.05);
            in.needs.not_french_speaking = g_.chance(0.08);
            in.languages = {in.needs.not_french_speaking ? std::string(g_.pick(languages_pool))
                                                         : std::string("fr")};
            in.preferred_contact = g_.chance(0.85) ? "phone" : "email";
            residents_.push_back(std::move(r));
        }
    }

    /// A day before anything the season holds happened.
    std::int64_t start_of_season() const {
        std::int64_t first = now_;
        for (const auto& v : volunteers_)
            first = std::min(first, v.created);
        for (const auto& p : plans_)
            first = std::min(first, p.created_at);
        return first - day;
    }

    /// The coordinator's account, and the programme's start moved back to the season's if it is later, so
    /// the statistics' default period holds the whole season.
    void coordinator(std::int64_t at) {
        auth::new_account a;
        a.email = sum_.coordinator_email = "coordinator@bench.relais.test";
        a.r = auth::role::coordinator;
        a.password_hash = password_hash_ = auth::hash_password(o_.password);
        coord_ = {auth::insert_account(db_, a, at), "coordinator"};
        const std::string season = stats::date_label(at);
        if (season < domain::load_programme(db_).starts_on) {
            domain::programme_patch p;
            p.starts_on = season;
            domain::patch_programme(db_, p, at, coord_);
        }
    }

    /// Registrations through the public form (every volunteer's account shares the seed's password), then
    /// validation, pauses and withdrawals by the coordinator.
    void volunteers() {
        for (auto& v : volunteers_) {
            v.id = domain::register_volunteer(db_, v.in, password_hash_, v.created, domain::public_actor());
            if (v.validated)
                domain::activate_volunteer(db_, v.id, *v.validated, coord_);
            if (v.paused)
                domain::pause_volunteer(db_, v.id, *v.paused, coord_);
            if (v.withdrawn)
                domain::withdraw_volunteer(db_, v.id, v.withdrawal_reason, std::nullopt, *v.withdrawn,
                                           coord_);
        }
    }

    const std::string& pick_active() { return volunteers_[active_[g_.below(active_.size())]].id; }

    /// The volunteers of ongoing weekly supports are handed out in order, so the first active volunteers
    /// (those listed with accounts) hold current missions.
    const std::string& next_support_volunteer() {
        const auto& v = volunteers_[active_[next_ongoing_ % active_.size()]].id;
        ++next_ongoing_;
        return v;
    }

    void requests() {
        // Played in order of creation, so a resident is recorded with their earliest request.
        std::vector<std::size_t> order(plans_.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return plans_[a].created_at < plans_[b].created_at;
        });
        for (std::size_t i : order) {
            request(plans_[i]);
            counts_.settle();  // no savepoint is open between two requests
        }
    }

    // --- One request's life -----------------------------------------------------------------------------

    /// The time of the request's next action: `planned`, but never before its previous action nor after now.
    std::int64_t at(std::int64_t planned) {
        clock_ = std::clamp(planned, clock_, now_);
        return clock_;
    }

    /// The request's mission waiting for an answer, if any (proposed by the server after a weekly visit).
    struct waiting_mission {
        std::string id;
        std::int64_t starts_at = 0, ends_at = 0;
    };
    std::optional<waiting_mission> proposed_mission(const std::string& request_id) {
        auto q =
            store::prepare(db_,
                           "SELECT id, starts_at, ends_at FROM mission WHERE request_id = ? AND status = "
                           "'proposed' LIMIT 1");
        q->bind(1, request_id);
        if (!q->executeStep())
            return std::nullopt;
        return waiting_mission{q->getColumn(0).getString(), q->getColumn(1).getInt64(),
                               q->getColumn(2).getInt64()};
    }

    /// The mission, or nullopt when the rules refuse it; propose_mission checks everything before it writes,
    /// so a refusal leaves nothing to roll back.
    std::optional<std::string> propose(const std::string& request_id, const std::string& volunteer_id,
                                       std::int64_t starts, std::int64_t ends, std::int64_t when) {
        try {
            return domain::propose_mission(db_, request_id, volunteer_id, starts, ends, when, coord_);
        } catch (const error&) {
            return std::nullopt;
        }
    }

    /// Proposes the mission to some active volunteer who may take it (random ones, asked in turn).
    std::optional<std::string> propose_to_anyone(const std::string& request_id, std::int64_t starts,
                                                 std::int64_t ends, std::int64_t when,
                                                 std::optional<std::string> first = std::nullopt) {
        for (std::size_t t = 0; t < tries; ++t) {
            const std::string vol = t == 0 && first ? *first : pick_active();
            if (auto id = propose(request_id, vol, starts, ends, when))
                return id;
        }
        return std::nullopt;
    }

    /// A weekly visit: to the support's volunteer, else to its stand-in, else to a new stand-in (the
    /// volunteer's week may be full, or they declined a visit of this request); without a support yet, to
    /// `volunteer`, else to anyone.
    std::optional<std::string> propose_visit(const std::string& request_id, const std::string& volunteer,
                                             std::int64_t starts, std::int64_t ends, std::int64_t when) {
        auto s = domain::active_support(db_, request_id);
        if (!s)
            return propose_to_anyone(request_id, starts, ends, when, volunteer);
        if (auto id = propose(request_id, s->volunteer_id, starts, ends, when))
            return id;
        if (s->standin_volunteer_id)
            if (auto id = propose(request_id, *s->standin_volunteer_id, starts, ends, when))
                return id;
        for (std::size_t t = 0; t < tries; ++t) {
            const std::string vol = pick_active();
            std::string id;
            if (attempt(db_, [&] {
                    domain::set_standin(db_, s->id, vol, when, coord_);
                    id = domain::propose_mission(db_, request_id, vol, starts, ends, when, coord_);
                }))
                return id;
        }
        return std::nullopt;
    }

    void accept(const std::string& mission_id) {
        domain::accept_mission(db_, mission_id, at(clock_ + g_.between(10 * 60, 6 * hour)), coord_);
    }

    void decline(const std::string& mission_id) {
        domain::decline_mission(db_, mission_id, g_.chance(0.6) ? "not_available" : "too_far", std::nullopt,
                                at(clock_ + g_.between(10 * 60, 6 * hour)), coord_);
    }

    /// Left unanswered until the server's expiry; declined instead when that time is still to come.
    void expire_or_decline(const std::string& mission_id) {
        if (clock_ + ttl_ <= now_)
            domain::expire_proposals(db_, at(clock_ + ttl_));
        else
            decline(mission_id);
    }

    void complete(const std::string& mission_id, std::int64_t starts, std::int64_t ends) {
        domain::mission_report report;
        report.duration_minutes = static_cast<int>((ends - starts) / 60);
        report.outcome = g_.chance(0.9) ? "good" : "difficult";
        domain::complete_mission(db_, mission_id, report, at(ends + g_.between(10 * 60, day)), coord_);
    }

    /// Start and end of a mission: `starts`, lasting 30 minutes to 2 hours 30.
    std::pair<std::int64_t, std::int64_t> slot(std::int64_t starts) {
        return {starts, starts + g_.between(1, 5) * 30 * 60};
    }

    /// A time in the request's window for a visit, at least an hour after `after`.
    std::int64_t visit_time(std::int64_t from, std::int64_t until, std::int64_t after) {
        return std::max(from + g_.between(0, std::max<std::int64_t>(until - from - 2 * hour, 1)),
                        after + 7 * hour);  // answered (within 6 h) before it starts
    }

    void request(const request_plan& p) {
        auto& res = residents_[p.resident];
        const bool weekly = p.k == kind::weekly_ongoing || p.k == kind::weekly_ended;
        domain::request_input in;
        in.category = weekly ? g_.pick(weekly_categories) : g_.pick(categories);
        in.urgency = weekly ? "week" : urgency_of(g_.below(10));
        in.recurrence = weekly ? "weekly" : "once";
        in.channel = g_.chance(0.55) ? "web" : g_.chance(0.9) ? "phone" : "partner";
        in.details = g_.pick(details_texts);
        const std::int64_t created = p.created_at;
        in.window_from = created + g_.between(0, day);
        in.window_until = weekly                  ? in.window_from + 13 * week
                          : in.urgency == "today" ? in.window_from + day
                          : in.urgency == "48h"   ? in.window_from + 2 * day
                                                  : in.window_from + week;
        if (res.id.empty())
            in.resident = res.in;
        else
            in.resident_id = res.id;
        clock_ = created;
        const auto made =
            domain::create_request(db_, in, created, in.channel == "web" ? domain::public_actor() : coord_);
        res.id = made.resident_id;
        const std::string& id = made.id;

        if (p.k == kind::fresh) {
            if (p.missions > 0) {
                // A proposal declined or left to expire: the request is back at the top of the queue.
                const auto [s, e] = slot(created + g_.between(day, 2 * day));
                const bool expire = g_.chance(0.5);
                if (auto m = propose_to_anyone(id, s, e, at(created + g_.between(10 * 60, hour))))
                    expire ? expire_or_decline(*m) : decline(*m);
            }
        } else if (p.k == kind::once) {
            once(id, p, in.window_from, in.window_until);
        } else if (p.missions > 0) {  // (a weekly request left without missions waits in the queue)
            weekly_support(id, p);
        }
    }

    void once(const std::string& id, const request_plan& p, std::int64_t from, std::int64_t until) {
        std::int64_t propose_at = clock_ + g_.between(10 * 60, 4 * hour);
        if (p.missions == 2) {
            // A first volunteer who declines, lets the proposal expire, or accepts and drops out.
            const auto roll = g_.below(4);
            const auto [s, e] = slot(visit_time(from, until, propose_at));
            if (auto m = propose_to_anyone(id, s, e, at(propose_at))) {
                if (roll < 2) {
                    decline(*m);
                } else if (roll < 3) {
                    expire_or_decline(*m);
                } else {
                    accept(*m);
                    domain::drop_mission(db_, *m, "no_longer_available", std::nullopt,
                                         at(clock_ + g_.between(hour, day)), coord_);
                }
            }
            propose_at = clock_ + g_.between(hour, 6 * hour);
        }
        if (p.missions == 0)
            return;
        const auto [s, e] = slot(visit_time(from, until, propose_at));
        if (s > now_) {
            if (g_.chance(0.6)) {
                if (auto m = propose_to_anyone(id, s, e, at(propose_at)))
                    accept(*m);  // the support is set up, the request matched
            } else {
                // Waiting for an answer: proposed in the last hours, so the proposal is live.
                propose_to_anyone(id, s, e, at(std::max(propose_at, now_ - g_.between(60, 12 * hour))));
            }
            return;
        }
        const auto roll = g_.below(100);
        auto m = propose_to_anyone(id, s, e, at(propose_at));
        if (!m)
            return;
        accept(*m);
        if (roll < 88) {
            complete(*m, s, e);  // the request is closed as fulfilled
        } else if (roll < 92) {
            domain::mark_missed(db_, *m, std::nullopt, at(s + g_.between(hour, day)), coord_);
            domain::close_request(db_, id, "unfulfillable", std::nullopt, clock_, coord_);
        } else {
            // The resident cancels: the request closes and its mission is called off.
            domain::close_request(db_, id, "cancelled", std::string("resident_cancelled"),
                                  at(s - g_.between(hour, day)), coord_);
        }
    }

    /// A weekly support: the same volunteer every week, the server proposing each next visit after one is
    /// done. An ongoing one has this week's visit accepted and next week's proposed; an ended one was all in
    /// the past and closed by the coordinator, which calls off the visit already proposed after the last.
    void weekly_support(const std::string& id, const request_plan& p) {
        const bool ongoing = p.k == kind::weekly_ongoing;
        const std::string volunteer = ongoing ? next_support_volunteer() : pick_active();
        const std::int64_t n = static_cast<std::int64_t>(p.missions);
        const std::int64_t future = ongoing ? std::min<std::int64_t>(n, 2) : 0;
        const std::int64_t base =
            ongoing ? now_ + g_.between(hour, week - hour) : now_ - g_.between(week, 20 * week);
        std::int64_t first_start = base - (n - (future > 0 ? future : 1)) * week;
        if (!ongoing)  // the first visit comes a few days after the request
            first_start = std::max(first_start, clock_ + g_.between(day, 3 * day));
        std::int64_t last_end = first_start;
        for (std::int64_t k = 0; k < n; ++k) {
            const std::int64_t starts = first_start + k * week;
            const bool tail = !ongoing && k == n - 1;
            std::string st;
            if (tail) {
                st = "proposed";  // called off when the support ends
            } else if (starts > now_) {
                st = k == n - future ? "accepted" : "proposed";
            } else if (starts > now_ - day && g_.chance(0.5)) {
                st = "accepted";  // not reported yet
            } else {
                const auto roll = g_.below(100);
                st = roll < 92 ? "done" : roll < 95 ? "missed" : roll < 98 ? "cancelled" : "declined";
            }
            std::optional<std::string> m;
            std::int64_t s = starts, e = 0;
            if (auto known = proposed_mission(id)) {  // proposed by the server: its slot
                m = std::move(known->id);
                s = known->starts_at;
                e = known->ends_at;
            } else {
                const auto sl = slot(starts);
                e = sl.second;
                // Next week's visit waiting for an answer is proposed in the last hours, so it is live.
                const std::int64_t when = st == "proposed" && ongoing ? now_ - g_.between(60, 12 * hour)
                                                                      : starts - g_.between(2 * day, 6 * day);
                m = propose_visit(id, volunteer, s, e, at(when));
                if (!m)
                    continue;
            }
            last_end = e;
            if (st == "proposed")
                continue;
            if (st == "declined") {
                decline(*m);
                continue;
            }
            accept(*m);
            if (st == "done")
                complete(*m, s, e);
            else if (st == "missed")
                domain::mark_missed(db_, *m, std::nullopt, at(s + g_.between(hour, day)), coord_);
            else if (st == "cancelled")
                domain::cancel_mission(db_, *m, "resident_cancelled", std::nullopt,
                                       at(s - g_.between(hour, day)), coord_);
        }
        if (!ongoing)
            domain::close_request(db_, id, "fulfilled", std::nullopt, at(last_end - week + day), coord_);
    }

    static const char* urgency_of(std::uint64_t roll) {
        return roll < 2 ? "today" : roll < 6 ? "48h" : "week";
    }

    std::int64_t count(const char* sql) {
        auto q = store::prepare(db_, sql);
        q->executeStep();
        return q->getColumn(0).getInt64();
    }

    /// What was written, counted in the tables; the accounts listed are the first active volunteers holding
    /// a current mission (what the benchmark reads).
    void summarise() {
        sum_.volunteers = static_cast<std::size_t>(count("SELECT COUNT(*) FROM volunteer"));
        sum_.residents = static_cast<std::size_t>(count("SELECT COUNT(*) FROM resident"));
        sum_.requests = static_cast<std::size_t>(count("SELECT COUNT(*) FROM request"));
        sum_.new_requests =
            static_cast<std::size_t>(count("SELECT COUNT(*) FROM request WHERE status = 'new'"));
        sum_.supports = static_cast<std::size_t>(count("SELECT COUNT(*) FROM support"));
        sum_.missions = static_cast<std::size_t>(count("SELECT COUNT(*) FROM mission"));
        sum_.events = static_cast<std::size_t>(count("SELECT COUNT(*) FROM event"));
        for (std::size_t i = 0; i < active_.size() && sum_.volunteer_emails.size() < o_.accounts; ++i) {
            const auto& v = volunteers_[active_[i]];
            auto q = store::prepare(
                db_,
                "SELECT 1 FROM mission WHERE volunteer_id = ? AND status IN ('proposed','accepted') LIMIT 1");
            q->bind(1, v.id);
            if (q->executeStep())
                sum_.volunteer_emails.push_back(v.in.email);
        }
        sum_.accounts = 1 + sum_.volunteer_emails.size();
    }

    SQLite::Database& db_;
    stats::batch& counts_;
    const seed_options& o_;
    std::int64_t now_;
    generator g_;
    std::vector<place> places_;  ///< the city's neighbourhoods, by code
    std::int64_t ttl_ = day;     ///< the programme's proposal time to live, in seconds
    std::int64_t clock_ = 0;     ///< time of the current request's last action
    domain::actor coord_;        ///< the coordinator, who records what happens
    std::string password_hash_;  ///< of every account
    std::vector<volunteer_plan> volunteers_;
    std::vector<std::size_t> active_;
    std::vector<request_plan> plans_;
    std::vector<resident_plan> residents_;
    std::size_t next_ongoing_ = 0;
    seed_summary sum_;
};

}  // namespace

namespace {

/// Where the load's time goes, statement by statement (relais seed --profile): SQLite's profile callback
/// gives each statement's run time when it finishes; the SQL text (never its values) is the key.
class statement_profile {
  public:
    explicit statement_profile(SQLite::Database& db) : db_(db) {
        sqlite3_trace_v2(db_.getHandle(), SQLITE_TRACE_PROFILE, &statement_profile::on_trace, this);
    }
    ~statement_profile() { sqlite3_trace_v2(db_.getHandle(), 0, nullptr, nullptr); }
    statement_profile(const statement_profile&) = delete;
    statement_profile& operator=(const statement_profile&) = delete;

    void report(std::ostream& out) const {
        std::vector<std::pair<std::string, entry>> rows(by_sql_.begin(), by_sql_.end());
        std::sort(rows.begin(), rows.end(),
                  [](const auto& a, const auto& b) { return a.second.ns > b.second.ns; });
        std::uint64_t total = 0, runs = 0;
        for (const auto& r : rows) {
            total += r.second.ns;
            runs += r.second.runs;
        }
        out << "statements: " << rows.size() << " distinct, " << runs << " runs, " << total / 1'000'000
            << " ms in all\n";
        for (std::size_t i = 0; i < rows.size() && i < 40; ++i) {
            std::string sql = rows[i].first.substr(0, 160);
            std::replace(sql.begin(), sql.end(), '\n', ' ');
            out << "  " << rows[i].second.ns / 1'000'000 << " ms, " << rows[i].second.runs << " runs: " << sql
                << "\n";
        }
    }

  private:
    struct entry {
        std::uint64_t runs = 0, ns = 0;
    };
    static int on_trace(unsigned type, void* self, void* stmt, void* ns) {
        if (type == SQLITE_TRACE_PROFILE) {
            auto& e =
                static_cast<statement_profile*>(self)->by_sql_[sqlite3_sql(static_cast<sqlite3_stmt*>(stmt))];
            ++e.runs;
            e.ns += *static_cast<const sqlite3_int64*>(ns);
        }
        return 0;
    }
    SQLite::Database& db_;
    std::unordered_map<std::string, entry> by_sql_;
};

}  // namespace

seed_summary seed_database(const seed_options& opts) {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
    if (auto dir = std::filesystem::path(opts.db).parent_path(); !dir.empty())
        std::filesystem::create_directories(dir);
    store::migrate(opts.db);
    const std::int64_t now = opts.now ? opts.now
                                      : std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count();
    SQLite::Database db(opts.db, SQLite::OPEN_READWRITE);
    if (!opts.map_file.empty()) {
        std::ifstream in(opts.map_file, std::ios::binary);
        if (!in)
            throw std::runtime_error("cannot read the map file " + opts.map_file);
        std::ostringstream text;
        text << in.rdbuf();
        const auto parsed = domain::parse_neighbourhood_file(text.str());
        if (!parsed.faults.empty()) {
            const auto& f = parsed.faults.front();
            throw std::runtime_error("the map file: " + f.text());
        }
        SQLite::Transaction map_tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        domain::import_neighbourhoods(db, parsed.items, now, {"system", "system"});
        map_tx.commit();
    }
    {
        SQLite::Statement q(db,
                            "SELECT (SELECT COUNT(*) FROM volunteer) + (SELECT COUNT(*) FROM resident) + "
                            "(SELECT COUNT(*) FROM request) + (SELECT COUNT(*) FROM users)");
        q.executeStep();
        if (q.getColumn(0).getInt64() != 0)
            throw std::runtime_error(
                "the database already holds people, requests or accounts; seed only a new one");
    }
    // Bulk load into a new database, in one transaction: a crash of the process leaves it empty. A rollback
    // journal rather than the WAL, so the pages are written once (a WAL would take the whole load, then copy
    // it into the database at the checkpoint); nothing is acknowledged to anyone until the end, so it need
    // not be synced on the way. The cache holds the whole load (about 2 KB per mission), so no page is
    // written, read back and written again before the commit.
    db.exec("PRAGMA journal_mode=DELETE");
    db.exec("PRAGMA synchronous=OFF");
    const std::int64_t cache_kib = std::clamp<std::int64_t>(
        static_cast<std::int64_t>(opts.missions) * 3 + static_cast<std::int64_t>(opts.volunteers) * 4, 65536,
        4 * 1024 * 1024);
    db.exec("PRAGMA cache_size=-" + std::to_string(cache_kib));
    db.exec("PRAGMA foreign_keys=ON");
    // As on the server's writer: the savepoints of the domain's operations journal to memory, not to a file.
    db.exec("PRAGMA temp_store=MEMORY");
    // Synthetic people: nothing erased during the load needs overwriting (the server turns it on again).
    db.exec("PRAGMA secure_delete=OFF");
    // The tables' CHECK constraints are verified once at the end of the load (quick_check below) rather than
    // on each write: SQLite tests a CHECK's `IN (...)` list of more than two values through a temporary
    // b-tree built for every statement, which took an eighth of the load.
    db.exec("PRAGMA ignore_check_constraints=ON");
    std::unique_ptr<statement_profile> prof;
    if (opts.profile)
        prof = std::make_unique<statement_profile>(db);
    seed_summary sum;
    {
        // The domain's statements are prepared once for the whole load, as on the server's writer.
        store::statement_cache cache(db);
        store::statement_cache::scope use(cache);
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        // The statistics' daily counts are added up in memory and written once (stats::batch).
        stats::batch counts(db);
        stats::batch::scope count(counts);
        seeder s(db, counts, opts, now);
        sum = s.run();
        counts.flush();
        {
            SQLite::Statement check(db, "PRAGMA quick_check");
            const std::string verdict = check.executeStep() ? check.getColumn(0).getString() : "no answer";
            if (verdict != "ok")
                throw std::runtime_error("the seeded data fails the database's checks: " + verdict);
        }
        tx.commit();
    }
    if (prof) {
        prof->report(*opts.profile);
        prof.reset();
    }
    db.exec("PRAGMA ignore_check_constraints=OFF");
    db.exec("PRAGMA synchronous=FULL");
    db.exec("ANALYZE");
    db.exec("PRAGMA journal_mode=WAL");  // as the server opens it

    sum.accounts_file = opts.db + ".accounts";
    std::ofstream f(sum.accounts_file, std::ios::trunc);
    f << "coordinator " << sum.coordinator_email << " " << opts.password << "\n";
    for (const auto& e : sum.volunteer_emails)
        f << "volunteer " << e << " " << opts.password << "\n";
    if (!f)
        throw std::runtime_error("could not write " + sum.accounts_file);
    std::filesystem::permissions(sum.accounts_file,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    return sum;
}
int run_seed_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    static const char* usage =
        "usage: relais seed --db PATH [--map FILE] [--volunteers N] [--residents N] [--missions N]\n"
        "                   [--seed S] [--accounts N] [--password P] [--profile yes]\n"
        "  fills a NEW database with generated data for benchmarks (never a production database), its\n"
        "  people placed in the city's neighbourhoods: --map FILE imports them first (GeoJSON or CSV, as\n"
        "  relais import neighbourhoods reads it; the demo's: data/demo/rennes-quartiers.csv);\n"
        "  the accounts' password is written to PATH.accounts; --profile yes prints the statements that "
        "took\n"
        "  the most time\n";
    command_line cl(
        "seed", args,
        {"db", "map", "volunteers", "residents", "missions", "seed", "accounts", "password", "profile"},
        usage, out, err);
    if (cl.stop())
        return cl.exit_code();
    seed_options o;
    o.db = cl.get("db").value_or("");
    o.password = cl.get("password").value_or(o.password);
    o.map_file = cl.get("map").value_or("");
    if (!cl.number("volunteers", o.volunteers, 0, 10'000'000) ||
        !cl.number("residents", o.residents, 0, 10'000'000) ||
        !cl.number("missions", o.missions, 0, 100'000'000) || !cl.number("seed", o.seed, 0, UINT64_MAX) ||
        !cl.number("accounts", o.accounts, 0, 1'000'000))
        return cl.exit_code();
    if (o.db.empty())
        return cl.fail("--db is required");
    if (const auto p = cl.get("profile"); p && *p != "yes" && *p != "no")
        return cl.fail("--profile must be yes or no");
    else if (p && *p == "yes")
        o.profile = &out;
    if (o.password.size() < 12) {
        err << "relais seed: --password must have at least 12 characters\n";
        return 64;
    }
    try {
        const auto started = std::chrono::steady_clock::now();
        auto s = seed_database(o);
        const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        out << "seeded " << o.db << " in " << static_cast<int>(secs * 10) / 10.0 << " s: " << s.volunteers
            << " volunteers, " << s.residents << " residents, " << s.requests << " requests ("
            << s.new_requests << " new), " << s.supports << " supports, " << s.missions << " missions, "
            << s.events << " events, " << s.accounts << " accounts (" << s.accounts_file << ")\n";
        return 0;
    } catch (const std::exception& e) {
        err << "relais seed: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace relais::tools
