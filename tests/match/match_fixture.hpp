#pragma once

// Set-up of the matching tests that need a database: a migrated temporary database opened like the writer
// opens it, and builders for volunteers and requests at chosen places and times through the domain functions.

#include "domain/missions.hpp"
#include "domain/programme.hpp"
#include "domain/requests.hpp"
#include "domain/supports.hpp"
#include "domain/time_format.hpp"
#include "domain/volunteers.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"
#include "support/demo_map.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <functional>
#include <string>

namespace relais::match_test {

using namespace relais::domain;

inline std::int64_t at(const char* iso) {
    return *parse_iso8601(iso);
}
/// Monday 23 November 2026, 09:00 in Rennes: the tests' "now".
inline std::int64_t t0() {
    return at("2026-11-23T08:00:00Z");
}
constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;
constexpr double centre_lat = 48.1113, centre_lon = -1.6800;
constexpr double km_lat = 1.0 / 111.195;

inline actor coordinator() {
    return {"usr_coordinator", "coordinator"};
}

struct volunteer_spec {
    double km_north = 0.5;  ///< from the centre
    std::vector<std::string> skills{"shopping"};
    std::vector<availability_slot> availability{{0, 13 * 60, 18 * 60}, {1, 13 * 60, 18 * 60}};  // Mon, Tue
    int max_per_week = 3;
    std::string status = "active";
};

struct request_spec {
    std::string category = "shopping";
    std::string recurrence = "once";
    std::string urgency = "48h";
    std::int64_t from = t0() + 5 * hour;   // Monday 14:00 local
    std::int64_t until = t0() + 9 * hour;  // Monday 18:00 local
};

struct match_db {
    relais::testing::temp_dir dir;
    SQLite::Database db;
    int emails = 0;

    match_db() : db(open(dir)) {}

    static SQLite::Database open(const relais::testing::temp_dir& d) {
        relais::testing::migrate_with_demo_map(d.file("m.db"));
        return relais::store::open_writer(d.file("m.db"), relais::store::sync_mode::normal);
    }

    std::string volunteer(const volunteer_spec& s = {}) {
        volunteer_input in;
        in.first_name = "Volunteer";
        in.last_name = "Test";
        in.email = "v" + std::to_string(++emails) + "@example.org";
        in.phone = "+33600000000";
        in.neighbourhood = "centre";
        in.location = geo{centre_lat + s.km_north * km_lat, centre_lon};
        in.skills = s.skills;
        in.availability = s.availability;
        in.languages = {"fr"};
        in.max_missions_per_week = s.max_per_week;
        auto id = register_volunteer(db, in, "$argon2id$not-a-real-hash", t0() - 90 * day, public_actor());
        if (s.status != "registered")
            activate_volunteer(db, id, t0() - 89 * day, coordinator());
        if (s.status == "paused")
            pause_volunteer(db, id, t0() - 88 * day, coordinator());
        return id;
    }

    std::string request(const request_spec& s = {}) {
        request_input in;
        resident_input r;
        r.first_name = "Resident";
        r.last_name = "Test";
        r.phone = "+33611111111";
        r.address = "1 place de la Mairie";
        r.neighbourhood = "centre";
        r.location = geo{centre_lat, centre_lon};
        in.resident = r;
        in.category = s.category;
        in.details = "";
        in.urgency = s.urgency;
        in.recurrence = s.recurrence;
        in.channel = "phone";
        in.window_from = s.from;
        in.window_until = s.until;
        return create_request(db, in, t0() - hour, coordinator()).id;
    }

    void programme(bool auto_dispatch, int ttl_minutes = 60) {
        programme_patch p;
        p.auto_dispatch = auto_dispatch;
        p.proposal_ttl_minutes = ttl_minutes;
        patch_programme(db, p, t0() - 100 * day, coordinator());
    }

    /// Runs `f` the way the store's writer runs a job: inside a savepoint rolled back if `f` throws.
    template <class F>
    auto job(F&& f) {
        db.exec("SAVEPOINT job");
        try {
            if constexpr (std::is_void_v<decltype(f())>) {
                f();
                db.exec("RELEASE job");
            } else {
                auto r = f();
                db.exec("RELEASE job");
                return r;
            }
        } catch (...) {
            db.exec("ROLLBACK TO job");
            db.exec("RELEASE job");
            throw;
        }
    }

    long count(const std::string& sql) { return db.execAndGet(sql).getInt64(); }

    long missions_of(const std::string& request_id, const std::string& volunteer_id) {
        SQLite::Statement q(db, "SELECT COUNT(*) FROM mission WHERE request_id = ? AND volunteer_id = ?");
        q.bind(1, request_id);
        q.bind(2, volunteer_id);
        q.executeStep();
        return q.getColumn(0).getInt64();
    }

    /// The request's proposed or accepted mission, if any: (mission id, volunteer id).
    std::optional<std::pair<std::string, std::string>> live_mission(const std::string& request_id) {
        SQLite::Statement q(db,
                            "SELECT id, volunteer_id FROM mission WHERE request_id = ? "
                            "AND status IN ('proposed','accepted') ORDER BY seq DESC LIMIT 1");
        q.bind(1, request_id);
        if (!q.executeStep())
            return std::nullopt;
        return std::pair{q.getColumn(0).getString(), q.getColumn(1).getString()};
    }
};

}  // namespace relais::match_test
