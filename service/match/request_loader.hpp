#pragma once

#include "domain/requests.hpp"
#include "match/ranking.hpp"

#include <SQLiteCpp/Database.h>

#include <string>
#include <vector>

namespace relais::match {

/// The programme's matching settings (distance limit, weights) and whether auto-dispatch is on.
struct programme_settings {
    match_settings match;
    bool auto_dispatch = false;
};

programme_settings load_settings(SQLite::Database& db);

/// What ranking needs of a request: its resident's place and languages, the volunteers who declined,
/// dropped or let expire one of its missions, its active support, and the resident's past volunteers.
/// The window is the request's own.
match_request load_match_request(SQLite::Database& db, const domain::request_record& r);

/// The open requests of the dispatch queue, in queue order (re-dispatch flag, urgency, age): status `new`,
/// no proposed or accepted mission, window not over. At most `limit`.
std::vector<domain::request_record> open_requests(SQLite::Database& db, std::int64_t now, std::size_t limit);

}  // namespace relais::match
