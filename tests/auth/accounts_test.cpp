#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "auth/sessions.hpp"
#include "auth/token.hpp"
#include "core/error.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"
#include "support/demo_map.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <sodium.h>

using namespace relais;
using namespace relais::auth;

namespace {

struct fixture {
    testing::temp_dir dir;
    SQLite::Database db;

    fixture() : db(open()) {}

    SQLite::Database open() {
        REQUIRE(sodium_init() >= 0);
        relais::testing::migrate_with_demo_map(dir.file("a.db"));
        return store::open_writer(dir.file("a.db"), store::sync_mode::normal);
    }

    // A cheap stand-in for a hash (these tests are about rows, not Argon2id).
    std::string add(std::string email, role r, std::string volunteer_id = {}, std::string partner_id = {}) {
        new_account a;
        a.email = std::move(email);
        a.r = r;
        a.password_hash = "x";
        a.volunteer_id = std::move(volunteer_id);
        a.partner_id = std::move(partner_id);
        return insert_account(db, a, 1000);
    }

    void add_volunteer(const std::string& id, const std::string& status) {
        SQLite::Statement q(
            db,
            "INSERT INTO volunteer(id, first_name, last_name, email, phone, neighbourhood, status, "
            "consent_at, consent_version, created_at, updated_at) "
            "VALUES (?, 'A', 'B', ?, '0600000000', 'centre', ?, 1, 'v', 1, 1)");
        q.bind(1, id);
        q.bind(2, id + "@example.org");
        q.bind(3, status);
        q.exec();
    }
};

}  // namespace

TEST_CASE("email normalisation and plausibility") {
    CHECK(normalize_email("  Alice.Martin@Example.ORG ") == "alice.martin@example.org");
    CHECK(plausible_email("a@b.fr"));
    CHECK_FALSE(plausible_email("a@b"));
    CHECK_FALSE(plausible_email("@b.fr"));
    CHECK_FALSE(plausible_email("a@@b.fr"));
    CHECK_FALSE(plausible_email("a b@c.fr"));
    CHECK_FALSE(plausible_email("a@.fr"));
    CHECK_FALSE(plausible_email(std::string(250, 'a') + "@b.fr"));
}

TEST_CASE("the dummy hash is a real Argon2id hash nobody can match") {
    REQUIRE(sodium_init() >= 0);
    CHECK(std::string(dummy_password_hash()).starts_with("$argon2id$"));
    CHECK_FALSE(verify_password(dummy_password_hash(), "correct horse battery"));
    CHECK_FALSE(verify_password(dummy_password_hash(), ""));
}

TEST_CASE("accounts: insert, duplicate emails, links to volunteers and partners") {
    fixture f;
    const auto id = f.add("coord@example.org", role::coordinator);
    CHECK(id.starts_with("usr_"));
    CHECK(id.size() == 20);
    CHECK_THROWS_AS(f.add("coord@example.org", role::admin), relais::error);
    try {
        f.add("coord@example.org", role::admin);
    } catch (const relais::error& e) {
        CHECK(e.kind() == error_kind::conflict);
        CHECK(e.detail().find("coord@") == std::string::npos);  // no personal data in errors
    }
    // Volunteers need an existing registration, partners an existing partner.
    CHECK_THROWS_AS(f.add("v@example.org", role::volunteer), relais::error);
    CHECK_THROWS_AS(f.add("v@example.org", role::volunteer, "vol_missing"), relais::error);
    CHECK_THROWS_AS(f.add("p@example.org", role::partner, {}, "par_missing"), relais::error);
    CHECK_THROWS_AS(f.add("c2@example.org", role::coordinator, {}, "par_x"), relais::error);
    f.add_volunteer("vol_a", "active");
    CHECK_NOTHROW(f.add("v@example.org", role::volunteer, "vol_a"));

    auto login = find_login_account(f.db, "coord@example.org");
    REQUIRE(login);
    CHECK(login->id == id);
    CHECK(login->r == role::coordinator);
    CHECK(login->usable);
    CHECK_FALSE(find_login_account(f.db, "nobody@example.org"));

    // Disabled: no login, its email is free again, disabling twice is harmless.
    CHECK(disable_account(f.db, id, 2000));
    CHECK(disable_account(f.db, id, 3000));
    CHECK_FALSE(disable_account(f.db, "usr_nobody", 3000));
    CHECK_FALSE(find_login_account(f.db, "coord@example.org"));
    auto acc = find_account(f.db, id);
    REQUIRE(acc);
    CHECK(acc->disabled_at == 2000);
    CHECK_NOTHROW(f.add("coord@example.org", role::coordinator));
    CHECK(list_accounts(f.db, 0, 10).size() == 3);
    CHECK(list_accounts(f.db, 0, 1).size() == 1);
    CHECK(list_accounts(f.db, list_accounts(f.db, 0, 1)[0].seq, 10).size() == 2);
}

TEST_CASE("sessions: lookup by hash, idle and absolute expiry, disabled users, withdrawn volunteers") {
    fixture f;
    const auto uid = f.add("admin@example.org", role::admin);
    const std::int64_t t0 = 1'000'000;
    auto s = create_session(f.db, uid, t0, /*lifetime*/ 3600, /*idle*/ 600, {});
    CHECK(well_formed_token(s.token));
    CHECK(well_formed_token(s.csrf_token));
    CHECK(s.token_hash == hash_token(s.token));

    // Only hashes are stored.
    SQLite::Statement all(f.db, "SELECT token_hash, csrf_hash FROM session");
    REQUIRE(all.executeStep());
    CHECK(all.getColumn(0).getString() == s.token_hash);
    CHECK(all.getColumn(1).getString() == hash_token(s.csrf_token));
    CHECK(all.getColumn(0).getString() != s.token);
    CHECK(all.getColumn(1).getString() != s.csrf_token);

    auto found = find_session(f.db, s.token_hash, t0 + 10, 600);
    REQUIRE(found);
    CHECK(found->user.user_id == uid);
    CHECK(found->user.r == role::admin);
    CHECK(found->user.session_id == s.token_hash);
    CHECK(found->csrf_hash == hash_token(s.csrf_token));
    CHECK_FALSE(find_session(f.db, hash_token("not a token"), t0 + 10, 600));

    // Idle: 600 s without a touch ends it; a touch keeps it alive.
    CHECK(find_session(f.db, s.token_hash, t0 + 600, 600));
    CHECK_FALSE(find_session(f.db, s.token_hash, t0 + 601, 600));
    touch_session(f.db, s.token_hash, t0 + 500);
    CHECK(find_session(f.db, s.token_hash, t0 + 1000, 600));
    // Absolute lifetime: ends at t0 + 3600 however active.
    touch_session(f.db, s.token_hash, t0 + 3500);
    CHECK(find_session(f.db, s.token_hash, t0 + 3599, 600));
    CHECK_FALSE(find_session(f.db, s.token_hash, t0 + 3600, 600));

    // A new login replaces the presented session and purges expired ones.
    auto s2 = create_session(f.db, uid, t0 + 4000, 3600, 600, {});
    CHECK(f.db.execAndGet("SELECT COUNT(*) FROM session").getInt() == 1);
    auto s3 = create_session(f.db, uid, t0 + 4001, 3600, 600, s2.token_hash);
    CHECK_FALSE(find_session(f.db, s2.token_hash, t0 + 4002, 600));
    CHECK(find_session(f.db, s3.token_hash, t0 + 4002, 600));

    // Ending the other sessions keeps the current one.
    auto s4 = create_session(f.db, uid, t0 + 4003, 3600, 600, {});
    CHECK(end_user_sessions(f.db, uid, s4.token_hash) == 1);
    CHECK_FALSE(find_session(f.db, s3.token_hash, t0 + 4004, 600));
    CHECK(find_session(f.db, s4.token_hash, t0 + 4004, 600));
    end_session(f.db, s4.token_hash);
    CHECK_FALSE(find_session(f.db, s4.token_hash, t0 + 4004, 600));

    // A disabled user's sessions stop working at once.
    auto s5 = create_session(f.db, uid, t0 + 5000, 3600, 600, {});
    SQLite::Statement dis(f.db, "UPDATE users SET disabled_at = ? WHERE id = ?");
    dis.bind(1, t0 + 5001);
    dis.bind(2, uid);
    dis.exec();
    CHECK_FALSE(find_session(f.db, s5.token_hash, t0 + 5002, 600));

    // A volunteer's session ends when the registration is withdrawn.
    f.add_volunteer("vol_b", "active");
    const auto vid = f.add("vol@example.org", role::volunteer, "vol_b");
    auto s6 = create_session(f.db, vid, t0 + 6000, 3600, 600, {});
    auto v = find_session(f.db, s6.token_hash, t0 + 6001, 600);
    REQUIRE(v);
    CHECK(v->user.volunteer_id == "vol_b");
    f.db.exec("UPDATE volunteer SET status = 'withdrawn' WHERE id = 'vol_b'");
    CHECK_FALSE(find_session(f.db, s6.token_hash, t0 + 6002, 600));
    CHECK_FALSE(find_login_account(f.db, "vol@example.org")->usable);
}

TEST_CASE("session cookies") {
    CHECK(session_cookie("tok", false) == "relais_session=tok; Path=/; HttpOnly; SameSite=Strict");
    CHECK(session_cookie("tok", true) ==
          "__Host-relais_session=tok; Path=/; HttpOnly; SameSite=Strict; Secure");
    CHECK(cleared_session_cookie(false).find("Max-Age=0") != std::string::npos);
    CHECK(cleared_session_cookie(false).starts_with("relais_session=;"));
    CHECK(touch_interval_s(1800) == 60);
    CHECK(touch_interval_s(2) == 1);
    CHECK(touch_interval_s(120) == 30);
}
