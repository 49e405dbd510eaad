#pragma once

#include <cstdint>
#include <iosfwd>
#include <ostream>
#include <string>
#include <vector>

namespace relais::tools {

/// What `relais seed` generates. Everything it decides is derived from `seed`, so the same options give the
/// same people, places, requests, missions and states, with times relative to `now`; ids and tracking codes
/// are drawn by the domain (domain::new_id), as for every live write, so they differ from run to run.
struct seed_options {
    std::string db;
    std::size_t volunteers = 1000;
    std::size_t residents = 500;
    std::size_t missions = 5000;
    std::uint64_t seed = 1;
    std::size_t accounts = 100;                    ///< volunteer accounts listed for sign-in (bench)
    std::string password = "bench password 2026";  ///< of every generated account
    std::int64_t now = 0;                          ///< Unix seconds; 0 = the wall clock
    std::ostream* profile = nullptr;  ///< if set: the statements that took the most time are written there
    /// A map file (GeoJSON or CSV, as `relais import neighbourhoods` reads it) imported first; empty: the
    /// neighbourhoods already in the database (a new database has none).
    std::string map_file;
};

/// What was written.
struct seed_summary {
    std::size_t volunteers = 0, residents = 0, requests = 0, new_requests = 0, supports = 0, missions = 0,
                events = 0, accounts = 0;
    std::string coordinator_email;
    std::vector<std::string> volunteer_emails;  ///< the accounts' emails, in order
    std::string accounts_file;                  ///< "<db>.accounts": one "role email password" line each
};

/// Fills an empty database (migrated first) with a generated season played through the domain's own
/// operations, the ones the API handlers call (register, activate, pause and withdraw volunteers; create,
/// close requests; propose, accept, decline, complete... missions; stand-ins), at the times the season says,
/// in one transaction. So the event log holds every change and the statistics are recorded with it, as on
/// a live server: volunteers (statuses, skills, availability, homes around the centres of the city's
/// neighbourhoods), residents recorded with
/// their first request, requests (one-off and weekly, a small queue of new ones), supports, missions in
/// states consistent with their times, one coordinator account. Every volunteer's account has `password`;
/// `accounts` of them, active and holding current missions, are listed with the coordinator in
/// `accounts_file` (the password in clear: for benchmarks and tests only). Throws std::runtime_error if the
/// database already holds people or requests.
seed_summary seed_database(const seed_options& opts);

/// `relais seed --db PATH [--map FILE] [--volunteers N] [--residents N] [--missions N] [--seed S]
/// [--accounts N] [--password P]`. Prints a summary on `out`; returns 0, 64 on a usage error, 1 on failure.
/// `args` start after "seed".
int run_seed_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace relais::tools
