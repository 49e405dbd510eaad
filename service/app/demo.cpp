#include "app/demo.hpp"

#include "auth/password.hpp"
#include "domain/ids.hpp"
#include "domain/missions.hpp"
#include "domain/partners.hpp"
#include "domain/requests.hpp"
#include "domain/supports.hpp"
#include "domain/volunteers.hpp"
#include "store/connection.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace relais::app {

namespace {

constexpr const char* demo_password = "relais-demo-2026";

struct volunteer_seed {
    const char* first;
    const char* last;
    const char* neighbourhood;
    std::vector<std::string> skills;
    const char* status;  // registered, active, paused, withdrawn
    const char* withdrawal_reason;
};

const std::vector<volunteer_seed> volunteer_seeds{
    {"Camille", "Durand", "centre", {"shopping", "medicines", "walk"}, "active", nullptr},
    {"Yann", "Le Bihan", "maurepas", {"shopping", "admin", "digital"}, "active", nullptr},
    {"Sophie", "Martin", "thabor", {"friendly_call", "reading", "books"}, "active", nullptr},
    {"Karim", "Benali", "villejean", {"digital", "admin", "language"}, "active", nullptr},
    {"Nolwenn", "Guégan", "le-blosne", {"shopping", "medicines", "appointment"}, "active", nullptr},
    {"Lucas", "Morel", "sud-gare", {"walk", "friendly_call", "schooling"}, "active", nullptr},
    {"Awa", "Diallo", "brequigny", {"language", "schooling", "friendly_call"}, "active", nullptr},
    {"Pierre", "Lemoine", "cleunay", {"shopping", "books", "medicines"}, "active", nullptr},
    {"Maëlle", "Rolland", "jeanne-darc", {"appointment", "walk", "admin"}, "active", nullptr},
    {"Thomas", "Garnier", "francisco-ferrer", {"digital", "shopping"}, "active", nullptr},
    {"Inès", "Roux", "saint-martin", {"reading", "friendly_call"}, "active", nullptr},
    {"Erwan", "Le Gall", "bourg-leveque", {"shopping", "walk", "medicines"}, "active", nullptr},
    {"Chloé", "Bernard", "centre", {"admin", "digital"}, "registered", nullptr},
    {"Hugo", "Petit", "maurepas", {"shopping"}, "registered", nullptr},
    {"Léa", "Fontaine", "villejean", {"friendly_call", "language"}, "registered", nullptr},
    {"Mathis", "Robin", "le-blosne", {"walk", "shopping"}, "paused", nullptr},
    {"Zoé", "Chevalier", "thabor", {"books", "reading"}, "paused", nullptr},
    {"Julien", "Faure", "sud-gare", {"shopping"}, "withdrawn", "back_to_work"},
    {"Emma", "Perrin", "cleunay", {"walk"}, "withdrawn", "health"},
    {"Louis", "Masson", "brequigny", {"admin"}, "withdrawn", "no_news"},
};

struct resident_seed {
    const char* first;
    const char* last;
    const char* address;
    const char* neighbourhood;
    const char* category;
    const char* urgency;
    const char* channel;
    const char* recurrence;
    const char* details;
};

const std::vector<resident_seed> resident_seeds{
    {"Marcelle", "Hervé", "12 rue de Brest", "centre", "shopping", "48h", "phone", "once",
     "Courses de la semaine : pain, lait, fruits. Habite au 3e sans ascenseur."},
    {"Jean", "Lebreton", "4 square de Cucillé", "maurepas", "medicines", "today", "phone", "once",
     "Ordonnance à retirer à la pharmacie du quartier."},
    {"Odile", "Cadiou", "27 boulevard de Sévigné", "thabor", "friendly_call", "week", "web", "weekly",
     "Vit seule depuis le décès de son mari, aimerait parler un peu chaque semaine."},
    {"Fatou", "Ndiaye", "8 rue de Bourgogne", "villejean", "admin", "week", "web", "once",
     "Aide pour remplir un dossier de la CAF."},
    {"René", "Quéré", "15 avenue de Rochester", "le-blosne", "appointment", "48h", "phone", "once",
     "Rendez-vous chez le cardiologue jeudi, ne peut pas y aller seul."},
    {"Yvonne", "Le Moal", "3 place Sainte-Anne", "centre", "books", "week", "web", "once",
     "Livres en gros caractères à la bibliothèque des Champs Libres."},
    {"Ahmed", "Haddad", "21 rue Vaneau", "jeanne-darc", "language", "week", "partner", "weekly",
     "Souhaite pratiquer le français à l'oral."},
    {"Germaine", "Tanguy", "9 rue de Châtillon", "sud-gare", "walk", "week", "phone", "weekly",
     "Promenade au parc des Gayeulles si le temps le permet."},
    {"Paul", "Kervella", "40 rue de Redon", "cleunay", "digital", "48h", "web", "once",
     "Installer la visio pour appeler ses petits-enfants."},
    {"Simone", "Riou", "6 allée de Finlande", "brequigny", "reading", "week", "phone", "weekly",
     "Malvoyante : lecture du courrier et du journal."},
    {"Bernard", "Guillou", "2 rue de Saint-Malo", "saint-martin", "shopping", "today", "phone", "once",
     "Sort de l'hôpital, frigo vide."},
    {"Lucienne", "Prigent", "18 rue de Lorient", "cleunay", "medicines", "48h", "web", "once",
     "Renouvellement d'ordonnance."},
};

std::string hash(const std::string& pw) { return auth::hash_password(pw); }

void insert_user(SQLite::Database& db, const std::string& email, const char* role, const std::string& pw_hash,
                 const std::string& partner_id, std::int64_t now) {
    SQLite::Statement u(db,
                        "INSERT INTO users(id, email, role, password_hash, partner_id, created_at, password_changed_at) "
                        "VALUES (?,?,?,?,?,?,?)");
    u.bind(1, domain::new_id("usr"));
    u.bind(2, email);
    u.bind(3, role);
    u.bind(4, pw_hash);
    if (!partner_id.empty())
        u.bind(5, partner_id);
    u.bind(6, static_cast<std::int64_t>(now));
    u.bind(7, static_cast<std::int64_t>(now));
    u.exec();
}

}  // namespace

std::vector<demo_login> seed_demo_if_empty(const std::string& path, std::int64_t now) {
    auto db = store::open_writer(path, store::sync_mode::full);
    if (db.execAndGet("SELECT COUNT(*) FROM volunteer").getInt() > 0 ||
        db.execAndGet("SELECT COUNT(*) FROM users").getInt() > 0)
        return {};
    const std::string pw_hash = hash(demo_password);
    const domain::actor staff{"demo", "coordinator"};
    const std::int64_t day = 86400;
    // The demo season started three weeks ago; everything below happened since then.
    const std::int64_t start = now - 21 * day;

    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec("UPDATE programme SET name = 'Volontaires Solidaires (démo)', starts_on = date('now', '-21 days')");

    const auto partner = domain::create_partner(db, "Banque Alimentaire d'Ille-et-Vilaine", "food_bank",
                                                std::string("contact@banque-alimentaire.demo"), std::nullopt, start, staff);
    insert_user(db, "admin@relais.demo", "admin", pw_hash, "", start);
    insert_user(db, "coordination@relais.demo", "coordinator", pw_hash, "", start);
    insert_user(db, "partenaire@relais.demo", "partner", pw_hash, partner, start);

    std::vector<std::string> active;
    int n = 0;
    for (const auto& s : volunteer_seeds) {
        domain::volunteer_input in;
        in.first_name = s.first;
        in.last_name = s.last;
        in.email = n == 0 ? "benevole@relais.demo" : "benevole" + std::to_string(n) + "@relais.demo";
        in.phone = "+3361234" + std::to_string(5000 + n);
        in.neighbourhood = s.neighbourhood;
        in.skills = s.skills;
        // Weekday mornings and one afternoon; weekends for some.
        in.availability = {{0, 9 * 60, 12 * 60}, {2, 14 * 60, 18 * 60}, {4, 9 * 60, 17 * 60}};
        if (n % 3 == 0)
            in.availability.push_back({5, 10 * 60, 16 * 60});
        in.languages = n % 4 == 3 ? std::vector<std::string>{"fr", "ar"} : std::vector<std::string>{"fr", "en"};
        in.max_missions_per_week = 2 + n % 3;
        const std::int64_t t = start + (n % 15) * 3600 * 20;
        auto id = domain::register_volunteer(db, in, pw_hash, t, domain::public_actor());
        const std::string status = s.status;
        if (status != "registered")
            domain::activate_volunteer(db, id, t + day, staff);
        if (status == "paused")
            domain::pause_volunteer(db, id, t + 5 * day, staff);
        if (status == "withdrawn")
            domain::withdraw_volunteer(db, id, s.withdrawal_reason, std::nullopt, t + 9 * day, staff);
        if (status == "active")
            active.push_back(id);
        ++n;
    }

    // Requests. Times: created over the last two weeks; windows in the coming days.
    std::vector<std::string> requests;
    for (std::size_t i = 0; i < resident_seeds.size(); ++i) {
        const auto& s = resident_seeds[i];
        domain::request_input in;
        domain::resident_input r;
        r.first_name = s.first;
        r.last_name = s.last;
        r.phone = "+3329900" + std::to_string(1000 + i);
        r.address = s.address;
        r.neighbourhood = s.neighbourhood;
        r.needs.isolated = i % 2 == 0;
        r.needs.reduced_mobility = i % 3 == 0;
        r.needs.visually_impaired = std::string(s.category) == "reading";
        r.needs.not_french_speaking = std::string(s.category) == "language";
        in.resident = r;
        in.category = s.category;
        in.details = s.details;
        in.urgency = s.urgency;
        in.recurrence = s.recurrence;
        in.channel = s.channel;
        if (in.channel == "partner")
            in.partner_id = partner;
        const std::int64_t created = now - (14 - static_cast<std::int64_t>(i)) * day;  // request i: i days later
        in.window_from = created + day;
        in.window_until = now + 10 * day;
        auto who = in.channel == "web" ? domain::public_actor() : staff;
        requests.push_back(domain::create_request(db, in, created, who).id);
    }

    // Missions in various states. Every event happens before `now`, in a plausible order.
    auto slot = [&](std::int64_t base, int hour) { return base - base % day + hour * 3600; };
    auto mission = [&](std::size_t req, std::size_t vol, std::int64_t when, int hour, std::int64_t proposed_at) {
        return domain::propose_mission(db, requests[req], active[vol], slot(when, hour), slot(when, hour) + 5400,
                                       proposed_at, staff);
    };
    const domain::actor volunteer{"demo", "volunteer"};
    auto done_at = [&](const std::string& id) { return domain::load_mission(db, id).ends_at + 3600; };
    const domain::mission_report good{60, "good", false, std::nullopt};
    // Shopping, done last week (the request is closed, fulfilled).
    auto m0 = mission(0, 0, now - 6 * day, 10, now - 8 * day);
    domain::accept_mission(db, m0, now - 7 * day, volunteer);
    domain::complete_mission(db, m0, good, done_at(m0), volunteer);
    // Medicines: declined once, then accepted by another volunteer (upcoming).
    auto m1 = mission(1, 4, now + day, 15, now - 2 * day);
    domain::decline_mission(db, m1, "not_available", std::nullopt, now - day, volunteer);
    auto m1b = mission(1, 7, now + day, 16, now - day + 3600);
    domain::accept_mission(db, m1b, now - 2 * 3600, volunteer);
    // Weekly friendly call: two weeks done (the second raised a welfare concern); the next week is proposed.
    auto m2 = mission(2, 2, now - 11 * day, 17, now - 12 * day + 2 * 3600);
    domain::accept_mission(db, m2, now - 12 * day + 5 * 3600, volunteer);
    domain::complete_mission(db, m2, {45, "good", false, std::nullopt}, done_at(m2), volunteer);
    {
        SQLite::Statement q(db, "SELECT id FROM mission WHERE request_id = ? AND status = 'proposed'");
        q.bind(1, requests[2]);
        std::string next;
        if (q.executeStep())
            next = q.getColumn(0).getString();
        if (!next.empty()) {
            domain::accept_mission(db, next, domain::load_mission(db, next).proposed_at + 3600, volunteer);
            domain::complete_mission(db, next,
                                     {50, "difficult", true, std::string("Semble très fatiguée, parle de chutes. À rappeler.")},
                                     done_at(next), volunteer);
        }
    }
    // Administrative help accepted, upcoming.
    auto m3 = mission(3, 3, now + 2 * day, 14, now - 3 * day);
    domain::accept_mission(db, m3, now - 2 * day, volunteer);
    // Appointment proposed to the demo volunteer, waiting for an answer.
    mission(4, 0, now + 3 * day, 9, now - 2 * 3600);
    // Computer help dropped by its volunteer: back in the queue, flagged.
    auto m8 = mission(8, 9, now + 2 * day, 10, now - 5 * day);
    domain::accept_mission(db, m8, now - 4 * day, volunteer);
    domain::drop_mission(db, m8, "emergency", std::nullopt, now - day, volunteer);
    // Urgent shopping done yesterday.
    auto m10 = mission(10, 11, now - day, 9, now - 3 * day);
    domain::accept_mission(db, m10, now - 3 * day + 3600, volunteer);
    domain::complete_mission(db, m10, good, done_at(m10), volunteer);
    // Cancelled by the resident.
    domain::close_request(db, requests[11], "cancelled", std::string("resident_cancelled"), now - 2 * day,
                          domain::resident_actor());

    // A collective mission of the partner, half full.
    domain::collective_input c;
    c.partner_id = partner;
    c.title = "Collecte nationale : accueil en magasin";
    c.description = "Accueillir les clients et trier les dons à l'entrée du magasin.";
    c.place = "Centre commercial Alma";
    c.neighbourhood = "brequigny";
    c.starts_at = slot(now + 4 * day, 9);
    c.ends_at = slot(now + 4 * day, 13);
    c.capacity = 6;
    auto col = domain::create_collective(db, c, now - 2 * day, staff);
    for (std::size_t i = 5; i < 8; ++i)
        domain::signup_collective(db, col, active[i], now - day, {"demo", "volunteer"});
    tx.commit();

    return {{"admin", "admin@relais.demo", demo_password},
            {"coordinator", "coordination@relais.demo", demo_password},
            {"partner", "partenaire@relais.demo", demo_password},
            {"volunteer", "benevole@relais.demo", demo_password}};
}

}  // namespace relais::app
