#pragma once

#include "replay/http_client.hpp"
#include "stats/facts.hpp"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

// A synthetic season of a "Volontaires Solidaires" scheme, driven through the real HTTP API of a running
// server whose programme clock can be moved (--test-clock): a volunteer registration wave closed after three
// weeks, validations, pauses, withdrawals with reasons (one person withdraws and registers again), requests
// by web, phone and partner across categories and neighbourhoods (some cancelled before any mission), one-off
// and weekly needs, proposals, declines, dropouts, re-dispatch, stand-ins, completions with reports and
// welfare concerns, missed visits, requests closed as unfulfillable, supports handed over to a partner at the
// end.
//
// Time is compressed: before each action the programme clock is frozen at that action's exact time, so the
// season knows when everything happened. Its ground truth is what it did and saw succeed: each call's answer,
// plus the few consequences the server draws by itself that it reads back (the next week's mission proposed
// after a weekly visit, the missions released by a withdrawal, the support an acceptance joined).
namespace relais::replay {

struct season_options {
    std::uint64_t seed = 1;
    double scale =
        1.0;         ///< 1 approximates Rennes' 2020-2021 scheme (509 volunteers registered, 171 residents)
    int weeks = 20;  ///< length of the season
    /// Rounds of proposals nobody answers, left to expire by the server's own expiry tick (each costs the
    /// replay a wait of up to one maintenance interval, 30 s, with the clock frozen at the expiry time).
    /// -1: one per eight weeks, at least one.
    int silent_rounds = -1;

    /// A demo season (relais --demo): it ends at `demo_ends_at` (the real present) instead of starting after
    /// the server's time, its accounts are the demo's (benevole@relais.demo...), and it leaves live work
    /// behind: new requests nobody handled yet, proposals waiting for an answer, upcoming missions, the
    /// supports still running. No silent rounds (the demo must take seconds); the first volunteer is the demo
    /// volunteer.
    bool demo = false;
    std::int64_t demo_ends_at = 0;
    /// After the season (not in a demo): its programme is closed with its running supports reviewed,
    /// volunteers join the reserve, and `second_programme_weeks` weeks of a second programme follow 44 weeks
    /// later, opened by a reactivation campaign to the reserve. 0: the season alone.
    int second_programme_weeks = 0;
    std::string volunteer_password = "replay volunteer pass 2026";
};

/// Where a demo season of `weeks` weeks ending at `ends_at` starts (a Monday, 00:00 UTC): the server's
/// programme clock must not be later than this when the season begins.
std::int64_t demo_season_start(std::int64_t ends_at, int weeks);

/// A reserve membership as the season made it.
struct reserve_fact {
    std::string volunteer_id;
    std::int64_t joined_at = 0;
    std::optional<std::int64_t> left_at;
    std::string left_reason;  ///< reactivated, or left_reserve
};

/// The second programme, as the season played it (season_options::second_programme_weeks).
struct second_programme {
    bool played = false;
    std::int64_t closed_at = 0;    ///< the first programme's close (the second's start, the same day)
    std::int64_t campaign_at = 0;  ///< the reactivation campaign, 44 weeks later
    std::int64_t end = 0;          ///< the end of the second programme's weeks played
    std::int64_t recipients = 0;   ///< the campaign's
    int continued = 0, handed_over = 0, ended = 0;  ///< the first programme's running supports, reviewed
    std::int64_t requests_first = 0, requests_second = 0;  ///< requests each programme holds
    std::vector<reserve_fact> reserve;
};

/// What the season did, for the comparison with the server.
struct season_result {
    stats::season_facts truth;
    std::int64_t start = 0, end = 0;  ///< the season's period (Monday 00:00 UTC .. `weeks` weeks later)
    std::size_t calls = 0;            ///< HTTP calls made
    std::size_t refused = 0;          ///< calls the server refused (409) although the season expected success
    std::string partner_id;           ///< the partner association the season created
    second_programme second;
};

/// The city's calendar of the server's programme (GET /api/v1/programme, its `timezone`): the statistics
/// count days and weeks in it, so the ground truth must too.
domain::city_time programme_city(http_client& c);

/// Plays the season. `admin` and `coordinator` are signed-in clients of the server; `host`/`port` are used
/// for the anonymous public forms and the volunteers' own sessions. Progress goes to `log`. Throws
/// std::runtime_error if the server answers something unexpected (a 5xx, an unknown shape).
season_result play_season(http_client& admin, http_client& coordinator, const std::string& host,
                          std::uint16_t port, const season_options& opts, std::ostream& log);

}  // namespace relais::replay
