#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "auth/user_command.hpp"
#include "store/connection.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

#include <sstream>

using namespace relais;

namespace {

struct run_result {
    int code;
    std::string out, err;
};

run_result run(std::vector<std::string> args, const std::string& stdin_text) {
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    int code = auth::run_user_command(args, in, out, err);
    return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("relais user add: creates an account from a password on stdin") {
    testing::temp_dir dir;
    const auto db = dir.file("sub/u.db");  // the folder is created, the database migrated
    const std::string password = "a long enough secret";
    auto r = run({"add", "--db", db, "--role", "admin", "--email", "Admin@Example.org"}, password + "\n");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.starts_with("usr_"));
    CHECK(r.out.size() == 21);  // id + newline, nothing else
    CHECK(r.out.find(password) == std::string::npos);
    CHECK(r.err.find(password) == std::string::npos);

    auto conn = store::open_writer(db, store::sync_mode::normal);
    auto acc = auth::find_login_account(conn, "admin@example.org");
    REQUIRE(acc);
    CHECK(acc->id + "\n" == r.out);
    CHECK(acc->r == auth::role::admin);
    CHECK(acc->password_hash.starts_with("$argon2id$"));
    CHECK(auth::verify_password(acc->password_hash, password));

    SUBCASE("duplicate email") {
        auto d = run({"add", "--db", db, "--role", "coordinator", "--email", "admin@example.org"}, password + "\n");
        CHECK(d.code == 1);
        CHECK(d.err.find("already exists") != std::string::npos);
        CHECK(d.out.empty());
    }
    SUBCASE("CRLF line ending is not part of the password") {
        auto c = run({"add", "--db", db, "--role", "coordinator", "--email=c@example.org"}, "another fine secret\r\n");
        REQUIRE(c.code == 0);
        auto acc2 = auth::find_login_account(conn, "c@example.org");
        REQUIRE(acc2);
        CHECK(auth::verify_password(acc2->password_hash, "another fine secret"));
    }
}

TEST_CASE("relais user add: refusals with a clear message and a non-zero exit") {
    testing::temp_dir dir;
    const auto db = dir.file("u.db");
    auto bad_role = run({"add", "--db", db, "--role", "superuser", "--email", "a@example.org"}, "a long enough secret\n");
    CHECK(bad_role.code == 64);
    CHECK(bad_role.err.find("--role") != std::string::npos);
    auto volunteer = run({"add", "--db", db, "--role", "volunteer", "--email", "a@example.org"}, "a long enough secret\n");
    CHECK(volunteer.code == 64);
    auto short_pw = run({"add", "--db", db, "--role", "admin", "--email", "a@example.org"}, "short\n");
    CHECK(short_pw.code == 65);
    CHECK(short_pw.err.find("at least 12") != std::string::npos);
    CHECK(short_pw.err.find("short\n") == std::string::npos);
    auto no_pw = run({"add", "--db", db, "--role", "admin", "--email", "a@example.org"}, "");
    CHECK(no_pw.code == 65);
    auto bad_email = run({"add", "--db", db, "--role", "admin", "--email", "not-an-email"}, "a long enough secret\n");
    CHECK(bad_email.code == 65);
    auto missing = run({"add", "--role", "admin", "--email", "a@example.org"}, "a long enough secret\n");
    CHECK(missing.code == 64);
    auto unknown = run({"add", "--db", db, "--role", "admin", "--email", "a@example.org", "--password", "x"}, "");
    CHECK(unknown.code == 64);
    auto partner = run({"add", "--db", db, "--role", "partner", "--email", "p@example.org", "--partner-id", "par_nope"},
                       "a long enough secret\n");
    CHECK(partner.code == 65);
    CHECK(run({}, "").code == 64);
}
