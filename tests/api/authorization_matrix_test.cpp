// The authorization matrix (issue 4): every operation of proto/openapi.yaml called by every kind of caller
// (anonymous, a resident with a tracking code, the volunteer owning the objects, another volunteer, the
// partner owning the objects, another partner, a coordinator, an administrator) against a real server
// holding real objects, each answer checked against what the contract's `x-roles` say. The contract's roles
// are also checked against the service's one route table (api/*_routes.cpp), so the two cannot drift.
//
// Expected answers: not allowed and anonymous -> 401; not allowed and signed in -> 403; a role restricted to
// its own objects (`:own`) calling on someone else's -> 404; allowed -> anything but 401/403/404 and never a
// 5xx. Callers that are allowed send a body with an unknown field on unsafe methods, so most changes are
// refused with a 4xx after the access decision (nothing is changed by the matrix); refused callers send a
// valid body, so a refusal is never a body-validation answer in disguise.
#include "api/support/fixtures.hpp"
#include "domain/missions.hpp"
#include "domain/volunteers.hpp"
#include "support/temp_dir.hpp"
#include "support/wired_server.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

namespace json = boost::json;
using namespace relais::api_test;

namespace {

// --- The contract's operations ---------------------------------------------------------------------------

struct operation {
    std::string method;           ///< upper case
    std::string path;             ///< the template, e.g. /api/v1/missions/{id}/accept
    std::set<std::string> roles;  ///< x-roles entries
    bool loopback = false;        ///< x-allow-loopback
};

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
        s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && s[i] == ' ')
        ++i;
    return s.substr(i);
}

std::size_t indent_of(const std::string& line) {
    std::size_t n = 0;
    while (n < line.size() && line[n] == ' ')
        ++n;
    return n;
}

/// Operations under `paths:` by indentation (paths at 2, methods at 4, their keys at 6), with x-roles.
std::vector<operation> contract_operations() {
    std::ifstream in(std::string(RELAIS_SOURCE_DIR) + "/proto/openapi.yaml");
    REQUIRE(in.good());
    std::vector<operation> ops;
    bool in_paths = false;
    std::string path, raw;
    while (std::getline(in, raw)) {
        const std::string line = trim(raw);
        if (line.empty() || line[0] == '#')
            continue;
        const std::size_t ind = indent_of(raw);
        if (ind == 0) {
            in_paths = line == "paths:";
            continue;
        }
        if (!in_paths)
            continue;
        if (ind == 2 && line[0] == '/') {
            path = line.substr(0, line.find(':'));
        } else if (ind == 4 && !path.empty()) {
            for (const char* m : {"get", "post", "put", "patch", "delete"})
                if (line == std::string(m) + ":") {
                    std::string upper = m;
                    for (auto& c : upper)
                        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                    ops.push_back({upper, path, {}, false});
                }
        } else if (ind == 6 && !ops.empty() && ops.back().path == path) {
            if (line.starts_with("x-roles:")) {
                auto open = line.find('['), close = line.find(']');
                REQUIRE_MESSAGE(open != std::string::npos, "x-roles must be a flow list: " << line);
                std::stringstream list(line.substr(open + 1, close - open - 1));
                std::string item;
                while (std::getline(list, item, ','))
                    ops.back().roles.insert(trim(item));
            } else if (line == "x-allow-loopback: true") {
                ops.back().loopback = true;
            }
        }
    }
    return ops;
}

relais::http::verb verb_of(const std::string& m) {
    using relais::http::verb;
    if (m == "GET")
        return verb::get;
    if (m == "POST")
        return verb::post;
    if (m == "PUT")
        return verb::put;
    if (m == "PATCH")
        return verb::patch;
    return verb::delete_;
}

/// The access table's audience bits the contract's x-roles stand for.
unsigned audiences_of(const operation& op) {
    using namespace relais::auth;
    unsigned bits = op.loopback ? aud_loopback : 0u;
    for (const auto& r : op.roles) {
        const std::string base = r.substr(0, r.find(':'));
        if (base == "public")
            bits |= aud_public;
        else if (base == "admin")
            bits |= aud_admin;
        else if (base == "coordinator")
            bits |= aud_coordinator;
        else if (base == "volunteer")
            bits |= aud_volunteer;
        else if (base == "partner")
            bits |= aud_partner;
        else
            FAIL("unknown x-roles entry '" << r << "' on " << op.method << " " << op.path);
    }
    // "public" already lets everyone in: the roles listed beside it (documentation) add nothing.
    return (bits & aud_public) ? aud_public : bits;
}

// --- Callers and expectations ----------------------------------------------------------------------------

enum caller { anonymous, resident, volunteer, other_volunteer, partner, other_partner, coordinator, admin };
constexpr caller all_callers[] = {anonymous, resident,      volunteer,   other_volunteer,
                                  partner,   other_partner, coordinator, admin};
const char* caller_names[] = {"anon",    "resident", "vol(own)", "vol(other)",
                              "partner", "partner2", "coord",    "admin"};

enum class expect { allowed, allowed_not_found, unauthenticated, forbidden, hidden };

std::string role_of(caller c) {
    switch (c) {
        case volunteer:
        case other_volunteer:
            return "volunteer";
        case partner:
        case other_partner:
            return "partner";
        case coordinator:
            return "coordinator";
        case admin:
            return "admin";
        default:
            return "";
    }
}

bool owns_the_objects(caller c) {
    return c == volunteer || c == partner;
}

/// What the contract says `c` gets from `op` (the tracking-code routes are called with an unknown code by
/// everyone but the resident, so an allowed call answers 404 there).
expect expected(const operation& op, caller c) {
    // The calendar feed's secret is called unknown by everyone too (nobody here made one): 404 when allowed.
    // The one-tap answer's POST takes a form: the matrix's JSON body is refused (415) before the link is
    // looked up, which the contract allows to anyone (public).
    // So does the email confirmation's POST; its GET only shows a button (it looks nothing up): 200.
    const bool form_page =
        op.method == "POST" && (op.path.starts_with("/reponse/") || op.path.starts_with("/confirmer/") ||
                                op.path.starts_with("/desabonner/") || op.path.starts_with("/reserve/"));
    const bool looks_up =
        !(op.method == "GET" && (op.path.starts_with("/confirmer/") || op.path.starts_with("/desabonner/")));
    const bool unknown_code = (op.path.find("{tracking_code}") != std::string::npos && c != resident) ||
                              (op.path.find("{token}") != std::string::npos && !form_page && looks_up);
    // The SMS provider's webhooks: the matrix city has no provider, so they answer 404 to everyone (with one,
    // an unsigned call gets 403 whoever makes it: tests/api/notify_sms_test.cpp).
    const bool provider_webhook = op.method == "POST" && op.path.starts_with("/api/v1/sms/");
    // Web push is off in the matrix city (no --public-url): its key is 404; nobody here has a device either.
    const bool push_off =
        op.path == "/api/v1/push/key" || (op.method == "DELETE" && op.path.starts_with("/api/v1/me/push-"));
    const auto allowed =
        unknown_code || provider_webhook || push_off ? expect::allowed_not_found : expect::allowed;
    if (op.loopback)
        return expect::allowed;  // the tests' clients all connect from 127.0.0.1
    if (op.roles.contains("public"))
        return allowed;
    if (c == anonymous || c == resident)
        return expect::unauthenticated;
    const std::string r = role_of(c);
    if (op.roles.contains(r))
        return allowed;
    if (op.roles.contains(r + ":own")) {
        const bool names_an_object = op.path.find('{') != std::string::npos;
        return !names_an_object || owns_the_objects(c) ? allowed : expect::hidden;
    }
    return expect::forbidden;
}

bool matches(expect e, unsigned status) {
    if (status >= 500)
        return false;
    switch (e) {
        case expect::allowed:
            return status != 401 && status != 403 && status != 404 && status != 405;
        case expect::allowed_not_found:
            return status == 404;
        case expect::unauthenticated:
            return status == 401;
        case expect::forbidden:
            return status == 403;
        case expect::hidden:
            return status == 404;
    }
    return false;
}

const char* expectation_text(expect e) {
    switch (e) {
        case expect::allowed:
            return "ok";
        case expect::allowed_not_found:
            return "ok404";
        case expect::unauthenticated:
            return "401";
        case expect::forbidden:
            return "403";
        case expect::hidden:
            return "404";
    }
    return "?";
}

// --- The city the matrix runs in -------------------------------------------------------------------------

const std::string partner_password = "partner password for tests";

struct matrix_city {
    // --test-clock: the test-clock route then exists for its callers (it answers 404 otherwise), so the
    // matrix sees its access rule at work.
    test_city city{{"--test-clock"}};
    volunteer_account vol_a, vol_b;
    std::string partner_p, partner_q;  // partner association ids
    std::unique_ptr<http_client> partner_client, other_partner_client;
    std::string request_id, resident_id, mission_id, support_id, collective_id, spare_user_id, call_task_id;
    std::string programme_id, campaign_id, round_id;
    created_request tracked;  // the resident's request (tracking code)

    matrix_city() {
        vol_a = city.new_volunteer("matrix-a");
        vol_b = city.new_volunteer("matrix-b");
        partner_p = create_partner("Banque alimentaire");
        partner_q = create_partner("Maison de quartier");
        partner_client = partner_account("p@partners.test", partner_p);
        other_partner_client = partner_account("q@partners.test", partner_q);

        const auto now = now_s();
        // A request with a mission proposed to volunteer A.
        request_id = city.public_request(request_body()).id;
        resident_id =
            std::string(city.staff_get("/api/v1/requests/" + request_id).at("resident_id").as_string());
        mission_id = city.propose(request_id, vol_a.id, now + 86400, now + 86400 + 3600);
        // A support (A accepted a mission of another request) handed over to partner P.
        const auto second = city.public_request(request_body("once", "friendly_call")).id;
        const auto m2 = city.propose(second, vol_a.id, now + 2 * 86400, now + 2 * 86400 + 3600);
        auto acc = vol_a.client->post_json("/api/v1/missions/" + m2 + "/accept", json::object{});
        INFO(acc.describe());
        REQUIRE(acc.status == 200);
        // No message reaches that resident here (no channel on): the coordination has a call to make.
        const auto calls = city.staff_get("/api/v1/call-tasks").at("items").as_array();
        REQUIRE(calls.size() == 1);
        call_task_id = std::string(calls[0].at("id").as_string());
        auto sup = city.staff_get("/api/v1/supports?request_id=" + second).at("items").as_array();
        REQUIRE(sup.size() == 1);
        support_id = std::string(sup[0].at("id").as_string());
        auto ho = city.coordinator().post_json(
            "/api/v1/supports/" + support_id + "/handover",
            json::object{{"partner_id", partner_p}, {"note", "suite"}, {"resident_consent", true}});
        INFO(ho.describe());
        REQUIRE(ho.status == 200);
        // A collective mission posted by partner P.
        auto col = partner_client->post_json("/api/v1/collective-missions",
                                             json::object{{"title", "Collecte de printemps"},
                                                          {"starts_at", iso(now + 3 * 86400)},
                                                          {"ends_at", iso(now + 3 * 86400 + 7200)},
                                                          {"capacity", 5}});
        INFO(col.describe());
        REQUIRE(col.status == 201);
        collective_id = std::string(col.json().at("id").as_string());
        // The resident who tracks their request, and an account the admin may disable.
        tracked = city.public_request(request_body("once", "books"));
        auto spare =
            city.admin().post_json("/api/v1/users", json::object{{"email", "spare@relais.test"},
                                                                 {"role", "coordinator"},
                                                                 {"password", "spare password 2026"}});
        INFO(spare.describe());
        REQUIRE(spare.status == 201);
        spare_user_id = std::string(spare.json().at("id").as_string());
        // The current programme, and a reserve campaign (to a third volunteer who joined the reserve).
        programme_id =
            std::string(city.staff_get("/api/v1/programme").at("current_programme_id").as_string());
        auto reservist = city.new_volunteer("matrix-reserve");
        auto joined = reservist.client->post_json("/api/v1/volunteers/" + reservist.id + "/reserve",
                                                  json::object{{"consent", true}});
        INFO(joined.describe());
        REQUIRE(joined.status == 200);
        auto campaign = city.coordinator().post_json(
            "/api/v1/campaigns", json::object{{"message", "La ville a besoin de vous cet hiver."}});
        INFO(campaign.describe());
        REQUIRE(campaign.status == 201);
        campaign_id = std::string(campaign.json().at("id").as_string());
        // An outreach round over a register of one.
        auto reg = city.coordinator().post_json(
            "/api/v1/register-imports",
            json::object{{"csv",
                          "first_name,last_name,phone,address,neighbourhood\nRose,Lenoir,0299000001,"
                          "3 rue Haute,centre\n"}});
        INFO(reg.describe());
        REQUIRE(reg.status == 200);
        auto round = city.coordinator().post_json(
            "/api/v1/outreach-rounds", json::object{{"name", "Canicule"},
                                                    {"starts_on", iso(now + 86400).substr(0, 10)},
                                                    {"ends_on", iso(now + 5 * 86400).substr(0, 10)}});
        INFO(round.describe());
        REQUIRE(round.status == 201);
        round_id = std::string(round.json().at("id").as_string());
    }

    std::string create_partner(const std::string& name) {
        auto res = city.coordinator().post_json("/api/v1/partners", json::object{{"name", name}});
        INFO(res.describe());
        REQUIRE(res.status == 201);
        return std::string(res.json().at("id").as_string());
    }

    std::unique_ptr<http_client> partner_account(const std::string& email, const std::string& partner_id) {
        auto res = city.admin().post_json("/api/v1/users", json::object{{"email", email},
                                                                        {"role", "partner"},
                                                                        {"password", partner_password},
                                                                        {"partner_id", partner_id}});
        INFO(res.describe());
        REQUIRE(res.status == 201);
        return city.signed_in(email, partner_password);
    }

    std::unique_ptr<http_client> anon, resident_client;

    http_client& client_of(caller c) {
        switch (c) {
            case anonymous:
                if (!anon)
                    anon = city.anonymous();
                return *anon;
            case resident:
                if (!resident_client)
                    resident_client = city.anonymous();
                return *resident_client;
            case volunteer:
                return *vol_a.client;
            case other_volunteer:
                return *vol_b.client;
            case partner:
                return *partner_client;
            case other_partner:
                return *other_partner_client;
            case coordinator:
                return city.coordinator();
            case admin:
                return city.admin();
        }
        throw std::logic_error("caller");
    }

    /// The path with real ids: objects of volunteer A and partner P.
    std::string target_of(const operation& op, caller c) {
        std::string out;
        std::string_view rest = op.path;
        std::string previous;  // the segment before a parameter names its kind
        while (!rest.empty()) {
            const auto open = rest.find('{');
            if (open == std::string_view::npos) {
                out += rest;
                break;
            }
            out += rest.substr(0, open);
            const auto close = rest.find('}', open);
            const std::string param(rest.substr(open + 1, close - open - 1));
            const std::string before = out.substr(0, out.size() - 1);
            previous = before.substr(before.rfind('/') + 1);
            out += value_of(param, previous, c, op);
            rest.remove_prefix(close + 1);
        }
        return out;
    }

    std::string value_of(const std::string& param, const std::string& kind, caller c, const operation& op) {
        if (param == "tracking_code")
            return c == resident ? tracked.tracking_code : "7777-7777-7777-7777";
        if (param == "token" && kind == "calendar")
            return std::string(64, 'a') + ".ics";  // well formed, made by nobody
        if (param == "token" && (kind == "reponse" || kind == "reserve"))
            return std::string(43, 'a');  // a one-tap answer or campaign link: well formed, made by nobody
        if (param == "lang" && kind == "message-templates")
            return "fr";
        if (param == "key")
            return "msg.proposal.subject";
        if (param == "token" && (kind == "confirmer" || kind == "desabonner"))
            return std::string(64, 'a');  // an email confirmation link: well formed, made by nobody
        if (param == "code" && kind == "categories")
            return "shopping";
        if (param == "category" && kind == "trainings")
            return "shopping";
        if (param == "id") {
            if (kind == "volunteers")
                return vol_a.id;
            if (kind == "requests")
                return request_id;
            if (kind == "residents")
                return resident_id;
            if (kind == "missions")
                return mission_id;
            if (kind == "supports")
                return support_id;
            if (kind == "partners")
                return partner_p;
            if (kind == "collective-missions")
                return collective_id;
            if (kind == "users")
                return spare_user_id;
            if (kind == "call-tasks")
                return call_task_id;
            if (kind == "programmes")
                return programme_id;
            if (kind == "campaigns")
                return campaign_id;
            if (kind == "outreach-rounds")
                return round_id;
            if (kind == "push-subscriptions")
                return "psh_nobodysdevice01";  // well formed, nobody's
        }
        FAIL("the matrix has no object for {" << param << "} after /" << kind << "/ (" << op.method << " "
                                              << op.path << "): add one to matrix_city");
        return "";
    }
};

/// A valid body for `op`, sent by callers who must be refused (so the refusal is not a validation error).
json::value valid_body(const operation& op) {
    const auto& p = op.path;
    auto ends_with = [&](std::string_view s) { return p.ends_with(s); };
    if (ends_with("/decline"))
        return json::object{{"reason", relais::domain::decline_reasons.front()}};
    if (ends_with("/drop"))
        return json::object{{"reason", relais::domain::drop_reasons.front()}};
    if (ends_with("/cancel") && p.starts_with("/api/v1/missions"))
        return json::object{{"reason", relais::domain::cancel_reasons.front()}};
    if (ends_with("/withdraw"))
        return json::object{{"reason", relais::domain::withdrawal_reasons.front()}};
    if (ends_with("/complete"))
        return json::object{
            {"report", {{"duration_minutes", 30}, {"outcome", relais::domain::report_outcomes.front()}}}};
    if (ends_with("/call-outcome"))
        return json::object{{"outcome", "reached_fine"}};
    if (ends_with("/close"))
        return json::object{{"outcome", "fulfilled"}};
    if (p.starts_with("/api/v1/message-templates/"))
        return json::object{{"text", "Une mission : {category}"}};
    if (p == "/api/v1/programme")
        return json::object{{"retention_days", 200}};
    if (p == "/api/v1/neighbourhoods")  // a dry run: an allowed caller would change nothing either
        return json::object{{"file", "name,lat,lon\nIntrus,48.1,-1.6\n"}, {"dry_run", true}};
    if (p == "/api/v1/users")
        return json::object{
            {"email", "intruder@relais.test"}, {"role", "admin"}, {"password", "intruder password"}};
    return json::object{};
}

}  // namespace

TEST_CASE("the contract's x-roles and the route table agree on every operation") {
    relais::testing::temp_dir dir;
    relais::store::store_options so;
    so.path = dir.file("routes.db");
    so.readers = 1;
    relais::store::store db(so);
    const relais::testing::wired_server wired(db);
    const auto ops = contract_operations();
    REQUIRE(ops.size() > 60);
    for (const auto& op : ops) {
        INFO(op.method << " " << op.path);
        CHECK_FALSE(op.roles.empty());
        const auto* declared = wired.routes.find(verb_of(op.method), op.path);
        REQUIRE_MESSAGE(declared != nullptr, "no declared route");
        const auto* rule = &declared->access;
        const unsigned table_bits =
            (rule->allowed & relais::auth::aud_public) ? unsigned(relais::auth::aud_public) : rule->allowed;
        CHECK(table_bits == audiences_of(op));
    }
    db.stop();
}

TEST_CASE("authorization matrix: every operation of the contract, called by every kind of caller") {
    auto ops = contract_operations();
    REQUIRE(ops.size() > 60);
    // Signing out ends the callers' sessions: last.
    std::stable_partition(ops.begin(), ops.end(),
                          [](const operation& o) { return o.path != "/api/v1/auth/logout"; });

    matrix_city m;
    const json::value probe = json::object{{"authorization_matrix_probe", true}};
    std::ostringstream table;
    int wrong = 0, calls = 0;
    table << std::left << std::setw(58) << "operation";
    for (auto c : all_callers)
        table << std::setw(11) << caller_names[c];
    table << "\n";
    for (const auto& op : ops) {
        std::ostringstream row;
        bool row_wrong = false;
        row << std::left << std::setw(58) << (op.method + " " + op.path);
        for (auto c : all_callers) {
            const expect e = expected(op, c);
            const std::string target = m.target_of(op, c);
            auto& client = m.client_of(c);
            http_response res;
            if (op.method == "GET")
                res = client.get(target);
            else
                res = client.send_json(op.method, target, e == expect::allowed ? probe : valid_body(op));
            ++calls;
            std::string cell = std::to_string(res.status);
            if (!matches(e, res.status)) {
                cell += "!" + std::string(expectation_text(e));
                row_wrong = true;
                ++wrong;
            }
            row << std::setw(11) << cell;
        }
        table << row.str() << (row_wrong ? "  <-- WRONG" : "") << "\n";
    }
    INFO(
        "statuses by operation and caller; 'S!E' = got S, expected E (ok = anything but 401/403/404/5xx, "
        "ok404 = allowed call on an unknown tracking code)\n"
        << table.str());
    CHECK(calls == static_cast<int>(ops.size() * std::size(all_callers)));
    CHECK(wrong == 0);
}
