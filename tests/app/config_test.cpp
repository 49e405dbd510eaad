#include "app/config.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace relais::app;

namespace {
env_lookup env_of(std::map<std::string, std::string> m) {
    return [m](const std::string& k) -> std::optional<std::string> {
        auto it = m.find(k);
        if (it == m.end())
            return std::nullopt;
        return it->second;
    };
}
}  // namespace

TEST_CASE("defaults") {
    auto c = parse_config({}, env_of({}));
    CHECK(c.bind == "127.0.0.1");
    CHECK(c.port == 8080);
    CHECK(c.db == "var/relais.db");
    CHECK(c.synchronous == "full");
    CHECK_FALSE(c.demo);
    CHECK_FALSE(c.test_clock);
}

TEST_CASE("flags, both forms, and flag booleans") {
    auto c = parse_config({"--port", "9000", "--db=/tmp/x.db", "--demo", "--threads", "4"}, env_of({}));
    CHECK(c.port == 9000);
    CHECK(c.db == "/tmp/x.db");
    CHECK(c.demo);
    CHECK(c.threads == 4);
}

TEST_CASE("environment provides what flags do not, flags win") {
    auto env = env_of({{"RELAIS_PORT", "7000"}, {"RELAIS_LOG_LEVEL", "warn"}, {"RELAIS_BODY_LIMIT", "2048"}});
    auto c = parse_config({"--port", "7001"}, env);
    CHECK(c.port == 7001);
    CHECK(c.log_level == "warn");
    CHECK(c.body_limit == 2048);
}

TEST_CASE("bad values name the option") {
    auto fails_with = [](std::vector<std::string> args, const std::string& needle) {
        try {
            parse_config(args, env_of({}));
        } catch (const config_error& e) {
            return std::string(e.what()).find(needle) != std::string::npos;
        }
        return false;
    };
    CHECK(fails_with({"--port", "70000"}, "--port"));
    CHECK(fails_with({"--port", "abc"}, "--port"));
    CHECK(fails_with({"--threads", "0"}, "--threads"));
    CHECK(fails_with({"--nope"}, "--nope"));
    CHECK(fails_with({"--db"}, "--db"));
    CHECK(fails_with({"--log-level", "loud"}, "--log-level"));
    CHECK(fails_with({"--synchronous", "off"}, "--synchronous"));
    CHECK(fails_with({"stray"}, "stray"));
    CHECK_THROWS_AS(parse_config({}, env_of({{"RELAIS_PORT", "x"}})), config_error);
}

TEST_CASE("help lists every option with its environment name") {
    auto h = help_text();
    CHECK(h.find("--bind") != std::string::npos);
    CHECK(h.find("RELAIS_DB") != std::string::npos);
    CHECK(parse_config({"--help"}, env_of({})).show_help);
}

TEST_CASE("hardening options: allowed hosts and their defaults, public URL, rate limits, shared database") {
    auto d = parse_config({}, env_of({}));
    CHECK(d.allowed_hosts == std::vector<std::string>{"127.0.0.1", "localhost", "127.0.0.1", "::1"});
    CHECK_FALSE(d.allow_shared_db);
    auto p = parse_config({"--bind", "0.0.0.0", "--public-url", "https://entraide.example.org:8443/x"}, env_of({}));
    CHECK(p.allowed_hosts == std::vector<std::string>{"0.0.0.0", "localhost", "127.0.0.1", "::1",
                                                       "entraide.example.org:8443"});
    auto a = parse_config({"--allowed-hosts", " a.example , b.example:80,", "--allow-shared-db"}, env_of({}));
    CHECK(a.allowed_hosts == std::vector<std::string>{"a.example", "b.example:80"});
    CHECK(a.allow_shared_db);
    CHECK(parse_config({"--rate-limits", "staff.read=10/60"}, env_of({})).rate_limits == "staff.read=10/60");
    for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
             {"--allowed-hosts", " , "},
             {"--public-url", "entraide.example.org"},
             {"--public-url", "ftp://x.example"},
             {"--public-url", "https://"},
             {"--public-url", "https://user@x.example"},
             {"--rate-limits", "staff.read=ten/60"},
             {"--rate-limits", "everyone.read=1/60"}}) {
        INFO(bad[0] << " " << bad[1]);
        try {
            parse_config(bad, env_of({}));
            FAIL("accepted");
        } catch (const config_error& e) {
            CHECK(std::string(e.what()).find(bad[0]) != std::string::npos);
        }
    }
}

TEST_CASE("sign-in throttling and password hashing options (issue 12)") {
    auto d = parse_config({}, env_of({}));
    CHECK(d.login_account_limit == 100);
    CHECK(d.hash_threads == 0);
    CHECK(d.hash_queue == 64);
    auto c = parse_config({"--login-account-limit", "7", "--hash-queue=2"},
                          env_of({{"RELAIS_HASH_THREADS", "3"}, {"RELAIS_HASH_QUEUE", "50"},
                                  {"RELAIS_LOGIN_ACCOUNT_LIMIT", "9"}}));
    CHECK(c.login_account_limit == 7);  // the flag wins over the environment
    CHECK(c.hash_threads == 3);
    CHECK(c.hash_queue == 2);
    CHECK_THROWS_AS(parse_config({"--hash-queue", "-1"}, env_of({})), config_error);
    CHECK_THROWS_AS(parse_config({"--hash-threads", "1000"}, env_of({})), config_error);
    CHECK_THROWS_AS(parse_config({"--login-account-limit", "many"}, env_of({})), config_error);
    for (auto opt : {"--login-account-limit", "RELAIS_LOGIN_ACCOUNT_LIMIT", "--hash-threads", "RELAIS_HASH_THREADS",
                     "--hash-queue", "RELAIS_HASH_QUEUE"})
        CHECK_MESSAGE(help_text().find(opt) != std::string::npos, opt);
}

TEST_CASE("connection and live-feed caps: defaults, flags, environment, bounds") {
    auto d = parse_config({}, env_of({}));
    CHECK(d.max_connections_per_address == 256);
    CHECK(d.live_per_session == 8);
    CHECK(d.live_per_user == 16);
    auto c = parse_config({"--max-connections-per-address", "12", "--live-per-session=3"},
                          env_of({{"RELAIS_LIVE_PER_USER", "5"}, {"RELAIS_LIVE_PER_SESSION", "9"}}));
    CHECK(c.max_connections_per_address == 12);
    CHECK(c.live_per_session == 3);  // the flag wins over the environment
    CHECK(c.live_per_user == 5);
    CHECK(parse_config({"--max-connections-per-address", "0"}, env_of({})).max_connections_per_address == 0);
    for (const char* opt : {"--max-connections-per-address", "--live-per-session", "--live-per-user"}) {
        CAPTURE(opt);
        try {
            parse_config({opt, "-1"}, env_of({}));
            FAIL("accepted a negative value");
        } catch (const config_error& e) {
            CHECK(std::string(e.what()).find(std::string(opt).substr(2)) != std::string::npos);
        }
    }
    const auto help = help_text();
    CHECK(help.find("RELAIS_MAX_CONNECTIONS_PER_ADDRESS") != std::string::npos);
    CHECK(help.find("RELAIS_LIVE_PER_SESSION") != std::string::npos);
    CHECK(help.find("RELAIS_LIVE_PER_USER") != std::string::npos);
}
