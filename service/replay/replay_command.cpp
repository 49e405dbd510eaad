#include "replay/replay_command.hpp"

#include "auth/user_command.hpp"
#include "domain/time_format.hpp"
#include "replay/child_server.hpp"
#include "replay/http_client.hpp"
#include "replay/season.hpp"
#include "stats/report.hpp"

#include <sodium.h>
#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>

namespace relais::replay {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr int exit_mismatch = 1;
constexpr int exit_failed = 2;
constexpr int exit_usage = 64;

const char* usage =
    "usage: relais replay (--db PATH | --url http://HOST:PORT) [--seed N] [--scale X] [--weeks W]\n"
    "                     [--silent-rounds N] [--second-programme W]\n"
    "  --db PATH    create a database at PATH (it must not exist), an admin and a coordinator account,\n"
    "               start a server on it with --test-clock, play the season, stop the server (its log:\n"
    "               PATH.log)\n"
    "  --url URL    use a running server started with --test-clock --public-post-limit 0 on a fresh\n"
    "               database; its accounts come from RELAIS_REPLAY_ADMIN_EMAIL,\n"
    "               RELAIS_REPLAY_ADMIN_PASSWORD, RELAIS_REPLAY_COORDINATOR_EMAIL and\n"
    "               RELAIS_REPLAY_COORDINATOR_PASSWORD\n"
    "  --seed N     the season's random seed (default 1): the same seed plays the same season\n"
    "  --scale X    1 approximates Rennes 2020-2021 (509 volunteers registered, 171 residents); 0.05 runs\n"
    "               in seconds (default 1)\n"
    "  --weeks W    length of the season in weeks, 4..52 (default 20)\n"
    "  --silent-rounds N  dispatch rounds whose proposals partly go unanswered and are expired by the\n"
    "               server's own maintenance tick, 0..10 (default one per eight weeks, at least one); the\n"
    "               replay waits for the tick (up to 30 s each) with the clock frozen at the expiry time\n"
    "  --second-programme W  after the season, its programme is closed (running supports reviewed),\n"
    "               volunteers join the reserve, and 44 weeks later a campaign calls the reserve back for\n"
    "               W weeks of a second programme, 0..26 (default 6; 0: the season alone)\n"
    "The season's city is the demo's Rennes: its admin first sets the coordination's phone and imports\n"
    "its twelve neighbourhoods (data/demo/rennes-quartiers.csv) through the API.\n"
    "Prints the season's ground truth and the server's GET /api/v1/stats/summary side by side (headline\n"
    "figures, then every value of three or four periods compared; with a second programme, the reserve's\n"
    "figures and each programme's requests too), progress on standard error.\n"
    "Exits 0 when the server's figures equal the season's ground truth, 1 when any differs, 2 when the\n"
    "season could not be played (server unreachable or refusing, unexpected answer), 64 on bad usage.\n";

std::string random_password() {
    unsigned char bytes[18];
    randombytes_buf(bytes, sizeof bytes);
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string out;
    for (unsigned char b : bytes)
        out += alphabet[b % (sizeof alphabet - 1)];
    return out;
}

/// Every value of a summary under a readable key ("figures.missions_done", "by_category.walk.requests"...).
std::map<std::string, std::string> flatten(const stats::summary& s, const domain::city_time& city) {
    std::map<std::string, std::string> out;
    const auto body = stats::summary_json(s, {}, city);
    for (const auto& [section, v] : body.as_object()) {
        if (section == "period")
            continue;
        if (v.is_object()) {
            for (const auto& [k, x] : v.as_object())
                out[std::string(section) + "." + std::string(k)] = json::serialize(x);
            continue;
        }
        for (const auto& row : v.as_array()) {
            const auto& o = row.as_object();
            std::string name;
            for (const auto& [k, x] : o) {  // the row's first fields name it
                if (!x.is_string() || k == "label_fr" || k == "label_en" || k == "name" || k == "starts_on")
                    continue;
                name += "." + std::string(x.as_string());
            }
            if (section == "retention")
                name = "." + json::serialize(o.at("weeks")) + "w";
            for (const auto& [k, x] : o)
                if (!x.is_string() && k != "weeks" && k != "rate")
                    out[std::string(section) + name + "." + std::string(k)] = json::serialize(x);
        }
    }
    return out;
}

struct comparison {
    std::size_t compared = 0;
    std::vector<std::string> differences;
};

comparison compare(const stats::summary& truth, const stats::summary& server, const domain::city_time& city) {
    comparison c;
    const auto a = flatten(truth, city), b = flatten(server, city);
    std::map<std::string, std::pair<std::string, std::string>> all;
    for (const auto& [k, v] : a)
        all[k].first = v;
    for (const auto& [k, v] : b)
        all[k].second = v;
    for (const auto& [k, v] : all) {
        ++c.compared;
        const std::string x = v.first.empty() ? "0" : v.first, y = v.second.empty() ? "0" : v.second;
        if (x != y)
            c.differences.push_back(k + ": replay " + x + ", server " + y);
    }
    if (truth.p != server.p)
        c.differences.push_back("period: replay " + domain::format_iso8601(truth.p.from) + ".." +
                                domain::format_iso8601(truth.p.until) + ", server " +
                                domain::format_iso8601(server.p.from) + ".." +
                                domain::format_iso8601(server.p.until));
    return c;
}

json::value server_summary(http_client& c, const std::string& query) {
    auto a = c.get("/api/v1/stats/summary" + query);
    if (a.status != 200)
        throw std::runtime_error("GET /api/v1/stats/summary" + query + ": " + a.describe());
    return a.json();
}

const char* const reserve_keys[] = {"members",   "joined",     "reactivated",           "left",
                                    "campaigns", "recipients", "campaign_reactivations"};

/// The bilan's reserve figures (engagement.reserve) of a period, from the season's own record.
std::map<std::string, std::int64_t> reserve_truth(const second_programme& s, const stats::period& p) {
    std::map<std::string, std::int64_t> m;
    for (const char* k : reserve_keys)
        m[k] = 0;
    for (const auto& f : s.reserve) {
        if (f.joined_at < p.until && (!f.left_at || *f.left_at >= p.until))
            ++m["members"];
        if (f.joined_at >= p.from && f.joined_at < p.until)
            ++m["joined"];
        if (f.left_at && *f.left_at >= p.from && *f.left_at < p.until)
            ++m[f.left_reason == "reactivated" ? "reactivated" : "left"];
    }
    if (s.played && s.campaign_at >= p.from && s.campaign_at < p.until) {
        m["campaigns"] = 1;
        m["recipients"] = s.recipients;
        // campaign_reactivations stays 0: its links travel in messages, which the replay's server does not
        // send, so the season's members answer from their space or by phone instead.
    }
    return m;
}

std::int64_t number_or_zero(const json::value& v) {
    return v.is_number() ? v.to_number<std::int64_t>() : 0;
}

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

}  // namespace

int run_replay_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::map<std::string, std::string> opts;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        if (name == "--help" || name == "-h") {
            out << usage;
            return 0;
        }
        if (!name.starts_with("--") || i + 1 >= args.size()) {
            err << "relais replay: unexpected argument '" << name << "'\n" << usage;
            return exit_usage;
        }
        name = name.substr(2);
        if (name != "db" && name != "url" && name != "seed" && name != "scale" && name != "weeks" &&
            name != "silent-rounds" && name != "second-programme") {
            err << "relais replay: unknown option --" << name << "\n" << usage;
            return exit_usage;
        }
        opts[name] = args[++i];
    }
    if (opts.count("db") == opts.count("url")) {
        err << "relais replay: give either --db or --url\n" << usage;
        return exit_usage;
    }
    season_options so;
    so.second_programme_weeks = 6;
    try {
        if (opts.count("seed"))
            so.seed = std::stoull(opts["seed"]);
        if (opts.count("scale"))
            so.scale = std::stod(opts["scale"]);
        if (opts.count("weeks"))
            so.weeks = std::stoi(opts["weeks"]);
        if (opts.count("silent-rounds"))
            so.silent_rounds = std::stoi(opts["silent-rounds"]);
        if (opts.count("second-programme"))
            so.second_programme_weeks = std::stoi(opts["second-programme"]);
    } catch (const std::exception&) {
        err << "relais replay: --seed, --scale, --weeks, --silent-rounds and --second-programme take "
               "numbers\n";
        return exit_usage;
    }
    if (opts.count("silent-rounds") && (so.silent_rounds < 0 || so.silent_rounds > 10)) {
        err << "relais replay: --silent-rounds must be in 0..10\n";
        return exit_usage;
    }
    if (so.second_programme_weeks < 0 || so.second_programme_weeks > 26) {
        err << "relais replay: --second-programme must be in 0..26\n";
        return exit_usage;
    }
    if (!(so.scale > 0 && so.scale <= 20) || so.weeks < 4 || so.weeks > 52) {
        err << "relais replay: --scale must be in (0, 20] and --weeks in 4..52\n";
        return exit_usage;
    }
    if (sodium_init() < 0) {
        err << "relais replay: libsodium failed to initialise\n";
        return exit_failed;
    }

    try {
        std::unique_ptr<child_server> server;
        std::string host, admin_email, admin_password, coordinator_email, coordinator_password;
        std::uint16_t port = 0;
        if (opts.count("db")) {
            const std::string db = opts["db"];
            if (fs::exists(db)) {
                err << "relais replay: " << db << " already exists; the season needs a new database\n";
                return exit_usage;
            }
            admin_email = "replay-admin@relais.test";
            coordinator_email = "replay-coordination@relais.test";
            admin_password = random_password();
            coordinator_password = random_password();
            for (const auto& [role, email, password] :
                 {std::tuple{"admin", admin_email, admin_password},
                  std::tuple{"coordinator", coordinator_email, coordinator_password}}) {
                std::istringstream pw(password + "\n");
                std::ostringstream id, problems;
                if (auth::run_user_command({"add", "--db", db, "--role", role, "--email", email}, pw, id,
                                           problems) != 0) {
                    err << "relais replay: creating the " << role << " account failed: " << problems.str();
                    return exit_failed;
                }
            }
            err << "relais replay: starting a server on " << db << " (log: " << db << ".log)\n";
            server = std::make_unique<child_server>(db, db + ".log", std::vector<std::string>{});
            host = "127.0.0.1";
            port = server->port();
        } else {
            auto parsed = http_client::parse_url(opts["url"]);
            if (!parsed) {
                err << "relais replay: --url must look like http://127.0.0.1:8080\n";
                return exit_usage;
            }
            std::tie(host, port) = *parsed;
            admin_email = env_or_empty("RELAIS_REPLAY_ADMIN_EMAIL");
            admin_password = env_or_empty("RELAIS_REPLAY_ADMIN_PASSWORD");
            coordinator_email = env_or_empty("RELAIS_REPLAY_COORDINATOR_EMAIL");
            coordinator_password = env_or_empty("RELAIS_REPLAY_COORDINATOR_PASSWORD");
            if (admin_email.empty() || admin_password.empty() || coordinator_email.empty() ||
                coordinator_password.empty()) {
                err << "relais replay: with --url, set RELAIS_REPLAY_ADMIN_EMAIL, "
                       "RELAIS_REPLAY_ADMIN_PASSWORD, "
                       "RELAIS_REPLAY_COORDINATOR_EMAIL and RELAIS_REPLAY_COORDINATOR_PASSWORD\n";
                return exit_usage;
            }
        }

        http_client admin(host, port), coordinator(host, port);
        admin.sign_in(admin_email, admin_password);
        coordinator.sign_in(coordinator_email, coordinator_password);
        const auto started = std::chrono::steady_clock::now();
        err << "relais replay: seed " << so.seed << ", scale " << so.scale << ", " << so.weeks << " weeks\n";
        auto result = play_season(admin, coordinator, host, port, so, err);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

        // The comparisons: the whole season (explicit bounds), the default period (the current programme's
        // start
        // .. now: the season's, or with a second programme the second's), a period with date-time bounds
        // inside days, and with a second programme both programmes together.
        struct check {
            std::string name, query;
            stats::period p;
        };
        // The default period starts at the city's midnight of the programme's start date (a UTC Monday): an
        // hour or two before its first event in Paris.
        const auto city = programme_city(coordinator);
        const auto& second = result.second;
        const std::int64_t final_end = second.played ? second.end : result.end;
        const std::int64_t current_from = second.played ? result.end : result.start;
        const std::int64_t programme_start =
            city.midnight_of(stats::date_label(current_from)).value_or(current_from);
        const std::int64_t a = result.start + 23 * 86400 + 13 * 3600 + 17 * 60;
        const std::int64_t b = std::min(result.end - 3600, result.start + 61 * 86400 + 6 * 3600 + 42);
        auto explicit_query = [](std::int64_t from, std::int64_t until) {
            return "?from=" + domain::format_iso8601(from) + "&until=" + domain::format_iso8601(until);
        };
        std::vector<check> checks{
            {"whole season", explicit_query(result.start, result.end), {result.start, result.end}},
            {"default period", "", {programme_start, final_end}},
            {"date-time bounds", explicit_query(a, b), {a, b}},
        };
        if (second.played)
            checks.push_back(
                {"both programmes", explicit_query(result.start, final_end), {result.start, final_end}});
        bool all_equal = true;
        std::vector<std::pair<std::string, comparison>> outcomes;
        stats::summary truth_whole, server_whole;
        std::map<std::string, std::pair<std::int64_t, std::int64_t>> reserve_both;  // key -> (replay, server)
        for (const auto& c : checks) {
            const auto truth = stats::aggregate(result.truth, c.p, city);
            const auto body = server_summary(coordinator, c.query);
            const auto server_side = stats::summary_from_json(body, city);
            if (outcomes.empty()) {
                truth_whole = truth;
                server_whole = server_side;
            }
            auto cmp = compare(truth, server_side, city);
            if (second.played) {
                const auto expected = reserve_truth(second, c.p);
                const auto& got = body.at("engagement").at("reserve").as_object();
                for (const auto& [k, x] : expected) {
                    const std::int64_t y = got.contains(k) ? number_or_zero(got.at(k)) : -1;
                    ++cmp.compared;
                    if (x != y)
                        cmp.differences.push_back("engagement.reserve." + k + ": replay " +
                                                  std::to_string(x) + ", server " + std::to_string(y));
                    if (c.name == "both programmes")
                        reserve_both[k] = {x, y};
                }
            }
            all_equal = all_equal && cmp.differences.empty();
            outcomes.emplace_back(c.name, std::move(cmp));
        }
        // Each programme's requests, as the list of programmes counts them (carried-over ones in the second).
        std::pair<std::int64_t, std::int64_t> first_requests{-1, -1}, second_requests{-1, -1};
        if (second.played) {
            auto listed = coordinator.get("/api/v1/programmes");
            if (listed.status != 200)
                throw std::runtime_error("GET /api/v1/programmes: " + listed.describe());
            const auto programmes = listed.json();
            first_requests.first = second.requests_first;
            second_requests.first = second.requests_second;
            for (const auto& p : programmes.at("items").as_array())
                (p.at("status") == json::value("current") ? second_requests : first_requests).second =
                    number_or_zero(p.at("requests"));
            all_equal = all_equal && first_requests.first == first_requests.second &&
                        second_requests.first == second_requests.second;
        }
        if (server)
            server->stop();

        out << "Season replay: seed " << so.seed << ", scale " << so.scale << ", " << so.weeks << " weeks ("
            << stats::date_label(result.start) << " .. " << stats::date_label(result.end - 86400) << "), "
            << result.calls << " API calls in " << std::fixed << std::setprecision(1) << seconds << " s ("
            << result.refused << " refused with 409)\n\n";
        struct line {
            const char* key;
            double rennes;  ///< Rennes' bilan, for the headline figures (0: not reported)
            std::int64_t stats::summary::*field;
        };
        const line lines[] = {
            {"volunteers_registered", 509, &stats::summary::volunteers_registered},
            {"volunteers_active", 405, &stats::summary::volunteers_active},
            {"volunteers_mobilised", 292, &stats::summary::volunteers_mobilised},
            {"missions_done", 398, &stats::summary::missions_done},
            {"residents_requesting", 171, &stats::summary::residents_requesting},
            {"supports", 227, &stats::summary::supports},
            {"residents_helped", 0, &stats::summary::residents_helped},
            {"volunteer_registrations", 0, &stats::summary::volunteer_registrations},
            {"volunteers_awaiting_validation", 0, &stats::summary::volunteers_awaiting_validation},
            {"volunteers_withdrawn", 0, &stats::summary::volunteers_withdrawn},
            {"requests", 0, &stats::summary::requests},
            {"unfulfilled_requests", 0, &stats::summary::unfulfilled_requests},
            {"redispatches", 0, &stats::summary::redispatches},
            {"welfare_concerns", 0, &stats::summary::welfare_concerns},
        };
        out << std::left << std::setw(32) << "figure (whole season)" << std::right << std::setw(12)
            << "Rennes x" << std::setw(10) << "replay" << std::setw(10) << "server"
            << "\n";
        out.unsetf(std::ios::fixed);
        for (const auto& l : lines) {
            const auto t = truth_whole.*(l.field), s = server_whole.*(l.field);
            std::ostringstream rennes;
            if (l.rennes > 0)
                rennes << std::lround(l.rennes * so.scale);
            else
                rennes << "-";
            out << std::left << std::setw(32) << l.key << std::right << std::setw(12) << rennes.str()
                << std::setw(10) << t << std::setw(10) << s << (t == s ? "   ok" : "   DIFFERS") << "\n";
        }
        // Proposals nobody answered, expired by the server's maintenance tick (counted among the setbacks).
        auto expired = [](const stats::summary& x) {
            std::int64_t n = 0;
            for (const auto& [key, count] : x.setbacks)
                n += key.first == "expired" ? count : 0;
            return n;
        };
        const auto te = expired(truth_whole), se = expired(server_whole);
        out << std::left << std::setw(32) << "proposals_expired" << std::right << std::setw(12) << "-"
            << std::setw(10) << te << std::setw(10) << se << (te == se ? "   ok" : "   DIFFERS") << "\n";
        if (second.played) {
            auto row = [&](const std::string& key, std::pair<std::int64_t, std::int64_t> v) {
                out << std::left << std::setw(32) << key << std::right << std::setw(12) << "-"
                    << std::setw(10) << v.first << std::setw(10) << v.second
                    << (v.first == v.second ? "   ok" : "   DIFFERS") << "\n";
            };
            out << "\nsecond programme: " << second.continued << " supports continued, " << second.handed_over
                << " handed over, " << second.ended
                << " ended at the first's close; reactivation campaign on "
                << stats::date_label(second.campaign_at) << "; until " << stats::date_label(final_end - 86400)
                << "\n";
            row("programme_1_requests", first_requests);
            row("programme_2_requests", second_requests);
            for (const char* k : reserve_keys)
                row(std::string("reserve_") + k, reserve_both[k]);
        }
        out << "\n";
        for (const auto& [name, cmp] : outcomes) {
            out << name << ": " << cmp.compared << " values compared, "
                << (cmp.differences.empty() ? "all equal"
                                            : std::to_string(cmp.differences.size()) + " differ")
                << "\n";
            for (std::size_t i = 0; i < cmp.differences.size() && i < 40; ++i)
                out << "  " << cmp.differences[i] << "\n";
        }
        out << (all_equal ? "\nThe server's figures equal the season's ground truth.\n"
                          : "\nTHE SERVER'S FIGURES DIFFER FROM THE SEASON'S GROUND TRUTH.\n");
        return all_equal ? 0 : exit_mismatch;
    } catch (const std::exception& e) {
        err << "relais replay: " << e.what() << "\n";
        return exit_failed;
    }
}

}  // namespace relais::replay
