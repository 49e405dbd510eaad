#pragma once

#include "domain/city_time.hpp"
#include "domain/volunteers.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

namespace relais::domain {

/// True if every minute of [starts_at, ends_at) falls inside one of the weekly `slots`, read in the city's
/// wall-clock time (a mission over midnight needs both days' slots). An empty availability holds nothing.
bool slot_within_availability(const std::vector<availability_slot>& slots, const city_time& city,
                              std::int64_t starts_at, std::int64_t ends_at);

/// The same for a stored volunteer, in the programme's time zone. Throws not_found for no such volunteer.
bool volunteer_available_for(SQLite::Database& db, const std::string& volunteer_id, std::int64_t starts_at,
                             std::int64_t ends_at);

}  // namespace relais::domain
