#pragma once

#include "api/handler_support.hpp"
#include "domain/missions.hpp"

#include <SQLiteCpp/Database.h>

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace relais::api {

/// (subject type, id) pairs of the personal data an answer shows, for audit() or audit_reads().
using audit_subjects = std::vector<std::pair<std::string, std::string>>;

/// A mission as the caller may see it (the contract's Mission and VolunteerMission).
/// - Staff: every field, and the resident's contact (first name, phone, address), or null once the
///   resident's data was erased. Each resident shown is added to `audited` once.
/// - Its volunteer: the proposal's fields and, once they accepted it and until 7 days after it ended, the
///   resident's first name and phone (the address for home visits only); each contact shown is audited.
boost::json::value mission_view(SQLite::Database& db, const request_context& ctx,
                                const domain::mission_record& m, std::int64_t now, audit_subjects& audited);

/// mission_view of each of `items`.
boost::json::array mission_views(SQLite::Database& db, const request_context& ctx,
                                 const std::vector<domain::mission_record>& items, std::int64_t now,
                                 audit_subjects& audited);

/// The answer of a mission list: {items (mission_view of each), next_cursor}, the residents shown audited.
/// `check(db)` runs first in the same read (e.g. the volunteer exists: 404 otherwise).
awaitable_response answer_mission_list(const data_access& s, request_context& ctx, domain::mission_filter f,
                                       std::function<void(SQLite::Database&)> check = {});

}  // namespace relais::api
