#pragma once

#include "notify/push_client.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// A volunteer's devices that accept web push (migration 13), and the server's VAPID key pair. Subscriptions
// are personal data: never logged, erased with the volunteer (domain/privacy.cpp).
namespace relais::notify {

/// The server's VAPID key pair, made on the first call and kept in `server_key` ever after (a new pair would
/// orphan every subscription). Runs on the writer's connection (or any, before serving).
vapid_keys load_or_make_vapid_keys(SQLite::Database& db, std::int64_t now);

/// Saves `s` for `volunteer_id` (checked by the caller with check_subscription); the same endpoint saved
/// again (a browser re-subscribing, or another account on the same device) moves to this volunteer. Returns
/// the subscription's id.
std::string save_subscription(SQLite::Database& db, const std::string& volunteer_id,
                              const push_subscription& s, std::int64_t now);

/// Deletes subscription `id` of `volunteer_id`; false if they have none with that id.
bool delete_subscription(SQLite::Database& db, const std::string& volunteer_id, const std::string& id);

/// A volunteer's subscriptions, with their ids.
struct stored_subscription {
    std::string id;
    push_subscription sub;
};
std::vector<stored_subscription> subscriptions_of(SQLite::Database& db, const std::string& volunteer_id);

/// True if the volunteer has at least one device that accepts push.
bool has_push(SQLite::Database& db, const std::string& volunteer_id);

/// A push service said the subscription is gone (404/410): forget it.
void forget_subscription(SQLite::Database& db, const std::string& id);

}  // namespace relais::notify
