#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relais::store {

/// One row of the event log as a group commit made it durable: ids and codes only (the log holds no
/// personal data), typed for in-process subscribers (the live feed, the matching index, later the
/// notification outbox).
struct committed_event {
    std::int64_t seq = 0;  ///< the log's sequence number: commit order
    std::int64_t at = 0;   ///< programme time of the change (Unix seconds)
    std::string actor;     ///< user id, or "public" / "resident" / "system"
    std::string entity;    ///< request, mission, volunteer, support, resident, collective, programme...
    std::string entity_id;
    std::string action;  ///< created, proposed, accepted, expired, redispatch_flagged...
    std::optional<std::string> from_status, to_status, reason;
    boost::json::object data;  ///< ids and codes, as logged (request_id, volunteer_id, category...)
};

/// What one group commit handed to the subscribers, in log order.
struct committed_batch {
    std::vector<committed_event> events;
    /// Earlier batches were lost (the dispatcher's queue was full): a subscriber that keeps state
    /// re-reads it from the database.
    bool gap = false;
};

}  // namespace relais::store
