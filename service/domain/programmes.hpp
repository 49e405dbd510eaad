#pragma once

#include "domain/events.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Programmes over the years (issue 16): "COVID 2020", "Canicule 2023", "Citoyens volontaires"... One is
// current: new requests belong to it (a trigger stamps them, store/schema_programmes_reserve.cpp).
// Volunteers, residents and history carry over from one to the next. A programme ends by closing it: each
// running support is reviewed (carried on in the next programme, handed over to a partner, or ended) and the
// next programme starts, all in one transaction.
namespace relais::domain {

struct programme_period {
    std::string id, name, starts_on, status;  ///< status: current | closed
    std::optional<std::string> ends_on;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> closed_at;
    std::int64_t requests = 0;         ///< requests made in it
    std::int64_t active_supports = 0;  ///< supports running now whose request belongs to it
};

/// Every programme, the newest first.
std::vector<programme_period> list_programme_periods(SQLite::Database& db);
/// One programme; throws not_found.
programme_period load_programme_period(SQLite::Database& db, const std::string& id);
/// The current programme's id.
std::string current_programme_id(SQLite::Database& db);

/// What becomes of a running support when its programme ends.
struct support_review {
    std::string support_id;
    std::string decision;  ///< continue | hand_over | end
    std::optional<std::string> partner_id, note;
};

extern const std::vector<std::string> review_decisions;

struct next_programme {
    std::string name, starts_on;
    std::optional<std::string> ends_on;
};

struct close_outcome {
    programme_period closed, current;
    int continued = 0, handed_over = 0, ended = 0;
};

/// Closes programme `id` (409 unless it is the current one) and starts `next`. Every active support must be
/// reviewed exactly once (422 naming `reviews` or `reviews[i].<field>` otherwise): `continue` moves its
/// request to the next programme, `hand_over` hands it to the partner (the caller checked the resident
/// agreed) and closes the request, `end` closes the request (its support ends, its future missions are
/// cancelled). The closed programme's end date becomes the day before the next one starts unless set earlier.
/// All or nothing.
close_outcome close_programme(SQLite::Database& db, const std::string& id, const next_programme& next,
                              const std::vector<support_review>& reviews, std::int64_t now, const actor& who);

}  // namespace relais::domain
