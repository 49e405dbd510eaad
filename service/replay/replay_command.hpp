#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace relais::replay {

/// `relais replay (--db PATH | --url http://HOST:PORT) [--seed N] [--scale X] [--weeks W]`: plays a synthetic
/// season through the HTTP API of a server with a movable clock, then prints its ground-truth figures next to
/// the server's GET /api/v1/stats/summary (whole season, default period, a period with date-time bounds).
/// With --db it creates the database, an admin and a coordinator (the code of `relais user add`), starts its
/// own server (this binary, --test-clock) and stops it at the end. Returns 0 if every figure matches, 1 if any
/// differs, 2 if the season could not be played, 64 on a usage error. `args` start after "replay".
int run_replay_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace relais::replay
