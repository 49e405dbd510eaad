#pragma once

#include "domain/city_time.hpp"

// A migrated temporary database and short-hands to write a season through the domain functions (which append
// the events the statistics follow), for the statistics tests.

#include "core/error.hpp"
#include "domain/ids.hpp"
#include "domain/missions.hpp"
#include "domain/requests.hpp"
#include "domain/stats_recorder.hpp"
#include "domain/supports.hpp"
#include "domain/time_format.hpp"
#include "domain/volunteers.hpp"
#include "stats/facts.hpp"
#include "stats/summary_query.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"
#include "support/demo_map.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

namespace relais::stats_test {

using namespace relais::domain;

inline std::int64_t at(const char* iso) {
    return *parse_iso8601(iso);
}
inline actor coordinator() {
    return {"usr_coordinator", "coordinator"};
}

struct season_db {
    relais::testing::temp_dir dir;
    SQLite::Database db;
    /// The calendar of the weeks: Paris by default (weeks start at 23:00 or 22:00 UTC on Sundays).
    relais::domain::city_time city{"Europe/Paris"};

    season_db() : db(open(dir)) {}

    static SQLite::Database open(const relais::testing::temp_dir& d) {
        relais::testing::migrate_with_demo_map(d.file("s.db"));
        return relais::store::open_writer(d.file("s.db"), relais::store::sync_mode::normal);
    }

    /// Runs `f` as the store's writer runs a job: in a savepoint rolled back if it throws. True if it did
    /// not.
    bool job(const std::function<void()>& f) {
        db.exec("SAVEPOINT job");
        try {
            f();
        } catch (const relais::error&) {
            db.exec("ROLLBACK TO job");
            db.exec("RELEASE job");
            return false;
        }
        db.exec("RELEASE job");
        return true;
    }

    std::string volunteer(const std::string& email, const std::string& neighbourhood, std::int64_t when,
                          int max_per_week = 14) {
        volunteer_input in;
        in.first_name = "Alix";
        in.last_name = "Test";
        in.email = email;
        in.phone = "+33600000000";
        in.neighbourhood = neighbourhood;
        in.skills = {"shopping", "medicines", "friendly_call", "walk"};
        in.availability = {{0, 9 * 60, 18 * 60}};
        in.languages = {"fr"};
        in.max_missions_per_week = max_per_week;
        return register_volunteer(db, in, "$argon2id$not-a-real-hash", when, public_actor());
    }

    /// A request; a new resident in `neighbourhood` unless `resident_id` is given. Its tracking code is kept.
    created_request request(const std::string& category, const std::string& channel,
                            const std::string& recurrence, std::int64_t when,
                            const std::string& neighbourhood,
                            const std::optional<std::string>& resident_id = std::nullopt) {
        request_input in;
        if (resident_id) {
            in.resident_id = resident_id;
        } else {
            resident_input r;
            r.first_name = "Habitant";
            r.last_name = "Test";
            r.phone = "+33611111111";
            r.address = "1 rue du Test";
            r.neighbourhood = neighbourhood;
            in.resident = r;
        }
        in.category = category;
        in.details = "";
        in.urgency = "48h";
        in.recurrence = recurrence;
        in.channel = channel;
        in.window_from = when;
        in.window_until = when + 60 * 86400;
        return create_request(db, in, when, channel == "web" ? public_actor() : coordinator());
    }

    std::string propose(const std::string& request_id, const std::string& volunteer_id, std::int64_t starts,
                        std::int64_t when) {
        return propose_mission(db, request_id, volunteer_id, starts, starts + 3600, when, coordinator());
    }

    void complete(const std::string& mission_id, std::int64_t when, bool welfare = false) {
        complete_mission(db, mission_id, mission_report{60, "good", welfare, std::nullopt}, when,
                         coordinator());
    }

    /// The request's proposed mission (the next week's, proposed automatically), or "".
    std::string proposed_of(const std::string& request_id) {
        SQLite::Statement q(db, "SELECT id FROM mission WHERE request_id = ? AND status = 'proposed'");
        q.bind(1, request_id);
        return q.executeStep() ? q.getColumn(0).getString() : std::string();
    }

    std::string support_of(const std::string& request_id) {
        auto s = active_support(db, request_id);
        REQUIRE(s.has_value());
        return s->id;
    }

    stats::summary fast(const stats::period& p) { return stats::compute_summary(db, p, city); }
    stats::summary oracle(const stats::period& p) {
        return stats::aggregate(stats::facts_from_log(db), p, city);
    }

    /// Every row of the statistics tables, as text.
    std::string stat_tables() {
        std::string out;
        for (const char* t :
             {"stat_meta", "stat_volunteer", "stat_request", "stat_day", "stat_occurrence", "stat_gap"}) {
            out += std::string("[") + t + "]\n";
            SQLite::Statement q(db, std::string("SELECT * FROM ") + t);
            std::vector<std::string> rows;
            while (q.executeStep()) {
                std::string row;
                for (int i = 0; i < q.getColumnCount(); ++i)
                    row += (q.getColumn(i).isNull() ? std::string("NULL") : q.getColumn(i).getString()) + "|";
                rows.push_back(std::move(row));
            }
            std::sort(rows.begin(), rows.end());
            for (const auto& r : rows)
                out += r + "\n";
        }
        return out;
    }
};

}  // namespace relais::stats_test
