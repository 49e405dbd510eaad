// Black-box tests of the HTTP-level findings of the security review (issue 12): the Host check against DNS
// rebinding (421), malformed Host, folded lines and list-valued Content-Length (400), idempotency keys
// scoped to their caller and bound to their body, and the file modes of the database and its backups.
#include "api/support/fixtures.hpp"
#include "api/support/http_client.hpp"
#include "api/support/server_process.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

unsigned status_of(std::uint16_t port, const std::string& wire) {
    const auto res = parse_response(raw_exchange(port, wire, 3s));
    return res ? res->status : 0;
}

std::string host_request(const std::string& host) {
    return "GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
}

/// The permission bits of `path` that let users other than its owner in (0 when owner-only).
unsigned open_bits(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 077;
}

}  // namespace

TEST_CASE("Host check: only the names the server answers for; DNS rebinding gets 421") {
    SUBCASE("defaults: the bind address, localhost, loopback") {
        server_process server(std::vector<std::string>{});
        const auto p = server.port();
        const auto port = std::to_string(p);
        CHECK(status_of(p, host_request("127.0.0.1:" + port)) == 200);
        CHECK(status_of(p, host_request("localhost:" + port)) == 200);
        CHECK(status_of(p, host_request("LOCALHOST")) == 200);
        CHECK(status_of(p, host_request("[::1]:" + port)) == 200);
        // A rebinding attack: the browser still names the attacker's site.
        const auto refused = parse_response(raw_exchange(p, host_request("attacker.example:" + port), 3s));
        REQUIRE(refused);
        CHECK(refused->status == 421);
        CHECK(refused->header("Content-Type") == "application/problem+json");
        CHECK(status_of(
                  p, "GET /api/v1/programme HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n") ==
              421);
        CHECK(status_of(p, "GET /demande HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n") ==
              421);
        // Without TLS, no Strict-Transport-Security.
        const auto plain = parse_response(raw_exchange(p, host_request("localhost"), 3s));
        REQUIRE(plain);
        CHECK(plain->header("Strict-Transport-Security").empty());
    }
    SUBCASE("--public-url adds its host; --allowed-hosts replaces the list; * allows any") {
        {
            server_process server(
                std::vector<std::string>{"--public-url", "https://entraide.example.org/relais"});
            CHECK(status_of(server.port(), host_request("entraide.example.org")) == 200);
            CHECK(status_of(server.port(), host_request("localhost")) == 200);
            CHECK(status_of(server.port(), host_request("other.example.org")) == 421);
        }
        {
            server_process server(
                std::vector<std::string>{"--allowed-hosts", "relais.example.org, 10.1.2.3"});
            CHECK(status_of(server.port(), host_request("relais.example.org:8080")) == 200);
            CHECK(status_of(server.port(), host_request("10.1.2.3")) == 200);
            CHECK(status_of(server.port(), host_request("localhost")) == 421);
        }
        {
            server_process server(std::vector<std::string>{"--allowed-hosts", "*"});
            CHECK(status_of(server.port(), host_request("anything.example")) == 200);
        }
    }
}

TEST_CASE("RFC 9112 framing: missing or repeated Host, folded lines, Content-Length lists -> 400") {
    server_process server(std::vector<std::string>{});
    const auto p = server.port();
    CHECK(status_of(p, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n") == 400);
    CHECK(status_of(p, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n") == 400);
    CHECK(status_of(p, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Note: one\r\n two\r\n\r\n") == 400);
    CHECK(status_of(p, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Note: one\r\n\ttwo\r\n\r\n") == 400);
    CHECK(status_of(p,
                    "POST /api/v1/requests HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    "Content-Length: 2, 2\r\n\r\n{}") == 400);
    CHECK(status_of(p,
                    "POST /api/v1/requests HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    "Content-Length: +2\r\n\r\n{}") == 400);
    // HTTP/1.0 may omit Host; a well-formed HTTP/1.1 request is served.
    CHECK(status_of(p, "GET /healthz HTTP/1.0\r\n\r\n") == 200);
    CHECK(status_of(p, host_request("localhost")) == 200);
    // The 400 names the fault.
    const auto res =
        parse_response(raw_exchange(p, "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 3s));
    REQUIRE(res);
    CHECK(problem_detail(*res).find("more than one Host") != std::string::npos);
}

TEST_CASE("Idempotency-Key: scoped to the caller's address, bound to its body") {
    test_city city({"--behind-proxy"});
    auto anon = city.anonymous();
    const std::string key = "0f6c2d9e5b8a4c7e9d1f3a5b7c9e1d3f";
    const auto body = minimal_request("the first caller's request");
    const header_list from_a{{"Idempotency-Key", key}, {"X-Forwarded-For", "198.51.100.10"}};
    const header_list from_b{{"Idempotency-Key", key}, {"X-Forwarded-For", "198.51.100.20"}};
    auto first = anon->post_json("/api/v1/requests", body, from_a);
    REQUIRE(first.status == 201);
    // The same caller retrying: the same answer, nothing created twice.
    auto retry = anon->post_json("/api/v1/requests", body, from_a);
    CHECK(retry.status == 201);
    CHECK(retry.body == first.body);
    // Another address with the same key gets nothing of the first caller's (no id, no tracking code).
    auto other = anon->post_json("/api/v1/requests", body, from_b);
    REQUIRE(other.status == 201);
    CHECK(other.json().at("id") != first.json().at("id"));
    CHECK(other.json().at("tracking_code") != first.json().at("tracking_code"));
    // The same caller, the same key, another body: refused, naming the header; nothing written.
    const auto before = city.staff_count("/api/v1/requests");
    auto changed = anon->post_json("/api/v1/requests", minimal_request("something else entirely"), from_a);
    check_problem(changed, 422);
    CHECK(error_fields(changed) == std::vector<std::string>{"Idempotency-Key"});
    CHECK(city.staff_count("/api/v1/requests") == before);
}

TEST_CASE("database files and backups are owner-only; a database others can read stops the start") {
    relais::testing::temp_dir dir;
    const std::string db = (dir.path() / "relais.db").string();
    {
        server_options o;
        o.dir = dir.path();
        server_process server(o);
        http_client anon(server.port());
        REQUIRE(anon.post_json("/api/v1/requests", minimal_request("a first request")).status == 201);
        for (const char* suffix : {"", "-wal", "-shm"}) {
            INFO(suffix);
            CHECK(open_bits(db + suffix) == 0);
        }
        const std::string backup = (dir.path() / "backup.db").string();
        const std::string cmd =
            std::string(RELAIS_BINARY) + " backup --db '" + db + "' --out '" + backup + "' > /dev/null 2>&1";
        REQUIRE(std::system(cmd.c_str()) == 0);
        CHECK(open_bits(backup) == 0);
        CHECK(server.stop() == 0);
    }
    std::filesystem::permissions(db, std::filesystem::perms::group_read | std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    {
        server_options o;
        o.dir = dir.path();
        o.wait_ready = false;
        server_process refused(o);
        CHECK(refused.wait_exit(10s) == 1);
        CHECK(refused.log().find("chmod 600") != std::string::npos);
    }
    {
        server_options o;
        o.dir = dir.path();
        o.args = {"--allow-shared-db"};
        server_process allowed(o);
        CHECK(allowed.port() != 0);
    }
}
