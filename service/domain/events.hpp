#pragma once

#include <SQLiteCpp/Database.h>

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relais::domain {

/// Who did something: a signed-in user (id and role), "public" (an anonymous form), "resident" (by tracking
/// code) or "system" (expiry, retention...). Never a name.
struct actor {
    std::string id;    ///< user id, or "public" / "resident" / "system"
    std::string role;  ///< role name, or the same word as id
};

inline actor system_actor() { return {"system", "system"}; }
inline actor public_actor() { return {"public", "public"}; }
inline actor resident_actor() { return {"resident", "resident"}; }

/// One state change for the append-only event log. No personal data in any field.
struct event_entry {
    std::string entity;      ///< volunteer, request, mission, support, resident, collective, programme...
    std::string entity_id;
    std::string action;      ///< created, activated, accepted, dropped...
    std::optional<std::string> from_status;
    std::optional<std::string> to_status;
    std::optional<std::string> reason;
    boost::json::object data;  ///< ids and codes only (e.g. request_id, category, neighbourhood, channel)
};

/// Appends `e` at time `at` by `who`.
void append_event(SQLite::Database& db, std::int64_t at, const actor& who, const event_entry& e);

}  // namespace relais::domain
