#include "store/migrations.hpp"
#include "notify/preferences.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"
#include "support/demo_map.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>

using namespace relais::store;

namespace {
constexpr migration test_steps[] = {
    {1, "one", "CREATE TABLE a (x INTEGER);"},
    {2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);"},
};
constexpr migration broken_steps[] = {
    {1, "one", "CREATE TABLE a (x INTEGER);"},
    {2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);"},
    {3, "broken", "CREATE TABLE c (z INTEGER); THIS IS NOT SQL;"},
};

/// A writer on a new database whose schema stands just before migration `version`, for that migration's test.
SQLite::Database database_before(const relais::testing::temp_dir& dir, const char* file, int version) {
    const auto all = schema_migrations();
    REQUIRE(all.size() >= static_cast<std::size_t>(version));
    REQUIRE(all[version - 1].version == version);
    auto db = open_writer(dir.file(file), sync_mode::full);
    apply_migrations(db, all.first(version - 1));
    return db;
}

/// SQLite's plan for `sql`, one line per step ("SEARCH outbox USING INDEX ...").
std::string query_plan(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement q(db, "EXPLAIN QUERY PLAN " + sql);
    std::string out;
    while (q.executeStep())
        out += q.getColumn(3).getString() + "\n";
    return out;
}
}  // namespace

TEST_CASE("migrations apply in order, once, and are recorded") {
    relais::testing::temp_dir dir;
    auto db = open_writer(dir.file("m.db"), sync_mode::full);
    CHECK(schema_version(db) == 0);
    CHECK(apply_migrations(db, std::span(test_steps).first(1)) == 1);
    CHECK(schema_version(db) == 1);
    CHECK(apply_migrations(db, test_steps) == 1);
    CHECK(schema_version(db) == 2);
    CHECK(apply_migrations(db, test_steps) == 0);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM a").getInt() == 1);
}

TEST_CASE("a failing migration leaves the database at the previous version") {
    relais::testing::temp_dir dir;
    auto db = open_writer(dir.file("m.db"), sync_mode::full);
    CHECK_THROWS(apply_migrations(db, broken_steps));
    CHECK(schema_version(db) == 2);
    CHECK_FALSE(db.tableExists("c"));
}

TEST_CASE("a database newer than the binary is refused untouched") {
    relais::testing::temp_dir dir;
    auto db = open_writer(dir.file("m.db"), sync_mode::full);
    apply_migrations(db, test_steps);
    CHECK_THROWS_AS(apply_migrations(db, std::span(test_steps).first(1)), schema_too_new);
    CHECK(schema_version(db) == 2);
}

TEST_CASE("the real schema applies to an empty database and is WAL with foreign keys") {
    relais::testing::temp_dir dir;
    auto db = open_writer(dir.file("real.db"), sync_mode::full);
    CHECK(apply_migrations(db, schema_migrations()) == static_cast<int>(schema_migrations().size()));
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.execAndGet("PRAGMA foreign_keys").getInt() == 1);
    CHECK(db.execAndGet("PRAGMA synchronous").getInt() == 2);  // FULL
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("a volunteer's account is found through an index, not by scanning every account") {
    relais::testing::temp_dir dir;
    migrate(dir.file("m.db"));
    auto db = open_writer(dir.file("m.db"), sync_mode::full);
    // The statements of withdrawal, change of email and erasure (domain/volunteers.cpp, domain/privacy.cpp).
    for (const char* sql :
         {"UPDATE users SET disabled_at = ? WHERE volunteer_id = ? AND disabled_at IS NULL",
          "UPDATE users SET email = ? WHERE volunteer_id = ? AND disabled_at IS NULL",
          "SELECT id, email, role, created_at, disabled_at FROM users WHERE volunteer_id = ?"}) {
        SQLite::Statement plan(db, std::string("EXPLAIN QUERY PLAN ") + sql);
        std::string steps;
        while (plan.executeStep())
            steps += plan.getColumn(3).getString() + "; ";
        INFO(sql << " -> " << steps);
        CHECK(steps.find("USING INDEX users_volunteer") != std::string::npos);
        CHECK(steps.find("SCAN users") == std::string::npos);
    }
}

TEST_CASE("migration 18 keeps every collective activity and sign-up, and lets the city run one") {
    relais::testing::temp_dir dir;
    auto db = database_before(dir, "m.db", 18);
    const auto all = schema_migrations();
    db.exec(
        "INSERT INTO partner(id, name, created_at) VALUES ('prt_a', 'Asso', 1);"
        "INSERT INTO neighbourhood(code, name) VALUES ('zz_test', 'Test') ON CONFLICT DO NOTHING;"
        "INSERT INTO volunteer(id, first_name, last_name, email, phone, neighbourhood, status, consent_at, "
        "consent_version, created_at, updated_at) VALUES ('vol_a', 'Ana', 'B', 'a@example.org', "
        "'+33600000001', "
        "'zz_test', 'active', 1, 'v1', 1, 1);"
        "INSERT INTO collective_mission(seq, id, partner_id, title, starts_at, ends_at, capacity, status, "
        "created_at, updated_at) VALUES (7, 'col_a', 'prt_a', 'Atelier', 100, 200, 3, 'open', 1, 1);"
        "INSERT INTO collective_signup(collective_id, volunteer_id, created_at, cancelled_at) "
        "VALUES ('col_a', 'vol_a', 5, NULL);");
    CHECK(apply_migrations(db, all) == static_cast<int>(all.size()) - 17);
    CHECK(
        db.execAndGet("SELECT seq || partner_id || title || capacity FROM collective_mission").getString() ==
        "7prt_aAtelier3");
    CHECK(db.execAndGet("SELECT volunteer_id || created_at || share_phone || IFNULL(attended, 'none') "
                        "FROM collective_signup")
              .getString() == "vol_a50none");
    // Run by the city: no partner.
    db.exec(
        "INSERT INTO collective_mission(id, title, starts_at, ends_at, capacity, status, created_at, "
        "updated_at) "
        "VALUES ('col_b', 'Ville', 100, 200, 3, 'open', 1, 1)");
    CHECK(db.execAndGet("SELECT COUNT(*) FROM collective_mission WHERE partner_id IS NULL").getInt() == 1);
    SQLite::Statement broken(db, "PRAGMA foreign_key_check");
    CHECK_FALSE(broken.executeStep());
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("migration 21 makes the programme as it stood the current one, owning every request so far") {
    relais::testing::temp_dir dir;
    auto db = database_before(dir, "m.db", 21);
    const auto all = schema_migrations();
    db.exec("UPDATE programme SET name = 'COVID 2020', starts_on = '2020-03-23';");
    const char* resident =
        "INSERT INTO resident(id, first_name, last_name, phone, address, neighbourhood, consent_at, "
        "consent_version, created_at, updated_at) VALUES ('res_a', 'Ana', 'B', '+33600000001', '1 rue', "
        "'centre', 1, 'v1', 1, 1);";
    auto request = [](const char* id, const char* hash) {
        return std::string(
                   "INSERT INTO request(id, resident_id, category, urgency, window_from, window_until, "
                   "recurrence, channel, status, tracking_hash, created_at, updated_at) VALUES ('") +
               id + "', 'res_a', 'shopping', 'week', 1, 2, 'once', 'web', 'new', '" + hash + "', 1, 1)";
    };
    db.exec(resident);
    db.exec(request("req_old", "h1"));
    CHECK(apply_migrations(db, all) == static_cast<int>(all.size()) - 20);
    CHECK(db.execAndGet("SELECT COUNT(*) || name || starts_on || status FROM programme_period").getString() ==
          "1COVID 20202020-03-23current");
    const std::string current = db.execAndGet("SELECT id FROM programme_period").getString();
    CHECK(db.execAndGet("SELECT programme_id FROM request WHERE id = 'req_old'").getString() == current);
    // Whatever inserts a request later, it belongs to the current programme.
    db.exec(request("req_new", "h2"));
    CHECK(db.execAndGet("SELECT programme_id FROM request WHERE id = 'req_new'").getString() == current);
    // The settings row's name and dates are the current programme's.
    db.exec("UPDATE programme SET name = 'Solidarité' WHERE id = 1");
    CHECK(db.execAndGet("SELECT name FROM programme_period").getString() == "Solidarité");
    SQLite::Statement broken(db, "PRAGMA foreign_key_check");
    CHECK_FALSE(broken.executeStep());
}

TEST_CASE("migration 22 lets a request come by outreach, on the migrating connection too, and nothing else") {
    relais::testing::temp_dir dir;
    auto db = open_writer(dir.file("m.db"), sync_mode::full);
    apply_migrations(db, schema_migrations());
    relais::testing::add_demo_map(db);
    db.exec(
        "INSERT INTO resident(id, first_name, last_name, phone, address, neighbourhood, consent_at, "
        "consent_version, created_at, updated_at) VALUES ('res_a', 'Ana', 'B', '+33600000001', '1 rue', "
        "'centre', 1, 'v1', 1, 1);");
    auto request = [](const char* id, const char* channel) {
        return std::string(
                   "INSERT INTO request(id, resident_id, category, urgency, window_from, window_until, "
                   "recurrence, channel, status, tracking_hash, created_at, updated_at) VALUES ('") +
               id + "', 'res_a', 'friendly_call', 'week', 1, 2, 'once', '" + channel + "', 'new', '" + id +
               "', 1, 1)";
    };
    db.exec(request("req_o", "outreach"));
    CHECK_THROWS(db.exec(request("req_x", "pigeon")));
    CHECK(
        db.execAndGet("SELECT COUNT(*) FROM request WHERE channel = 'outreach' AND outreach_round_id IS NULL "
                      "AND programme_id IS NOT NULL")
            .getInt() == 1);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    // A database migrated up to 21, with rows, then to 22: every row still reads.
    relais::testing::temp_dir dir2;
    auto old = open_writer(dir2.file("o.db"), sync_mode::full);
    apply_migrations(old, schema_migrations().first(21));
    old.exec(
        "INSERT INTO resident(id, first_name, last_name, phone, address, neighbourhood, consent_at, "
        "consent_version, created_at, updated_at) VALUES ('res_a', 'Ana', 'B', '+33600000001', '1 rue', "
        "'centre', 1, 'v1', 1, 1);");
    old.exec(request("req_w", "web"));
    apply_migrations(old, schema_migrations());
    old.exec(request("req_o", "outreach"));
    CHECK(old.execAndGet("SELECT COUNT(*) FROM request").getInt() == 2);
    CHECK(old.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("migration 25 takes Rennes out of a database nobody has used, and leaves a city in use as it is") {
    relais::testing::temp_dir dir;
    // A new database: no neighbourhood, a neutral programme name, no coordination phone.
    auto fresh = open_writer(dir.file("new.db"), sync_mode::full);
    apply_migrations(fresh, schema_migrations());
    CHECK(fresh.execAndGet("SELECT COUNT(*) FROM neighbourhood").getInt() == 0);
    CHECK(fresh.execAndGet("SELECT name || '|' || coordination_phone FROM programme").getString() ==
          "Relais|");
    CHECK(fresh.execAndGet("SELECT name FROM programme_period").getString() == "Relais");

    // A city in use before migration 25 (an admin account): all twelve stay, and
    // its name and phone.
    const auto all = schema_migrations();
    REQUIRE(all.size() >= 25);
    REQUIRE(all[24].version == 25);
    auto used = open_writer(dir.file("used.db"), sync_mode::full);
    apply_migrations(used, all.first(24));
    used.exec(
        "INSERT INTO users(id, email, role, password_hash, created_at, password_changed_at) VALUES ('usr_a', "
        "'a@b.fr', 'admin', 'h', 1, 1)");
    CHECK(apply_migrations(used, all.first(25)) == 1);
    CHECK(used.execAndGet("SELECT COUNT(*) FROM neighbourhood").getInt() == 12);
    CHECK(used.execAndGet("SELECT name || '|' || coordination_phone FROM programme").getString() ==
          "Volontaires Solidaires|02 23 62 10 10");

    // Set up but renamed, with no account yet (an old database's first start): its own name stays.
    auto renamed = open_writer(dir.file("renamed.db"), sync_mode::full);
    apply_migrations(renamed, all.first(24));
    renamed.exec("UPDATE programme SET name = 'Entraide Brest'");
    apply_migrations(renamed, all);
    CHECK(renamed.execAndGet("SELECT name FROM programme").getString() == "Entraide Brest");
    CHECK(renamed.execAndGet("SELECT COUNT(*) FROM neighbourhood").getInt() == 0);
    for (auto* db : {&fresh, &used, &renamed}) {
        SQLite::Statement broken(*db, "PRAGMA foreign_key_check");
        CHECK_FALSE(broken.executeStep());
    }
}

TEST_CASE("migration 26 keeps an email's links, not its HTML part, and leaves the messages already queued") {
    relais::testing::temp_dir dir;
    auto db = database_before(dir, "outbox.db", 26);
    const auto all = schema_migrations();
    db.exec(
        "INSERT INTO outbox(id, created_at, kind, channel, recipient_kind, recipient_id, address, lang, "
        "subject, "
        "body_text, body_html, next_attempt_at, purge_after) VALUES ('msg_old', 1, 'proposal', 'email', "
        "'volunteer', 'vol_x', 'x@example.org', 'fr', 's', 't', '<p>t</p>', 1, 99)");
    CHECK(apply_migrations(db, all.first(26)) == 1);
    CHECK(db.execAndGet("SELECT body_html FROM outbox WHERE id = 'msg_old'").getString() == "<p>t</p>");
    CHECK(db.execAndGet("SELECT body_links IS NULL FROM outbox WHERE id = 'msg_old'").getInt() == 1);
    db.exec("UPDATE outbox SET body_links = 'https://a.example/1' WHERE id = 'msg_old'");
    CHECK(db.execAndGet("SELECT body_links FROM outbox").getString() == "https://a.example/1");
}

TEST_CASE("migration 27 writes the CHECK lists as comparisons, which keep every rule") {
    relais::testing::temp_dir dir;
    auto db = database_before(dir, "checks.db", 27);
    const auto all = schema_migrations();
    db.exec(
        "INSERT INTO outbox(id, created_at, kind, channel, recipient_kind, recipient_id, address, lang, "
        "subject, body_text, next_attempt_at, purge_after) VALUES ('msg_old', 1, 'proposal', 'email', "
        "'volunteer', 'vol_x', 'x@example.org', 'fr', 's', 't', 1, 99)");
    CHECK(apply_migrations(db, all.first(27)) == 1);

    // No list of three values or more is left in a table's CHECK (each built a b-tree at every write).
    SQLite::Statement tables(db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table'");
    int seen = 0;
    while (tables.executeStep()) {
        const std::string sql = tables.getColumn(1).getString();
        for (auto at = sql.find("CHECK ("); at != std::string::npos; at = sql.find("CHECK (", at + 1)) {
            std::size_t close = at + 6;  // the parenthesis that closes the CHECK's
            for (int depth = 0; close < sql.size(); ++close) {
                depth += sql[close] == '(' ? 1 : sql[close] == ')' ? -1 : 0;
                if (depth == 0)
                    break;
            }
            const std::string check = sql.substr(at, close - at);
            INFO(tables.getColumn(0).getString(), ": ", check);
            const bool long_list =
                check.find(" IN (") != std::string::npos && std::count(check.begin(), check.end(), ',') >= 2;
            CHECK_FALSE(long_list);
            ++seen;
        }
    }
    CHECK(seen > 20);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");

    // The rules hold: every value the lists had is accepted, anything else refused.
    CHECK(db.execAndGet("SELECT status FROM outbox WHERE id = 'msg_old'").getString() == "queued");
    for (const char* status : {"sent", "failed", "cancelled", "queued"})
        CHECK_NOTHROW(
            db.exec(std::string("UPDATE outbox SET status = '") + status + "' WHERE id = 'msg_old'"));
    CHECK_THROWS_AS(db.exec("UPDATE outbox SET status = 'lost' WHERE id = 'msg_old'"), SQLite::Exception);
    for (const char* kind : {"volunteer", "resident", "coordinator", "partner"})
        CHECK_NOTHROW(
            db.exec(std::string("UPDATE outbox SET recipient_kind = '") + kind + "' WHERE id = 'msg_old'"));
    CHECK_THROWS_AS(db.exec("UPDATE outbox SET recipient_kind = 'admin' WHERE id = 'msg_old'"),
                    SQLite::Exception);
    CHECK_THROWS_AS(db.exec("UPDATE outbox SET channel = 'fax' WHERE id = 'msg_old'"), SQLite::Exception);
    CHECK(db.execAndGet("SELECT status || recipient_kind || channel FROM outbox").getString() ==
          "queuedpartneremail");
    for (const char* role : {"admin", "coordinator", "volunteer", "partner"})
        CHECK_NOTHROW(db.exec(std::string("INSERT INTO users(id, email, role, password_hash, created_at, "
                                          "password_changed_at) VALUES ('usr_") +
                              role + "', '" + role + "@b.fr', '" + role + "', 'h', 1, 1)"));
    CHECK_THROWS_AS(
        db.exec("INSERT INTO users(id, email, role, password_hash, created_at, password_changed_at) "
                "VALUES ('usr_x', 'x@b.fr', 'mayor', 'h', 1, 1)"),
        SQLite::Exception);
    // A request's channel keeps "outreach" (migration 22's addition).
    const std::string request_sql =
        db.execAndGet("SELECT sql FROM sqlite_schema WHERE name = 'request'").getString();
    CHECK(request_sql.find("channel = 'outreach'") != std::string::npos);
    CHECK(request_sql.find("status = 'new' OR status = 'matched' OR status = 'closed'") != std::string::npos);
    const std::string mission_sql =
        db.execAndGet("SELECT sql FROM sqlite_schema WHERE name = 'mission'").getString();
    CHECK(mission_sql.find("status = 'expired')") != std::string::npos);
    // Another connection reads the new declarations (the schema version moved).
    auto other = open_writer(dir.file("checks.db"), sync_mode::full);
    CHECK_THROWS_AS(other.exec("UPDATE outbox SET status = 'lost'"), SQLite::Exception);
}

TEST_CASE(
    "migration 28: a queued message is out of the recipient and retention indexes, every reader still "
    "finds it through an index") {
    relais::testing::temp_dir dir;
    auto db = database_before(dir, "sent.db", 28);
    const auto all = schema_migrations();
    for (const char* status : {"queued", "sent"})
        db.exec(std::string("INSERT INTO outbox(id, created_at, kind, channel, recipient_kind, recipient_id, "
                            "address, lang, subject, body_text, next_attempt_at, purge_after, status) VALUES "
                            "('msg_") +
                status +
                "', 1, 'proposal', 'email', 'volunteer', 'vol_x', 'x@example.org', 'fr', 's', 't', 1, "
                "99, '" +
                status + "')");
    CHECK(apply_migrations(db, all.first(28)) == 1);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    // The index entries: the sent message's only.
    CHECK(db.execAndGet("SELECT COUNT(*) FROM outbox INDEXED BY outbox_recipient WHERE recipient_kind = "
                        "'volunteer' AND recipient_id = 'vol_x' AND status <> 'queued'")
              .getInt() == 1);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM outbox INDEXED BY outbox_purge WHERE purge_after <= 99 AND "
                        "status <> 'queued'")
              .getInt() == 1);
    // Marked sent, the queued one enters them.
    db.exec("UPDATE outbox SET status = 'sent' WHERE id = 'msg_queued'");
    CHECK(db.execAndGet("SELECT COUNT(*) FROM outbox INDEXED BY outbox_recipient WHERE recipient_kind = "
                        "'volunteer' AND recipient_id = 'vol_x' AND status <> 'queued'")
              .getInt() == 2);

    // The shapes of the readers' two halves (notify/outbox.cpp, domain/privacy.cpp, notify/digest.cpp):
    // each through an index, none a scan of the outbox.
    auto plan = [&](const std::string& sql) { return query_plan(db, sql); };
    for (const std::string which : {"status <> 'queued'", "status = 'queued'"}) {
        for (const std::string& sql :
             {"SELECT id FROM outbox WHERE recipient_kind = ?1 AND recipient_id = ?2 AND " + which,
              "SELECT id FROM outbox WHERE " + which + " AND purge_after <= ?",
              "DELETE FROM outbox WHERE " + which + " AND recipient_kind = ? AND recipient_id = ?"}) {
            const std::string p = plan(sql);
            INFO(sql, " -> ", p);
            CHECK(p.find("USING INDEX") != std::string::npos);
            CHECK(p.find("SCAN outbox\n") == std::string::npos);
        }
    }
}

TEST_CASE("migration 29: each channel's due messages are a range of outbox_due of their own") {
    relais::testing::temp_dir dir;
    auto db = database_before(dir, "due.db", 29);
    // A backlog of due emails (their server away) and one due text.
    for (int i = 0; i < 200; ++i)
        db.exec(
            "INSERT INTO outbox(id, created_at, kind, channel, recipient_kind, recipient_id, address, lang, "
            "subject, body_text, next_attempt_at, purge_after) VALUES ('msg_e" +
            std::to_string(i) +
            "', 1, 'request_received', 'email', 'resident', 'res_x', 'x@example.org', 'fr', 's', 't', 1, "
            "99)");
    db.exec(
        "INSERT INTO outbox(id, created_at, kind, channel, recipient_kind, recipient_id, address, lang, "
        "subject, body_text, next_attempt_at, purge_after) VALUES ('msg_s', 1, 'proposal', 'sms', "
        "'volunteer', 'vol_x', '+33612345678', 'fr', '', 't', 1, 99)");
    const auto all = schema_migrations();
    CHECK(apply_migrations(db, all.first(29)) == 1);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    auto plan = [&](const std::string& sql) { return query_plan(db, sql); };
    // The sender's read of one channel (notify/outbox.cpp): a range, in the order it wants, no sort.
    const std::string due = plan(
        "SELECT id FROM outbox WHERE status = 'queued' AND channel = ? AND next_attempt_at <= ? "
        "ORDER BY next_attempt_at, seq LIMIT ?");
    INFO(due);
    CHECK(due.find("USING INDEX outbox_due (status=? AND channel=? AND next_attempt_at<?)") !=
          std::string::npos);
    CHECK(due.find("TEMP B-TREE") == std::string::npos);
    // The text is found by visiting its own entry only, not the 200 emails before it.
    sqlite3_stmt* raw = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.getHandle(),
                               "SELECT id FROM outbox WHERE status = 'queued' AND channel = 'sms' AND "
                               "next_attempt_at <= 5 ORDER BY next_attempt_at, seq LIMIT 10",
                               -1, &raw, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(raw) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(raw, 0))) == "msg_s");
    CHECK(sqlite3_step(raw) == SQLITE_DONE);
    // (A walk of the 200 emails would take thousands of the virtual machine's steps.)
    CHECK(sqlite3_stmt_status(raw, SQLITE_STMTSTATUS_VM_STEP, 0) < 100);
    sqlite3_finalize(raw);
    // A person's queued messages (privacy, digest) keep their index.
    const std::string person =
        plan("SELECT id FROM outbox WHERE status = 'queued' AND recipient_kind = ?1 AND recipient_id = ?2");
    INFO(person);
    CHECK(person.find("USING INDEX outbox_due") != std::string::npos);
}

TEST_CASE("migration 30: urgent messages are a range of each channel's queue, the queued ones marked") {
    relais::testing::temp_dir dir;
    auto db = database_before(dir, "urgent.db", 30);
    // One queued message of every kind the planner writes, and a sent proposal.
    const char* kinds[] = {"digest",           "email_confirmation",  "mission_cancelled", "mission_changed",
                           "partner_update",   "password_reset_link", "password_set_link", "programme_thanks",
                           "proposal",         "reminder_evening",    "reminder_soon",     "report_due",
                           "request_received", "reserve_call",        "sign_in_code",      "visit_cancelled",
                           "volunteer_coming", "volunteer_validated", "welfare_concern"};
    SQLite::Statement insert(
        db,
        "INSERT INTO outbox(id, created_at, kind, channel, recipient_kind, recipient_id, "
        "address, lang, subject, body_text, next_attempt_at, purge_after) VALUES (?, 1, ?, "
        "'email', 'volunteer', 'vol_x', 'x@example.org', 'fr', 's', 't', 1, 99)");
    for (const char* kind : kinds) {
        insert.reset();
        insert.bind(1, std::string("msg_") + kind);
        insert.bind(2, kind);
        insert.exec();
    }
    db.exec(
        "INSERT INTO outbox(id, created_at, kind, channel, recipient_kind, recipient_id, address, lang, "
        "subject, body_text, next_attempt_at, purge_after, status) VALUES ('msg_sent', 1, 'proposal', "
        "'email', "
        "'volunteer', 'vol_x', 'x@example.org', 'fr', 's', 't', 1, 99, 'sent')");
    const auto all = schema_migrations();
    CHECK(apply_migrations(db, all.first(30)) == 1);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    // The migration's list of kinds is the planner's (notify::urgent_kind), kind by kind.
    int urgent = 0;
    for (const char* kind : kinds) {
        INFO(kind);
        const bool marked =
            db.execAndGet(std::string("SELECT urgent FROM outbox WHERE id = 'msg_") + kind + "'").getInt() ==
            1;
        CHECK(marked == relais::notify::urgent_kind(kind));
        urgent += marked ? 1 : 0;
    }
    CHECK(urgent == 12);
    CHECK(db.execAndGet("SELECT urgent FROM outbox WHERE id = 'msg_sent'").getInt() == 0);
    // The sender's read of one channel's urgent or routine messages: a range, in its order, no sort.
    const std::string due = query_plan(db,
                                       "SELECT id FROM outbox WHERE status = 'queued' AND channel = ? AND "
                                       "urgent = ? AND next_attempt_at <= ? "
                                       "ORDER BY next_attempt_at, seq LIMIT ?");
    INFO(due);
    CHECK(due.find("USING INDEX outbox_due (status=? AND channel=? AND urgent=? AND next_attempt_at<?)") !=
          std::string::npos);
    CHECK(due.find("TEMP B-TREE") == std::string::npos);
    const std::string person = query_plan(
        db, "SELECT id FROM outbox WHERE status = 'queued' AND recipient_kind = ?1 AND recipient_id = ?2");
    INFO(person);
    CHECK(person.find("USING INDEX outbox_due") != std::string::npos);
}
