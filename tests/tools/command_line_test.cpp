#include "tools/command_line.hpp"

#include <doctest/doctest.h>

#include <sstream>

using relais::tools::command_line;

namespace {
struct run {
    std::ostringstream out, err;
    command_line cl;
    explicit run(std::vector<std::string> args)
        : cl("demo", args, {"db", "days", "out"}, "usage: relais demo --db PATH\n", out, err) {}
};
}  // namespace

TEST_CASE("command line: both spellings, known names only") {
    run r({"--db", "a.db", "--out=b.bak"});
    CHECK_FALSE(r.cl.stop());
    CHECK(r.cl.get("db") == "a.db");
    CHECK(r.cl.get("out") == "b.bak");
    CHECK_FALSE(r.cl.get("days"));
    CHECK(r.err.str().empty());
}

TEST_CASE("command line: help prints the usage and stops with 0") {
    run r({"--db", "x", "--help"});
    CHECK(r.cl.stop());
    CHECK(r.cl.exit_code() == 0);
    CHECK(r.out.str() == "usage: relais demo --db PATH\n");
}

TEST_CASE("command line: faults are named, with exit code 64") {
    SUBCASE("unknown option") {
        run r({"--dbs", "x"});
        CHECK(r.cl.exit_code() == 64);
        CHECK(r.err.str().starts_with("relais demo: unknown option --dbs\nusage:"));
    }
    SUBCASE("unknown option with =") {
        run r({"--nope=1"});
        CHECK(r.cl.exit_code() == 64);
        CHECK(r.err.str().find("unknown option --nope") != std::string::npos);
    }
    SUBCASE("missing value") {
        run r({"--db"});
        CHECK(r.cl.exit_code() == 64);
        CHECK(r.err.str() == "relais demo: --db needs a value\n");
    }
    SUBCASE("stray argument") {
        run r({"file.db"});
        CHECK(r.cl.exit_code() == 64);
        CHECK(r.err.str().find("unexpected argument 'file.db'") != std::string::npos);
    }
}

TEST_CASE("command line: numbers within bounds") {
    run ok({"--days", "30"});
    int days = -1;
    CHECK(ok.cl.number("days", days, 0, 3650));
    CHECK(days == 30);
    int untouched = 7;
    CHECK(ok.cl.number("out", untouched, 0, 10));  // absent: left alone
    CHECK(untouched == 7);
    CHECK_FALSE(ok.cl.stop());

    for (const char* bad : {"-1", "3651", "12x", "", "1e3"}) {
        run r({"--days", bad});
        int d = 5;
        CHECK_FALSE(r.cl.number("days", d, 0, 3650));
        CHECK(d == 5);
        CHECK(r.cl.exit_code() == 64);
        CHECK(r.err.str() ==
              std::string("relais demo: --days must be a whole number from 0 to 3650 (got '") + bad + "')\n");
    }
}
