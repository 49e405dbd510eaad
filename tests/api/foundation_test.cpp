// Black-box tests of the service foundation (issue 2): the real `relais` binary on an ephemeral port with a
// temporary database, spoken to over HTTP and raw TCP.
#include "api/support/file_text.hpp"
#include "api/support/http_client.hpp"
#include "api/support/server_process.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

/// The response is an RFC 9457 problem with the given status.
void check_problem(const http_response& res, unsigned status) {
    INFO(res.describe());
    CHECK(res.status == status);
    CHECK(res.header("Content-Type") == "application/problem+json");
    auto body = res.json();
    REQUIRE(body.is_object());
    const auto& o = body.as_object();
    CHECK(o.contains("type"));
    CHECK(o.contains("title"));
    CHECK(o.contains("detail"));
    REQUIRE(o.contains("status"));
    CHECK(o.at("status").to_number<unsigned>() == status);
}

bool contains(const std::string& haystack, std::string_view needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("relais --help documents the options; a wrong option is refused") {
    server_options help;
    help.args = {"--help"};
    help.wait_ready = false;
    server_process p(help);
    REQUIRE(p.wait_exit(10s) == 0);
    for (auto opt : {"--bind", "--port", "--db", "--threads", "--log-level", "--demo", "RELAIS_PORT"})
        CHECK_MESSAGE(contains(p.log(), opt), opt);

    server_options wrong;
    wrong.args = {"--no-such-option"};
    wrong.wait_ready = false;
    server_process q(wrong);
    CHECK(q.wait_exit(10s) == 64);
    CHECK(contains(q.log(), "unknown option --no-such-option"));
}

TEST_CASE("health, readiness and metrics") {
    server_process server;
    http_client client(server.port());

    auto health = client.get("/healthz");
    CHECK(health.status == 200);
    CHECK(health.header("Content-Type").starts_with("application/json"));
    CHECK(health.json() == json::parse(R"({"status":"ok"})"));

    auto ready = client.get_json("/readyz");
    CHECK(ready.at("status") == "ready");
    CHECK(ready.at("schema_version").to_number<int>() >= 1);

    client.get("/api/v1/nothing");
    auto metrics = client.get("/metrics");
    CHECK(metrics.status == 200);
    CHECK(metrics.header("Content-Type").starts_with("text/plain"));
    CHECK(contains(metrics.body, "relais_http_requests_total"));
    CHECK(contains(metrics.body, R"(relais_http_requests_total{route="/healthz",status="200"} 1)"));
    CHECK(contains(metrics.body, "relais_http_request_duration_seconds_bucket"));
    CHECK(contains(metrics.body, "relais_storage_commit_batch_size"));
    CHECK(contains(metrics.body, "relais_storage_queue_depth"));
    CHECK(contains(metrics.body, "\nrelais_log_lines_dropped_total 0\n"));
}

TEST_CASE("request ids and security headers") {
    server_process server;
    http_client client(server.port());

    auto a = client.get("/healthz");
    auto b = client.get("/healthz");
    CHECK_FALSE(a.header("X-Request-Id").empty());
    CHECK(a.header("X-Request-Id") != b.header("X-Request-Id"));

    auto echoed = client.get("/healthz", {{"X-Request-Id", "trace-42.abc_DEF"}});
    CHECK(echoed.header("X-Request-Id") == "trace-42.abc_DEF");
    // An id the server cannot trust (too long, odd characters) is replaced, not echoed into its logs.
    auto odd = client.get("/healthz", {{"X-Request-Id", "evil id\"; drop"}});
    CHECK(odd.header("X-Request-Id") != "evil id\"; drop");
    CHECK_FALSE(odd.header("X-Request-Id").empty());
    auto long_id = std::string(200, 'a');
    CHECK(client.get("/healthz", {{"X-Request-Id", long_id}}).header("X-Request-Id") != long_id);
    // The access log is written by a thread of its own and flushed within a second.
    CHECK(server.wait_for_log("id=trace-42.abc_DEF", 5s));

    for (const auto* target : {"/healthz", "/", "/api/v1/nothing"}) {
        INFO(target);
        auto res = client.get(target);
        const auto csp = res.header("Content-Security-Policy");
        CHECK_FALSE(csp.empty());
        CHECK_FALSE(contains(csp, "unsafe-inline"));
        CHECK_FALSE(contains(csp, "unsafe-eval"));
        CHECK(contains(csp, "frame-ancestors 'none'"));
        CHECK(res.header("X-Content-Type-Options") == "nosniff");
        CHECK_FALSE(res.header("X-Request-Id").empty());
    }
}

TEST_CASE("errors are problem+json: 404, 405, 400") {
    server_process server;
    http_client client(server.port());

    check_problem(client.get("/api/v1/nothing"), 404);
    check_problem(client.request("DELETE", "/api/v1/nothing/at/all"), 404);

    auto wrong_method = client.request("POST", "/healthz", "{}", {{"Content-Type", "application/json"}});
    check_problem(wrong_method, 405);
    const auto allow = wrong_method.header("Allow");
    CHECK(contains(allow, "GET"));
    CHECK_FALSE(contains(allow, "POST"));

    // Pages are read-only.
    auto page_post =
        client.request("POST", "/", "x=1", {{"Content-Type", "application/x-www-form-urlencoded"}});
    check_problem(page_post, 405);
    CHECK(contains(page_post.header("Allow"), "GET"));

    // A malformed request line: a 400 problem, or at least the connection is closed without an answer.
    for (std::string_view garbage : {"GARBAGE\r\n\r\n", "GET /healthz HTTP/9.9\r\nHost: localhost\r\n\r\n",
                                     "GET  HTTP/1.1\r\n\r\n", "\x01\x02\x03 / HTTP/1.1\r\n\r\n"}) {
        INFO(garbage);
        auto raw = raw_exchange(server.port(), garbage);
        if (!raw.empty()) {
            auto res = parse_response(raw);
            REQUIRE(res);
            check_problem(*res, 400);
        }
    }
    // The server is still fine afterwards.
    CHECK(client.get("/healthz").status == 200);
}

TEST_CASE("body and header limits: 413 and 431") {
    server_process server({"--body-limit", "2048", "--header-limit", "2048"});
    http_client client(server.port());

    auto small =
        client.request("POST", "/api/v1/nothing", std::string(1000, 'x'), {{"Content-Type", "text/plain"}});
    CHECK(small.status == 404);  // within the limit: read, then routed

    // Declared length over the limit.
    std::string big(4096, 'x');
    std::string wire =
        "POST /api/v1/nothing HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: " +
        std::to_string(big.size()) + "\r\n\r\n" + big;
    auto res = parse_response(raw_exchange(server.port(), wire));
    REQUIRE(res);
    check_problem(*res, 413);

    // A chunked body that grows over the limit.
    std::string chunked =
        "POST /api/v1/nothing HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i)
        chunked += "400\r\n" + std::string(1024, 'y') + "\r\n";
    chunked += "0\r\n\r\n";
    auto res2 = parse_response(raw_exchange(server.port(), chunked));
    REQUIRE(res2);
    check_problem(*res2, 413);

    // A header block over the limit.
    auto huge = client.get("/healthz", {{"X-Padding", std::string(4096, 'p')}});
    check_problem(huge, 431);

    CHECK(client.get("/healthz").status == 200);
}

TEST_CASE("static files: content type, validators, conditional GET, HEAD") {
    server_process server;
    http_client client(server.port());
    const std::string index = file_text(std::string(RELAIS_SOURCE_DIR) + "/web/benevole.html");
    REQUIRE_FALSE(index.empty());

    auto page = client.get("/benevole");
    REQUIRE(page.status == 200);
    CHECK(page.header("Content-Type").starts_with("text/html"));
    CHECK(page.body == index);
    const auto etag = page.header("ETag");
    CHECK_FALSE(etag.empty());
    CHECK_FALSE(page.header("Last-Modified").empty());
    CHECK(client.get("/benevole.html").body == index);

    auto again = client.get("/benevole", {{"If-None-Match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.header("ETag") == etag);
    CHECK(client.get("/benevole", {{"If-None-Match", "\"something-else\""}}).status == 200);

    // HEAD: the same headers, Content-Length of the GET body, and not one byte of body on the wire.
    auto raw = raw_exchange(server.port(), "HEAD /benevole HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    const auto end = raw.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    CHECK(raw.substr(end + 4).empty());
    auto head = parse_response(raw, true);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->header("Content-Length") == std::to_string(index.size()));
    CHECK(head->header("ETag") == etag);

    check_problem(client.get("/no-such-page"), 404);
    // The home page is not a file: it is rendered with the programme's name and phone number (pages test).
    CHECK(client.get("/index.html").status == 404);
}

TEST_CASE("static files: no path traversal") {
    server_process server;
    http_client client(server.port());
    // Files a traversal could reach: the system's, and the repository's own (the web root is <source>/web).
    auto leaked = [](const std::string& body) {
        return contains(body, "root:") || contains(body, "cmake_minimum_required") ||
               contains(body, "[core]") || contains(body, "#include");
    };

    // Raw, so no client normalises the dots away.
    for (std::string_view target : {"/../../etc/passwd", "/../CMakeLists.txt", "/../.git/config",
                                    "/web/../../CMakeLists.txt", "/..\\..\\etc\\passwd", "//etc/passwd"}) {
        INFO(target);
        auto raw =
            raw_exchange(server.port(), "GET " + std::string(target) +
                                            " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        CHECK_FALSE(leaked(raw));
        auto res = parse_response(raw);
        REQUIRE(res);
        CHECK(res->status == 404);
        CHECK(res->header("Content-Type") == "application/problem+json");
    }
    for (const std::string target :
         {"/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/CMakeLists.txt", "/..%2f..%2fetc/passwd",
          "/..%2fCMakeLists.txt", "/.git/config", "/%2egit/config", "/a%00b", "/index.html%00.txt",
          "/%5c..%5cetc", "/..%5cCMakeLists.txt", "/%252e%252e/CMakeLists.txt", "/.%2e/service/main.cpp",
          "/%c0%ae%c0%ae/etc/passwd"}) {
        INFO(target);
        auto res = client.get(target);
        CHECK_FALSE(leaked(res.body));
        check_problem(res, 404);
    }
}

TEST_CASE("keep-alive and pipelining") {
    server_process server;
    http_client client(server.port());
    for (int i = 0; i < 5; ++i)
        CHECK(client.get(i % 2 ? "/healthz" : "/").status == 200);
    CHECK(client.connects() == 1);

    // Two requests in one write: two responses, in order, on the same connection.
    timed_socket s;
    s.connect(server.port());
    REQUIRE(
        s.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: first\r\n\r\n"
               "GET /readyz HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: second\r\n\r\n"));
    auto first = s.read_response();
    auto second = s.read_response();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->header("X-Request-Id") == "first");
    CHECK(second->header("X-Request-Id") == "second");
    CHECK(second->json().at("status") == "ready");

    // Connection: close is honoured.
    REQUIRE(s.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    auto last = s.read_response();
    REQUIRE(last);
    CHECK_FALSE(last->keep_alive);
    CHECK(s.receive_until_close(3s).closed);
}

TEST_CASE("a client trickling its headers is cut off at the read timeout; others are served meanwhile") {
    server_process server({"--read-timeout", "1"});
    http_client other(server.port());
    other.set_keep_alive(false);

    timed_socket slow;
    slow.connect(server.port());
    REQUIRE(slow.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n"));
    const auto started = std::chrono::steady_clock::now();
    const std::string trickle = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    bool cut = false;
    int served = 0;
    for (std::size_t i = 0; std::chrono::steady_clock::now() - started < 6s; ++i) {
        slow.send(trickle.substr(i % trickle.size(), 1), 1s);
        auto c = slow.receive_some(100ms);
        if (c.closed) {
            CHECK(c.data.empty());  // no response to a request that never completed
            cut = true;
            break;
        }
        if (i % 3 == 0)
            served += other.get("/healthz").status == 200;
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(cut);
    CHECK(elapsed >= 900ms);
    CHECK(elapsed < 4s);
    CHECK(served >= 2);
    CHECK(other.get("/healthz").status == 200);
}

TEST_CASE("graceful shutdown: an idle keep-alive connection does not hold the process") {
    server_process server;
    http_client client(server.port());
    REQUIRE(client.get("/healthz").status == 200);  // the connection stays open, idle

    const auto started = std::chrono::steady_clock::now();
    CHECK(server.stop(SIGTERM, 10s) == 0);
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(contains(server.log(), "relais stopped cleanly"));
}

TEST_CASE("graceful shutdown: a request in flight is still answered") {
    server_process server;
    timed_socket s;
    s.connect(server.port());
    const std::string body = R"({"note":"half now, half after the signal"})";
    const std::string head =
        "POST /api/v1/nothing HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n";
    REQUIRE(s.send(head + body.substr(0, 10)));
    std::this_thread::sleep_for(300ms);  // the server has the headers and waits for the body

    server.signal(SIGTERM);
    REQUIRE(server.wait_for_log("shutting down", 5s));
    std::this_thread::sleep_for(300ms);
    CHECK(server.running());  // it waits for the request in flight
    REQUIRE(s.send(body.substr(10)));

    auto res = s.read_response(5s);
    REQUIRE(res);
    check_problem(*res, 404);      // answered as usual (no such resource)...
    CHECK_FALSE(res->keep_alive);  // ...and the connection is not kept during shutdown
    CHECK(server.wait_exit(10s) == 0);
    CHECK(contains(server.log(), "relais stopped cleanly"));
}

TEST_CASE("a database newer than the binary is refused") {
    relais::testing::temp_dir dir;
    {
        server_options opts;
        opts.dir = dir.path();
        server_process first(opts);
        REQUIRE(first.stop() == 0);
    }
    const std::string db_path = (dir.path() / "relais.db").string();
    int known = 0;  // migrations applied (their numbers may skip one: a number taken by another branch)
    {
        SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
        known = db.execAndGet("SELECT COUNT(*) FROM schema_version").getInt();
        db.exec("INSERT INTO schema_version(version, name) VALUES (999, 'from the future')");
    }
    REQUIRE(known >= 1);

    server_options again;
    again.dir = dir.path();
    again.wait_ready = false;
    server_process second(again);
    CHECK(second.wait_exit(10s) == 2);
    const auto log = second.log();
    INFO(log);
    CHECK(contains(log, "schema version 999"));
    CHECK(contains(log, "newer"));
    CHECK_FALSE(contains(log, "listening on"));

    // Nothing was changed: the version is still 999 and the known migrations are intact.
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("SELECT MAX(version) FROM schema_version").getInt() == 999);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM schema_version").getInt() == known + 1);
}
