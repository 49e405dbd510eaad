// A city's map file (up to 1 MiB of GeoJSON or CSV, PUT /api/v1/neighbourhoods) is parsed on the workers,
// never on an I/O thread: with the workers held, the import waits while the I/O thread still answers others.
// No timing is asserted: the import cannot finish while its only worker is held, whatever the machine's
// speed.
#include "api/routes.hpp"
#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "auth/sessions.hpp"
#include "http/dispatcher.hpp"
#include "support/demo_map.hpp"
#include "support/temp_dir.hpp"
#include "support/wired_server.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <future>
#include <list>
#include <optional>
#include <sstream>

namespace asio = boost::asio;
namespace http = relais::http;
namespace json = boost::json;
using namespace relais;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("a map import is parsed on the workers: held workers hold it, the I/O thread answers meanwhile") {
    testing::temp_dir dir;
    const std::string path = dir.file("map.db");
    testing::migrate_with_demo_map(path);
    std::string cookie, csrf;
    {
        SQLite::Database d(path, SQLite::OPEN_READWRITE);
        auth::new_account a;
        a.email = "admin@map.example";
        a.r = auth::role::admin;
        a.password_hash = auth::hash_password("map workers test 2026");
        const auto now = auth::wall_now_s();
        const auto s = auth::create_session(d, auth::insert_account(d, a, now), now, 3600, 3600, "");
        cookie = std::string(auth::session_cookie_name(false)) + "=" + s.token;
        csrf = s.csrf_token;
    }
    // Declared before the store: a store thread may still release its hold on it just after an answer.
    asio::io_context ioc;
    store::store_options so;
    so.path = path;
    so.sync = store::sync_mode::normal;
    so.readers = 1;
    store::store db(so);
    {
        testing::wired_server app(db);
        std::list<http::request> sent;
        auto call = [&](http::verb method, const std::string& target, std::string body,
                        std::optional<http::response>& out) {
            // dispatch holds the request by reference until it answers: kept in `sent`.
            http::request& req = sent.emplace_back(method, target, 11);
            req.set(http::bhttp::field::host, "localhost");
            req.set(http::bhttp::field::content_type, "application/json");
            req.set(http::bhttp::field::cookie, cookie);
            req.set("X-CSRF-Token", csrf);
            req.body() = std::move(body);
            req.prepare_payload();
            static const std::string client = "127.0.0.1";
            asio::co_spawn(ioc, http::dispatch(*app.web, req, client, "test"),
                           [&out](std::exception_ptr e, http::response r) {
                               REQUIRE_FALSE(e);
                               out = std::move(r);
                           });
        };
        auto run_until = [&](auto done, int rounds) {
            for (int i = 0; i < rounds && !done(); ++i) {
                ioc.restart();
                ioc.run_for(std::chrono::milliseconds(10));
            }
        };

        // The one worker (the test server has one) waits on a gate, opened whatever happens (the server's
        // end joins the workers).
        struct gate_t {
            std::promise<void> p;
            bool open = false;
            void set() {
                if (!open)
                    p.set_value();
                open = true;
            }
            ~gate_t() { set(); }
        } gate;
        asio::post(app.workers, [held = gate.p.get_future().share()] { held.wait(); });

        const std::string file =
            read_file(std::string(RELAIS_SOURCE_DIR) + "/data/demo/rennes-quartiers.csv");
        REQUIRE(file.size() > 100);
        std::optional<http::response> imported, listed;
        call(http::verb::put, "/api/v1/neighbourhoods",
             json::serialize(json::object{{"file", file}, {"dry_run", true}}), imported);
        call(http::verb::get, "/api/v1/neighbourhoods", "", listed);
        run_until([&] { return listed.has_value(); }, 500);
        REQUIRE(listed);
        CHECK(listed->result_int() == 200);
        run_until([] { return false; }, 20);  // 200 ms more: still no answer, its parse waits for the worker
        CHECK_FALSE(imported);

        gate.set();
        run_until([&] { return imported.has_value(); }, 1000);
        REQUIRE(imported);
        CHECK(imported->result_int() == 200);
        const auto answer = json::parse(imported->body()).as_object();
        CHECK(answer.at("dry_run").as_bool());
        CHECK(answer.at("added").as_int64() + answer.at("updated").as_int64() > 0);

        // A faulty file is refused by the same path (422 naming the file), nothing kept.
        std::optional<http::response> refused;
        call(http::verb::put, "/api/v1/neighbourhoods",
             json::serialize(json::object{{"file", "code,name\n"}}), refused);
        run_until([&] { return refused.has_value(); }, 1000);
        REQUIRE(refused);
        CHECK(refused->result_int() == 422);
        CHECK(refused->body().find("file") != std::string::npos);
    }
    db.stop();
}
