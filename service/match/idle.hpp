#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relais::match {

/// An active volunteer waiting for a mission.
struct idle_volunteer {
    std::int64_t seq = 0;
    std::string id, first_name, neighbourhood;
    std::vector<std::string> skills;
    std::optional<std::int64_t> validated_at;
    std::optional<std::int64_t> last_mission_at;  ///< start of their latest done mission
    bool never_mobilised = true;                  ///< has never accepted a mission
};

/// Position in the idle list: (last done mission start or -1, seq) of the last item seen.
struct idle_cursor {
    std::int64_t last = -1;
    std::int64_t seq = 0;
};

/// Active volunteers with no mission done since `now - weeks` (or none ever), those without any first, then
/// the longest idle; at most `limit` after `after`. `next` is set when more follow.
std::vector<idle_volunteer> idle_volunteers(SQLite::Database& db, std::int64_t now, int weeks,
                                            const idle_cursor& after, int limit, std::optional<idle_cursor>& next);

}  // namespace relais::match
