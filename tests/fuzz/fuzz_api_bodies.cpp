// libFuzzer target: every request-body decoder, through the same path a real request takes. The bytes are
// the body of a POST/PATCH/PUT sent to one of the routes of the route table (so a new route is
// fuzzed as soon as it is declared), handed to http::dispatch exactly as the connection loop does:
// session, CSRF, access table, the handler's JSON or form decoding, the domain functions and the store.
// The database is a real one in a temporary folder, with fixtures (a volunteer, a request, a mission, a
// partner...) so the routes that take an id reach their decoders.
//
// Input: byte 0 chooses the route, byte 1 the caller (admin, volunteer or anonymous) and the media type
// (JSON or form), the rest is the body. Invariant: the answer is never a 5xx (the dispatcher turns any
// unexpected exception into a 500, which is a bug: it is logged at error level, then this target aborts).
#include "api/routes.hpp"
#include "app/config.hpp"
#include "auth/accounts.hpp"
#include "auth/password.hpp"
#include "auth/sessions.hpp"
#include "domain/missions.hpp"
#include "domain/partners.hpp"
#include "domain/requests.hpp"
#include "domain/supports.hpp"
#include "domain/volunteers.hpp"
#include "http/dispatcher.hpp"
#include "store/migrations.hpp"
#include "support/demo_map.hpp"
#include "support/wired_server.hpp"

#include <SQLiteCpp/Statement.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

namespace {

namespace asio = boost::asio;
namespace http = relais::http;
namespace domain = relais::domain;
namespace auth = relais::auth;

struct route {
    http::verb method;
    std::string pattern, target;
    unsigned allowed;
};

struct caller {
    std::string cookie, csrf;
};

/// The application as the runner wires it, on a temporary database, with fixtures.
struct harness {
    std::filesystem::path dir;
    relais::app::config cfg;
    std::unique_ptr<relais::store::store> db;
    relais::core::clock clk{false};  // the fixtures' time
    std::unique_ptr<relais::testing::wired_server> app;
    // One I/O context for the whole run: a store thread may still be releasing its hold on it just after
    // the answer arrived, so it must outlive every call (as the server's does).
    asio::io_context ioc;
    std::vector<route> routes;
    caller admin, volunteer;

    harness() {
        if (sodium_init() < 0)
            std::abort();
        spdlog::set_level(spdlog::level::err);  // a 500's cause is logged at error level
        char tmpl[] = "/tmp/relais-fuzz-XXXXXX";
        if (!mkdtemp(tmpl))
            std::abort();
        dir = tmpl;
        cfg.db = (dir / "fuzz.db").string();
        cfg.synchronous = "normal";
        cfg.public_post_limit = 0;
        cfg.login_limit = 0;
        relais::testing::migrate_with_demo_map(cfg.db);
        std::map<std::string, std::string> ids = fixtures();

        relais::store::store_options so;
        so.path = cfg.db;
        so.sync = relais::store::sync_mode::normal;
        so.readers = 1;
        db = std::make_unique<relais::store::store>(so);
        app = std::make_unique<relais::testing::wired_server>(*db, false, 0);
        app->calls.set_policy(http::call_policy_of(0, cfg.public_post_window, ""));

        for (const auto& rule : app->routes.routes()) {
            if (rule.method != http::verb::post && rule.method != http::verb::patch &&
                rule.method != http::verb::put)
                continue;
            std::string target(rule.pattern);
            for (auto open = target.find('{'); open != std::string::npos; open = target.find('{')) {
                const auto close = target.find('}', open);
                // The collection before the parameter names the fixture: /missions/{id} -> a mission id.
                const auto slash = target.rfind('/', open - 2);
                const std::string collection = target.substr(slash + 1, open - 2 - slash);
                const auto it = ids.find(collection);
                target.replace(open, close - open + 1, it != ids.end() ? it->second : "unknown_id");
            }
            routes.push_back({rule.method, std::string(rule.pattern), target, rule.access.allowed});
        }
        // A stable order (by pattern, then method), so a corpus file keeps meaning the same route.
        std::sort(routes.begin(), routes.end(), [](const route& a, const route& b) {
            return std::tie(a.pattern, a.method) < std::tie(b.pattern, b.method);
        });
    }

    ~harness() {
        app.reset();
        db->stop();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }

    /// Accounts, sessions and one of each object, written straight through the domain functions.
    std::map<std::string, std::string> fixtures() {
        SQLite::Database d(cfg.db, SQLite::OPEN_READWRITE);
        d.exec("PRAGMA foreign_keys=ON");
        const auto now = clk.now_s();
        const domain::actor sys = domain::system_actor();
        const std::string hash = auth::hash_password("fuzzing password 2026");
        std::map<std::string, std::string> ids;

        auth::new_account a;
        a.email = "admin@fuzz.example";
        a.r = auth::role::admin;
        a.password_hash = hash;
        const std::string admin_id = auth::insert_account(d, a, now);

        domain::volunteer_input vin;
        vin.first_name = "Fuzz";
        vin.last_name = "Volunteer";
        vin.email = "volunteer@fuzz.example";
        vin.phone = "+33612345678";
        vin.neighbourhood = "centre";
        vin.skills = {"shopping"};
        vin.availability = {{0, 540, 720}};
        vin.languages = {"fr"};
        const std::string vol = domain::register_volunteer(d, vin, hash, now, sys);
        domain::activate_volunteer(d, vol, now, sys);
        ids["volunteers"] = vol;
        SQLite::Statement u(d, "SELECT id FROM users WHERE volunteer_id = ?");
        u.bind(1, vol);
        if (!u.executeStep())
            std::abort();
        const std::string vol_user = u.getColumn(0).getString();

        domain::request_input rin;
        rin.resident = domain::resident_input{};
        rin.resident->first_name = "Fuzz";
        rin.resident->last_name = "Resident";
        rin.resident->phone = "+33687654321";
        rin.resident->address = "1 rue de Brest, Rennes";
        rin.resident->neighbourhood = "centre";
        rin.category = "shopping";
        rin.urgency = "week";
        rin.recurrence = "weekly";
        rin.channel = "phone";
        rin.window_from = now + 86400;
        rin.window_until = now + 30 * 86400;
        auto req = domain::create_request(d, rin, now, sys);
        ids["requests"] = req.id;
        ids["residents"] = req.resident_id;
        ids["track"] = req.tracking_code;
        // An accepted mission (which puts a support in place), then a proposal waiting for an answer.
        const auto first =
            domain::propose_mission(d, req.id, vol, now + 2 * 86400, now + 2 * 86400 + 3600, now, sys);
        domain::accept_mission(d, first, now, sys);
        auto support = domain::active_support(d, req.id);
        if (!support)
            std::abort();
        ids["supports"] = support->id;
        ids["missions"] =
            domain::propose_mission(d, req.id, vol, now + 9 * 86400, now + 9 * 86400 + 3600, now, sys);
        ids["partners"] = domain::create_partner(d, "Fuzz Association", "association", std::nullopt,
                                                 std::nullopt, now, sys);
        domain::collective_input cin;
        cin.partner_id = ids["partners"];
        cin.title = "Distribution alimentaire";
        cin.starts_at = now + 3 * 86400;
        cin.ends_at = now + 3 * 86400 + 7200;
        cin.capacity = 5;
        ids["collective-missions"] = domain::create_collective(d, cin, now, sys);
        ids["categories"] = "shopping";
        auth::new_account spare;  // the one /users/{id}/disable may disable, so the callers' sessions live on
        spare.email = "spare@fuzz.example";
        spare.r = auth::role::coordinator;
        spare.password_hash = hash;
        ids["users"] = auth::insert_account(d, spare, now);

        auto session = [&](const std::string& user_id) {
            auto s = auth::create_session(d, user_id, now, 12 * 3600, 3600, "");
            return caller{std::string(auth::session_cookie_name(false)) + "=" + s.token, s.csrf_token};
        };
        admin = session(admin_id);
        volunteer = session(vol_user);
        return ids;
    }

    http::response call(const route& r, int who, bool form, std::string body) {
        http::request req{r.method, r.target, 11};
        req.set(http::bhttp::field::host, "fuzz.example");
        req.set(http::bhttp::field::content_type,
                form ? "application/x-www-form-urlencoded" : "application/json");
        const caller* c = who == 0 ? &admin : who == 1 ? &volunteer : nullptr;
        if (c) {
            req.set(http::bhttp::field::cookie, c->cookie);
            req.set("X-CSRF-Token", c->csrf);
        }
        req.body() = std::move(body);
        req.prepare_payload();
        std::optional<http::response> res;
        // dispatch keeps references to the request and the client address across suspensions (a
        // connection owns both): they must outlive the coroutine.
        const std::string client = "127.0.0.1";
        asio::co_spawn(ioc, http::dispatch(*app->web, req, client, "fuzz"),
                       [&](std::exception_ptr e, http::response out) {
                           if (e)
                               std::abort();  // dispatch promises never to throw
                           res = std::move(out);
                       });
        // Store jobs complete on their own threads and post back here: run until the answer is in.
        while (!res) {
            ioc.restart();
            ioc.run_for(std::chrono::milliseconds(5));
        }
        return std::move(*res);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static harness h;
    if (size < 2 || h.routes.empty())
        return 0;
    const auto& r = h.routes[data[0] % h.routes.size()];
    const int who = data[1] % 3;
    const bool form = (data[1] / 3) % 4 == 3;  // mostly JSON
    auto res = h.call(r, who, form, std::string(reinterpret_cast<const char*>(data + 2), size - 2));
    if (res.result_int() >= 500) {
        std::cerr << "5xx from " << boost::beast::http::to_string(r.method) << " " << r.target << ": "
                  << res.result_int() << " " << res.body() << "\n";
        std::abort();
    }
    return 0;
}
