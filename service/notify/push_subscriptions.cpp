#include "notify/push_subscriptions.hpp"

#include "domain/ids.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

namespace relais::notify {

vapid_keys load_or_make_vapid_keys(SQLite::Database& db, std::int64_t now) {
    auto q = store::prepare(
        db, "SELECT name, value FROM server_key WHERE name IN ('vapid_private', 'vapid_public')");
    std::string priv, pub;
    while (q->executeStep())
        (q->getColumn(0).getString() == "vapid_private" ? priv : pub) = q->getColumn(1).getString();
    if (!priv.empty())
        return vapid_keys::from_base64url(priv, pub);
    auto keys = vapid_keys::generate();
    auto ins = store::prepare(db, "INSERT INTO server_key(name, value, created_at) VALUES (?, ?, ?)");
    for (const auto& [name, value] :
         {std::pair{"vapid_private", keys.private_key()}, std::pair{"vapid_public", keys.public_key()}}) {
        ins->bind(1, name);
        ins->bind(2, value);
        ins->bind(3, now);
        ins->exec();
        ins->reset();
    }
    return keys;
}

std::string save_subscription(SQLite::Database& db, const std::string& volunteer_id,
                              const push_subscription& s, std::int64_t now) {
    auto q =
        store::prepare(db,
                       "INSERT INTO push_subscription(id, volunteer_id, endpoint, p256dh, auth, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(endpoint) DO UPDATE SET "
                       "volunteer_id = excluded.volunteer_id, p256dh = excluded.p256dh, "
                       "auth = excluded.auth RETURNING id");
    q->bind(1, domain::new_id("psh"));
    q->bind(2, volunteer_id);
    q->bind(3, s.endpoint);
    q->bind(4, s.p256dh);
    q->bind(5, s.auth);
    q->bind(6, now);
    q->executeStep();
    std::string id = q->getColumn(0).getString();
    while (q->executeStep()) {
    }
    return id;
}

bool delete_subscription(SQLite::Database& db, const std::string& volunteer_id, const std::string& id) {
    auto q = store::prepare(db, "DELETE FROM push_subscription WHERE id = ? AND volunteer_id = ?");
    q->bind(1, id);
    q->bind(2, volunteer_id);
    q->exec();
    return db.getChanges() > 0;
}

std::vector<stored_subscription> subscriptions_of(SQLite::Database& db, const std::string& volunteer_id) {
    auto q = store::prepare(db,
                            "SELECT id, endpoint, p256dh, auth FROM push_subscription WHERE volunteer_id = ? "
                            "ORDER BY created_at, id");
    q->bind(1, volunteer_id);
    std::vector<stored_subscription> out;
    while (q->executeStep())
        out.push_back(
            {q->getColumn(0).getString(),
             {q->getColumn(1).getString(), q->getColumn(2).getString(), q->getColumn(3).getString()}});
    return out;
}

bool has_push(SQLite::Database& db, const std::string& volunteer_id) {
    auto q = store::prepare(db, "SELECT 1 FROM push_subscription WHERE volunteer_id = ? LIMIT 1");
    q->bind(1, volunteer_id);
    const bool yes = q->executeStep();
    q->reset();
    return yes;
}

void forget_subscription(SQLite::Database& db, const std::string& id) {
    auto q = store::prepare(db, "DELETE FROM push_subscription WHERE id = ?");
    q->bind(1, id);
    q->exec();
}

}  // namespace relais::notify
