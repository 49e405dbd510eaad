#pragma once

// Shared set-up of the domain unit tests: a migrated temporary database opened like the writer opens it,
// builders for volunteers, requests and missions through the domain functions, and a snapshot of every
// table to prove that a refused operation left nothing behind.

#include "core/error.hpp"
#include "domain/events.hpp"
#include "domain/missions.hpp"
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
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

namespace relais::domain_test {

using namespace relais::domain;

/// Monday 23 November 2026, 08:00 UTC: the tests' "now".
inline std::int64_t t0() {
    return *parse_iso8601("2026-11-23T08:00:00Z");
}
constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;

inline actor coordinator() {
    return {"usr_coordinator", "coordinator"};
}

/// Personal data planted in every record the fixture creates, so a test can look for it in the event log.
struct planted {
    static constexpr const char* resident_first = "Zephyrine";
    static constexpr const char* resident_last = "Quatremarre";
    static constexpr const char* resident_phone = "+33611223344";
    static constexpr const char* resident_email = "zephyrine.q@example.org";
    static constexpr const char* resident_address = "12 rue Secretement Cachee";
    static constexpr const char* volunteer_first = "Barnabeus";
    static constexpr const char* volunteer_last = "Ollivandre";
    static constexpr const char* volunteer_phone = "+33699887766";
};

/// A migrated database in a temporary folder, opened like the writer opens it (WAL, foreign keys).
struct domain_db {
    relais::testing::temp_dir dir;
    SQLite::Database db;
    int emails = 0;

    domain_db() : db(open(dir)) {}

    static SQLite::Database open(const relais::testing::temp_dir& d) {
        relais::testing::migrate_with_demo_map(d.file("d.db"));
        return relais::store::open_writer(d.file("d.db"), relais::store::sync_mode::normal);
    }

    /// Registers a volunteer (and activates them unless `status` says otherwise). Skills cover every
    /// category.
    std::string volunteer(const std::string& status = "active", int max_per_week = 14) {
        volunteer_input in;
        in.first_name = planted::volunteer_first;
        in.last_name = planted::volunteer_last;
        in.email = "volunteer" + std::to_string(++emails) + "@example.org";
        in.phone = planted::volunteer_phone;
        in.neighbourhood = "centre";
        in.skills = {"shopping", "friendly_call", "walk"};
        in.availability = {{0, 9 * 60, 12 * 60}};
        in.languages = {"fr"};
        in.max_missions_per_week = max_per_week;
        auto id = register_volunteer(db, in, "$argon2id$not-a-real-hash", t0() - 30 * day, public_actor());
        if (status != "registered")
            activate_volunteer(db, id, t0() - 29 * day, coordinator());
        if (status == "paused")
            pause_volunteer(db, id, t0() - 28 * day, coordinator());
        if (status == "withdrawn")
            withdraw_volunteer(db, id, "moved", std::nullopt, t0() - 28 * day, coordinator());
        return id;
    }

    /// A request from a new resident (who asked to be contacted that way, if given). Its tracking code is
    /// stored in `last_tracking_code`.
    std::string request(const std::string& recurrence = "once", const std::string& category = "shopping",
                        const std::string& preferred_contact = "") {
        request_input in;
        resident_input r;
        r.first_name = planted::resident_first;
        r.last_name = planted::resident_last;
        r.phone = planted::resident_phone;
        r.email = planted::resident_email;
        r.address = planted::resident_address;
        r.neighbourhood = "maurepas";
        if (!preferred_contact.empty())
            r.preferred_contact = preferred_contact;
        in.resident = r;
        in.category = category;
        in.details = "Courses pour Zephyrine au 12 rue Secretement Cachee";
        in.urgency = "48h";
        in.recurrence = recurrence;
        in.channel = "web";
        in.window_from = t0();
        in.window_until = t0() + 60 * day;
        auto created = create_request(db, in, t0() - 2 * day, public_actor());
        last_tracking_code = created.tracking_code;
        return created.id;
    }
    std::string last_tracking_code;

    /// Proposes a mission in [starts, starts + 1h).
    std::string propose(const std::string& request_id, const std::string& volunteer_id, std::int64_t starts,
                        std::int64_t now = t0()) {
        return propose_mission(db, request_id, volunteer_id, starts, starts + hour, now, coordinator());
    }

    std::string mission_status(const std::string& id) { return load_mission(db, id).status; }

    long count(const std::string& sql) { return db.execAndGet(sql).getInt64(); }

    /// Every row of every table, as text: equal snapshots mean nothing was written.
    std::string snapshot() {
        std::string out;
        std::vector<std::string> tables;
        {
            SQLite::Statement t(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
            while (t.executeStep())
                tables.push_back(t.getColumn(0).getString());
        }
        for (const auto& name : tables) {
            out += "[" + name + "]\n";
            // Rows sorted as text: some tables have no rowid to order by.
            SQLite::Statement q(db, "SELECT * FROM \"" + name + "\"");
            std::vector<std::string> rows;
            while (q.executeStep()) {
                std::string row;
                for (int i = 0; i < q.getColumnCount(); ++i)
                    row += (q.getColumn(i).isNull() ? std::string("NULL") : q.getColumn(i).getString()) + "|";
                rows.push_back(std::move(row));
            }
            std::sort(rows.begin(), rows.end());
            for (const auto& row : rows)
                out += row + "\n";
        }
        return out;
    }

    /// Runs `f` the way the store's writer runs a job: inside a savepoint that is rolled back if `f` throws.
    void job(const std::function<void()>& f) {
        db.exec("SAVEPOINT job");
        try {
            f();
        } catch (...) {
            db.exec("ROLLBACK TO job");
            db.exec("RELEASE job");
            throw;
        }
        db.exec("RELEASE job");
    }

    /// Events of one entity, in order, as "action:from>to:reason".
    std::vector<std::string> events(const std::string& entity, const std::string& id) {
        SQLite::Statement q(
            db,
            "SELECT action, COALESCE(from_status,''), COALESCE(to_status,''), COALESCE(reason,'') "
            "FROM event WHERE entity = ? AND entity_id = ? ORDER BY seq");
        q.bind(1, entity);
        q.bind(2, id);
        std::vector<std::string> out;
        while (q.executeStep())
            out.push_back(q.getColumn(0).getString() + ":" + q.getColumn(1).getString() + ">" +
                          q.getColumn(2).getString() + ":" + q.getColumn(3).getString());
        return out;
    }
};

/// Runs `f`, which must throw relais::error of `kind`; returns its detail ("" if it did not throw).
inline std::string refused(error_kind kind, const std::function<void()>& f) {
    try {
        f();
    } catch (const relais::error& e) {
        CHECK_MESSAGE(e.kind() == kind, e.detail());
        return e.detail().empty() ? std::string("(empty detail)") : e.detail();
    }
    FAIL_CHECK("the operation was not refused");
    return "";
}

inline bool has(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace relais::domain_test
