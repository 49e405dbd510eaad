#include "tools/seed.hpp"

#include "auth/password.hpp"
#include "domain/ids.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "tools/command_line.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sodium.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <random>

namespace relais::tools {

namespace {

namespace json = boost::json;

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 24 * hour;
constexpr std::int64_t week = 7 * day;

// Reference data of migration 1 (codes only: the tables themselves hold the labels).
struct place {
    const char* code;
    double lat, lon;
};
constexpr place neighbourhoods[] = {
    {"centre", 48.1113, -1.6800},           {"thabor", 48.1140, -1.6620},
    {"bourg-leveque", 48.1160, -1.6990},    {"saint-martin", 48.1250, -1.6800},
    {"maurepas", 48.1300, -1.6560},         {"jeanne-darc", 48.1220, -1.6390},
    {"francisco-ferrer", 48.0990, -1.6480}, {"sud-gare", 48.0960, -1.6720},
    {"cleunay", 48.1040, -1.7090},          {"villejean", 48.1230, -1.7070},
    {"le-blosne", 48.0850, -1.6560},        {"brequigny", 48.0880, -1.6890},
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

    /// An id in the format of domain::new_id ("vol_" + 16 base32 characters), drawn from this generator.
    std::string id(std::string_view prefix) {
        static constexpr char digits[] = "0123456789abcdefghjkmnpqrstvwxyz";
        std::string out(prefix);
        out += '_';
        for (int i = 0; i < 16; ++i)
            out += digits[below(32)];
        return out;
    }
    /// A tracking code's canonical form (16 Crockford base32 characters).
    std::string tracking_code() {
        static constexpr char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        std::string out;
        for (int i = 0; i < 16; ++i)
            out += digits[below(32)];
        return out;
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

struct volunteer_row {
    std::string id;
    bool active = false;
};

enum class kind { fresh, once, weekly_ongoing, weekly_ended };

struct request_plan {
    std::size_t resident = 0;
    kind k = kind::once;
    std::size_t missions = 0;
    std::int64_t created_at = 0;
};

std::string ascii_lower(std::string_view s) {
    // For email local parts: letters of the generated names, accents and blanks dropped.
    std::string out;
    for (unsigned char c : s)
        if (std::isalpha(c))
            out += static_cast<char>(std::tolower(c));
    return out;
}

std::string strings_json(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
        a.emplace_back(s);
    return json::serialize(a);
}

/// A prepared INSERT that binds positional values row after row.
class inserter {
  public:
    inserter(SQLite::Database& db, const std::string& sql) : q_(db, sql) {}
    template <class... V>
    void row(const V&... values) {
        int i = 1;
        (bind_one(i++, values), ...);
        q_.exec();
        q_.reset();
    }

  private:
    void bind_one(int i, const std::string& v) { q_.bind(i, v); }
    void bind_one(int i, const char* v) { q_.bind(i, v); }
    void bind_one(int i, std::int64_t v) { q_.bind(i, v); }
    void bind_one(int i, int v) { q_.bind(i, v); }
    void bind_one(int i, double v) { q_.bind(i, v); }
    void bind_one(int i, std::nullptr_t) { q_.bind(i); }
    void bind_one(int i, const std::optional<std::string>& v) { v ? q_.bind(i, *v) : q_.bind(i); }
    void bind_one(int i, const std::optional<std::int64_t>& v) { v ? q_.bind(i, *v) : q_.bind(i); }

    SQLite::Statement q_;
};

class seeder {
  public:
    seeder(SQLite::Database& db, const seed_options& o, std::int64_t now)
        : db_(db),
          o_(o),
          now_(now),
          g_(o.seed),
          volunteer_ins_(
              db,
              "INSERT INTO volunteer(id, first_name, last_name, email, phone, neighbourhood, lat, lon, "
              "skills, availability, languages, max_missions_per_week, status, withdrawal_reason, "
              "consent_at, consent_version, created_at, validated_at, withdrawn_at, updated_at) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
          resident_ins_(
              db,
              "INSERT INTO resident(id, first_name, last_name, phone, email, address, neighbourhood, "
              "lat, lon, isolated, reduced_mobility, visually_impaired, not_french_speaking, languages, "
              "preferred_contact, consent_at, consent_version, created_at, updated_at) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
          request_ins_(db,
                       "INSERT INTO request(id, resident_id, category, details, urgency, window_from, "
                       "window_until, recurrence, channel, status, outcome, close_reason, tracking_hash, "
                       "redispatch, redispatch_count, created_by, created_at, first_proposed_at, "
                       "first_accepted_at, first_done_at, closed_at, updated_at) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
          support_ins_(db,
                       "INSERT INTO support(id, request_id, resident_id, volunteer_id, status, created_at, "
                       "ended_at) VALUES (?,?,?,?,?,?,?)"),
          mission_ins_(
              db,
              "INSERT INTO mission(id, request_id, support_id, volunteer_id, starts_at, ends_at, status, "
              "reason, report_duration_minutes, report_outcome, proposed_by, proposed_at, expires_at, "
              "answered_at, ended_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
          event_ins_(
              db,
              "INSERT INTO event(at, actor, entity, entity_id, action, from_status, to_status, reason, "
              "data) VALUES (?,?,?,?,?,?,?,?,?)") {
        SQLite::Statement q(db, "SELECT consent_version FROM programme WHERE id = 1");
        q.executeStep();
        consent_version_ = q.getColumn(0).getString();
    }

    seed_summary run() {
        coordinator_id_ = g_.id("usr");
        volunteers();
        plan_requests();
        residents();
        requests();
        accounts();
        return sum_;
    }

  private:
    struct resident_row {
        std::string id, neighbourhood;
        std::int64_t created_at = 0;
    };

    const place& some_place() { return g_.pick(neighbourhoods); }

    void event(std::int64_t at, const std::string& actor, const char* entity, const std::string& entity_id,
               const char* action, const std::optional<std::string>& from,
               const std::optional<std::string>& to, const std::optional<std::string>& reason,
               const json::object& data) {
        event_ins_.row(at, actor, entity, entity_id, action, from, to, reason, json::serialize(data));
        ++sum_.events;
    }

    void volunteers() {
        volunteers_.reserve(o_.volunteers);
        for (std::size_t i = 0; i < o_.volunteers; ++i) {
            volunteer_row v{g_.id("vol"), false};
            const std::string first = g_.pick(first_names), last = g_.pick(last_names);
            const std::string email =
                ascii_lower(first) + "." + ascii_lower(last) + "." + std::to_string(i + 1) + "@example.org";
            const auto& p = some_place();
            const double lat = p.lat + g_.normal(0.006), lon = p.lon + g_.normal(0.009);
            std::vector<std::string> skills;
            for (std::size_t n = 1 + g_.below(4); skills.size() < n;) {
                std::string c = g_.pick(categories);
                if (std::find(skills.begin(), skills.end(), c) == skills.end())
                    skills.push_back(std::move(c));
            }
            json::array avail;
            static constexpr const char* days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
            for (std::size_t n = 1 + g_.below(5), k = 0; k < n; ++k) {
                const int start = static_cast<int>(8 + g_.below(10));
                const int len = static_cast<int>(1 + g_.below(4));
                char s[8], e[8];
                std::snprintf(s, sizeof s, "%02d:00", start);
                std::snprintf(e, sizeof e, "%02d:00", std::min(start + len, 22));
                avail.push_back(json::object{{"day", days[(i + k * 3) % 7]}, {"start", s}, {"end", e}});
            }
            std::vector<std::string> langs{"fr"};
            if (g_.chance(0.3))
                langs.emplace_back(g_.pick(languages_pool));
            const std::int64_t created = now_ - g_.between(10 * day, 300 * day);
            const auto roll = g_.below(100);
            const char* status = roll < 80   ? "active"
                                 : roll < 88 ? "registered"
                                 : roll < 95 ? "paused"
                                             : "withdrawn";
            v.active = roll < 80;
            std::optional<std::int64_t> validated, withdrawn;
            std::optional<std::string> reason;
            if (roll < 80 || roll >= 88)
                validated = created + g_.between(hour, 5 * day);
            if (roll >= 95) {
                withdrawn = *validated + g_.between(day, 5 * day);
                reason = std::string(g_.chance(0.5) ? "no_longer_available" : "back_to_work");
            }
            volunteer_ins_.row(v.id, first, last, email, g_.mobile(), std::string(p.code), lat, lon,
                               strings_json(skills), json::serialize(avail), strings_json(langs),
                               static_cast<int>(1 + g_.below(4)), status, reason, created, consent_version_,
                               created, validated, withdrawn,
                               withdrawn.value_or(validated.value_or(created)));
            event(created, "public", "volunteer", v.id, "registered", std::nullopt, "registered",
                  std::nullopt, {{"neighbourhood", p.code}});
            if (v.active)
                active_.push_back(volunteers_.size());
            volunteers_.push_back(std::move(v));
            emails_.push_back(email);
        }
        sum_.volunteers = volunteers_.size();
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
    }

    void residents() {
        // A resident appears shortly before their first request.
        std::vector<std::int64_t> first(o_.residents, now_);
        for (auto& p : plans_) {
            p.created_at = created_of(p);
            first[p.resident] = std::min(first[p.resident], p.created_at);
        }
        residents_.reserve(o_.residents);
        for (std::size_t i = 0; i < o_.residents; ++i) {
            resident_row r{g_.id("res"), "", first[i] - g_.between(60, hour)};
            const auto& p = some_place();
            r.neighbourhood = p.code;
            const std::string first_name = g_.pick(first_names), last = g_.pick(last_names);
            std::optional<std::string> email;
            if (g_.chance(0.3))
                email = ascii_lower(first_name) + "." + ascii_lower(last) + ".r" + std::to_string(i + 1) +
                        "@example.net";
            const std::string address =
                std::to_string(1 + g_.below(120)) + " " + g_.pick(streets) + ", Rennes";
            std::vector<std::string> langs{"fr"};
            const bool foreign = g_.chance(0.08);
            if (foreign)
                langs = {g_.pick(languages_pool)};
            resident_ins_.row(r.id, first_name, last, g_.mobile(), email, address, r.neighbourhood,
                              p.lat + g_.normal(0.006), p.lon + g_.normal(0.009),
                              static_cast<int>(g_.chance(0.4)), static_cast<int>(g_.chance(0.25)),
                              static_cast<int>(g_.chance(0.05)), static_cast<int>(foreign),
                              strings_json(langs), std::string(g_.chance(0.85) ? "phone" : "email"),
                              r.created_at, consent_version_, r.created_at, r.created_at);
            event(r.created_at, "public", "resident", r.id, "created", std::nullopt, std::nullopt,
                  std::nullopt, {{"neighbourhood", r.neighbourhood}});
            residents_.push_back(std::move(r));
        }
        sum_.residents = residents_.size();
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

    const std::string& pick_active() { return volunteers_[active_[g_.below(active_.size())]].id; }

    /// The volunteers of ongoing weekly supports are handed out in order, so the first active volunteers
    /// (those with accounts) all have current missions.
    const std::string& next_support_volunteer() {
        const auto& v = volunteers_[active_[next_ongoing_ % active_.size()]].id;
        ++next_ongoing_;
        return v;
    }

    void requests() {
        for (const auto& p : plans_)
            request(p);
        sum_.requests = plans_.size();
    }

    void request(const request_plan& p) {
        const auto& res = residents_[p.resident];
        const bool weekly = p.k == kind::weekly_ongoing || p.k == kind::weekly_ended;
        const std::string category = weekly ? g_.pick(weekly_categories) : g_.pick(categories);
        const char* urgency = weekly ? "week" : urgency_of(g_.below(10));
        const std::string id = g_.id("req");
        const std::string channel = g_.chance(0.55) ? "web" : g_.chance(0.9) ? "phone" : "partner";
        const std::string created_by = channel == "web" ? "public" : coordinator_id_;
        const std::int64_t created = p.created_at;
        const std::int64_t from = created + g_.between(0, day);
        const std::int64_t until = weekly ? from + 13 * week
                                          : from + (urgency == std::string_view("today") ? day
                                                    : urgency == std::string_view("48h") ? 2 * day
                                                                                         : week);
        // What happens to the request, decided by its missions below.
        std::string status = "new";
        std::optional<std::string> outcome;
        std::optional<std::int64_t> first_proposed, first_accepted, first_done, closed;
        int redispatch = 0, redispatch_count = 0;
        std::optional<std::string> support_id;
        std::string support_status;
        std::string support_volunteer;
        std::int64_t support_created = 0;
        std::optional<std::int64_t> support_ended;

        struct mission_row {
            std::string id, volunteer, status;
            std::optional<std::string> support, reason, outcome;
            std::int64_t starts = 0, ends = 0, proposed = 0;
            std::optional<std::int64_t> expires, answered, ended, duration;
        };
        std::vector<mission_row> missions;
        auto add = [&](const std::string& volunteer, std::int64_t starts, const std::string& st,
                       std::int64_t proposed) -> mission_row& {
            mission_row m;
            m.id = g_.id("mis");
            m.volunteer = volunteer;
            m.status = st;
            m.starts = starts;
            m.ends = starts + g_.between(1, 5) * 30 * 60;
            m.proposed = std::min(proposed, now_);
            first_proposed = std::min(first_proposed.value_or(m.proposed), m.proposed);
            if (st == "proposed") {
                m.expires = m.proposed + day;
            } else {
                m.answered = std::min(m.proposed + g_.between(10 * 60, 6 * hour), now_);
            }
            if (st == "done") {
                m.ended = std::min(m.ends + g_.between(10 * 60, day), now_);
                m.duration = (m.ends - m.starts) / 60;
                m.outcome = std::string(g_.chance(0.9) ? "good" : "difficult");
                first_done = std::min(first_done.value_or(*m.ended), *m.ended);
            } else if (st == "missed" || st == "cancelled") {
                m.ended = std::min(m.starts + g_.between(hour, day), now_);
                m.reason = std::string(st == "cancelled" ? "resident_cancelled" : "no_answer");
            } else if (st == "declined") {
                m.reason = std::string(g_.chance(0.6) ? "not_available" : "too_far");
            } else if (st == "dropped") {
                m.ended = m.answered;
                m.reason = std::string("no_longer_available");
            } else if (st == "expired") {
                m.answered.reset();
                m.expires = m.proposed + day;
                m.ended = m.expires;
            }
            if (st == "accepted" || st == "done" || st == "missed" || st == "dropped")
                first_accepted = std::min(first_accepted.value_or(*m.answered), *m.answered);
            missions.push_back(std::move(m));
            return missions.back();
        };
        auto open_support = [&](const std::string& volunteer, std::int64_t at) {
            support_id = g_.id("sup");
            support_volunteer = volunteer;
            support_created = at;
            support_status = "active";
        };

        if (p.k == kind::fresh) {
            if (p.missions > 0) {
                add(pick_active(), created + g_.between(day, 2 * day),
                    g_.chance(0.5) ? "declined" : "expired", created + g_.between(10 * 60, hour));
                redispatch = 1;
                redispatch_count = 1;
            }
        } else if (p.k == kind::once) {
            std::int64_t propose_at = created + g_.between(10 * 60, 4 * hour);
            if (p.missions == 2) {
                const char* first_outcome = g_.chance(0.5)   ? "declined"
                                            : g_.chance(0.5) ? "expired"
                                                             : "dropped";
                add(pick_active(), from + g_.between(0, std::max<std::int64_t>(until - from - 2 * hour, 1)),
                    first_outcome, propose_at);
                ++redispatch_count;
                propose_at += g_.between(hour, 6 * hour);
            }
            if (p.missions >= 1) {
                const std::int64_t starts =
                    from + g_.between(0, std::max<std::int64_t>(until - from - 2 * hour, 1));
                const std::string& vol = pick_active();
                if (starts > now_) {
                    if (g_.chance(0.6)) {
                        auto& m = add(vol, starts, "accepted", propose_at);
                        open_support(vol, *m.answered);
                        status = "matched";
                    } else {
                        add(vol, starts, "proposed", std::min(propose_at, now_ - g_.between(60, 12 * hour)));
                    }
                } else {
                    const auto roll = g_.below(100);
                    const char* st = roll < 88 ? "done" : roll < 92 ? "missed" : "cancelled";
                    auto& m = add(vol, starts, st, propose_at);
                    open_support(vol, *m.answered);
                    support_status = "ended";
                    support_ended = m.ended;
                    status = "closed";
                    closed = m.ended;
                    outcome = std::string(roll < 88   ? "fulfilled"
                                          : roll < 92 ? "unfulfillable"
                                                      : "cancelled");
                }
            }
        } else if (p.missions > 0) {  // (a weekly request left without missions waits in the queue)
            // A weekly support: the same volunteer every week; ongoing ones have this week's mission accepted
            // and next week's proposed, ended ones were all in the past.
            const std::string vol = p.k == kind::weekly_ongoing ? next_support_volunteer() : pick_active();
            const std::int64_t n = static_cast<std::int64_t>(p.missions);
            const std::int64_t future = p.k == kind::weekly_ongoing ? std::min<std::int64_t>(n, 2) : 0;
            const std::int64_t base = p.k == kind::weekly_ongoing ? now_ + g_.between(hour, week - hour)
                                                                  : now_ - g_.between(week, 20 * week);
            const std::int64_t first_start = base - (n - (future > 0 ? future : 1)) * week;
            for (std::int64_t k = 0; k < n; ++k) {
                const std::int64_t starts = first_start + k * week;
                const std::int64_t proposed = starts - g_.between(2 * day, 6 * day);
                std::string st;
                if (starts > now_) {
                    st = k == n - future ? "accepted" : "proposed";
                } else if (starts > now_ - day && g_.chance(0.5)) {
                    st = "accepted";  // not reported yet
                } else {
                    const auto roll = g_.below(100);
                    st = roll < 92 ? "done" : roll < 95 ? "missed" : roll < 98 ? "cancelled" : "declined";
                }
                auto& m = add(vol, starts, st, proposed);
                if (k == 0)
                    open_support(vol, m.answered.value_or(m.proposed));
            }
            status = "matched";
            if (p.k == kind::weekly_ended) {
                support_status = "ended";
                closed = std::min(missions.empty() ? created + day : missions.back().ends + day, now_);
                support_ended = closed;
                status = "closed";
                outcome = std::string("fulfilled");
            }
        }

        request_ins_.row(id, res.id, category, std::string(g_.pick(details_texts)), std::string(urgency),
                         from, until, std::string(weekly ? "weekly" : "once"), channel, status, outcome,
                         nullptr, domain::tracking_hash(g_.tracking_code()), redispatch, redispatch_count,
                         created_by, created, first_proposed, first_accepted, first_done, closed,
                         closed.value_or(created));
        event(created, created_by, "request", id, "created", std::nullopt, "new", std::nullopt,
              {{"resident_id", res.id},
               {"category", category},
               {"channel", channel},
               {"urgency", urgency},
               {"recurrence", weekly ? "weekly" : "once"},
               {"neighbourhood", res.neighbourhood}});
        if (status == "new")
            ++sum_.new_requests;
        if (support_id) {
            support_ins_.row(*support_id, id, res.id, support_volunteer, support_status, support_created,
                             support_ended);
            event(support_created, coordinator_id_, "support", *support_id, "created", std::nullopt, "active",
                  std::nullopt,
                  {{"request_id", id},
                   {"volunteer_id", support_volunteer},
                   {"resident_id", res.id},
                   {"category", category}});
            ++sum_.supports;
        }
        for (const auto& m : missions) {
            const bool in_support = support_id && m.volunteer == support_volunteer &&
                                    m.status != "declined" && m.status != "expired" && m.status != "proposed";
            const std::int64_t updated = m.ended.value_or(m.answered.value_or(m.proposed));
            mission_ins_.row(m.id, id, in_support ? support_id : std::nullopt, m.volunteer, m.starts, m.ends,
                             m.status, m.reason, m.duration, m.outcome, coordinator_id_, m.proposed,
                             m.expires, m.answered, m.ended, updated);
            json::object data{{"request_id", id},
                              {"volunteer_id", m.volunteer},
                              {"category", category},
                              {"neighbourhood", res.neighbourhood}};
            event(m.proposed, coordinator_id_, "mission", m.id, "proposed", std::nullopt, "proposed",
                  std::nullopt, data);
            if (m.status != "proposed")
                event(updated, m.status == "expired" ? "system" : coordinator_id_, "mission", m.id,
                      m.status.c_str(), std::string("proposed"), m.status, m.reason, data);
            ++sum_.missions;
        }
        if (closed)
            event(*closed, coordinator_id_, "request", id, "closed", std::string("matched"), "closed",
                  outcome, {{"category", category}});
    }

    static const char* urgency_of(std::uint64_t roll) {
        return roll < 2 ? "today" : roll < 6 ? "48h" : "week";
    }

    void accounts() {
        const std::string hash = auth::hash_password(o_.password);
        inserter users(db_,
                       "INSERT INTO users(id, email, role, password_hash, volunteer_id, created_at, "
                       "password_changed_at) VALUES (?,?,?,?,?,?,?)");
        const std::int64_t at = now_ - 30 * day;
        sum_.coordinator_email = "coordinator@bench.relais.test";
        users.row(coordinator_id_, sum_.coordinator_email, "coordinator", hash, nullptr, at, at);
        for (std::size_t i = 0; i < o_.accounts && i < active_.size(); ++i) {
            const auto& v = volunteers_[active_[i]];
            users.row(g_.id("usr"), emails_[active_[i]], "volunteer", hash, v.id, at, at);
            sum_.volunteer_emails.push_back(emails_[active_[i]]);
        }
        sum_.accounts = 1 + sum_.volunteer_emails.size();
    }

    SQLite::Database& db_;
    const seed_options& o_;
    std::int64_t now_;
    generator g_;
    std::string consent_version_;
    std::string coordinator_id_;
    std::vector<volunteer_row> volunteers_;
    std::vector<std::string> emails_;
    std::vector<std::size_t> active_;
    std::vector<request_plan> plans_;
    std::vector<resident_row> residents_;
    std::size_t next_ongoing_ = 0;
    seed_summary sum_;
    inserter volunteer_ins_, resident_ins_, request_ins_, support_ins_, mission_ins_, event_ins_;
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
    {
        SQLite::Statement q(db,
                            "SELECT (SELECT COUNT(*) FROM volunteer) + (SELECT COUNT(*) FROM resident) + "
                            "(SELECT COUNT(*) FROM request) + (SELECT COUNT(*) FROM users)");
        q.executeStep();
        if (q.getColumn(0).getInt64() != 0)
            throw std::runtime_error(
                "the database already holds people, requests or accounts; seed only a new one");
    }
    // Bulk load: nothing is acknowledged to anyone until the end, so the journal need not be synced on the
    // way (a crash leaves the database as it was: one transaction).
    db.exec("PRAGMA synchronous=OFF");
    db.exec("PRAGMA cache_size=-262144");
    db.exec("PRAGMA foreign_keys=ON");
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    seeder s(db, opts, now);
    auto sum = s.run();
    tx.commit();
    db.exec("PRAGMA synchronous=FULL");
    db.exec("ANALYZE");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");

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
        "usage: relais seed --db PATH [--volunteers N] [--residents N] [--missions N] [--seed S] [--accounts "
        "N]\n"
        "                   [--password P]\n"
        "  fills a NEW database with generated data for benchmarks (never a production database);\n"
        "  the accounts' password is written to PATH.accounts\n";
    command_line cl("seed", args,
                    {"db", "volunteers", "residents", "missions", "seed", "accounts", "password"}, usage, out,
                    err);
    if (cl.stop())
        return cl.exit_code();
    seed_options o;
    o.db = cl.get("db").value_or("");
    o.password = cl.get("password").value_or(o.password);
    if (!cl.number("volunteers", o.volunteers, 0, 10'000'000) ||
        !cl.number("residents", o.residents, 0, 10'000'000) ||
        !cl.number("missions", o.missions, 0, 100'000'000) || !cl.number("seed", o.seed, 0, UINT64_MAX) ||
        !cl.number("accounts", o.accounts, 0, 1'000'000))
        return cl.exit_code();
    if (o.db.empty())
        return cl.fail("--db is required");
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
