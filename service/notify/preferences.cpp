#include "notify/preferences.hpp"

#include "store/statement_cache.hpp"

#include <algorithm>

namespace relais::notify {

bool optional_kind(std::string_view kind) {
    return kind == "reminder_evening" || kind == "reminder_soon" || kind == "report_due" || kind == "digest";
}

bool urgent_kind(std::string_view kind) {
    static constexpr std::string_view urgent[] = {
        "sign_in_code",     "email_confirmation", "password_reset_link", "password_set_link",
        "proposal",         "mission_cancelled",  "mission_changed",     "visit_cancelled",
        "volunteer_coming", "reminder_evening",   "reminder_soon",       "welfare_concern"};
    return std::find(std::begin(urgent), std::end(urgent), kind) != std::end(urgent);
}

contact_preferences load_preferences(SQLite::Database& db, const std::string& volunteer_id) {
    contact_preferences p;
    auto q =
        store::prepare(db,
                       "SELECT channels, quiet_from, quiet_until, optional_messages, COALESCE(language, '') "
                       "FROM contact_preference "
                       "WHERE volunteer_id = ?");
    q->bind(1, volunteer_id);
    if (!q->executeStep())
        return p;
    p.channels.clear();
    const std::string list = q->getColumn(0).getString();
    for (std::size_t start = 0; start < list.size();) {
        auto end = list.find(',', start);
        if (end == std::string::npos)
            end = list.size();
        p.channels.push_back(list.substr(start, end - start));
        start = end + 1;
    }
    p.quiet_from = q->getColumn(1).getInt();
    p.quiet_until = q->getColumn(2).getInt();
    p.optional_messages = q->getColumn(3).getInt() != 0;
    p.language = q->getColumn(4).getString();
    return p;
}

void save_preferences(SQLite::Database& db, const std::string& volunteer_id, const contact_preferences& p,
                      std::int64_t now, const domain::actor& who) {
    std::string list;
    for (const auto& c : p.channels)
        list += (list.empty() ? "" : ",") + c;
    auto q =
        store::prepare(db,
                       "INSERT INTO contact_preference(volunteer_id, channels, quiet_from, quiet_until, "
                       "optional_messages, updated_at, language) VALUES (?,?,?,?,?,?,NULLIF(?, '')) "
                       "ON CONFLICT(volunteer_id) DO "
                       "UPDATE SET channels = excluded.channels, quiet_from = excluded.quiet_from, "
                       "quiet_until = excluded.quiet_until, optional_messages = excluded.optional_messages, "
                       "updated_at = excluded.updated_at, language = excluded.language");
    q->bind(1, volunteer_id);
    q->bind(2, list);
    q->bind(3, p.quiet_from);
    q->bind(4, p.quiet_until);
    q->bind(5, p.optional_messages ? 1 : 0);
    q->bind(6, static_cast<std::int64_t>(now));
    q->bind(7, p.language);
    q->exec();
    domain::append_event(
        db, now, who,
        {"volunteer", volunteer_id, "preferences_changed", std::nullopt, std::nullopt, std::nullopt, {}});
}

coordinator_preferences load_coordinator_preferences(SQLite::Database& db, const std::string& user_id) {
    coordinator_preferences p;
    auto q = store::prepare(
        db, "SELECT COALESCE(message_language, 'fr'), optional_messages FROM users WHERE id = ?");
    q->bind(1, user_id);
    if (q->executeStep()) {
        p.language = q->getColumn(0).getString();
        p.morning_digest = q->getColumn(1).getInt() != 0;
    }
    return p;
}

void save_coordinator_preferences(SQLite::Database& db, const std::string& user_id,
                                  const coordinator_preferences& p, std::int64_t now,
                                  const domain::actor& who) {
    auto q = store::prepare(db, "UPDATE users SET message_language = ?, optional_messages = ? WHERE id = ?");
    q->bind(1, p.language);
    q->bind(2, p.morning_digest ? 1 : 0);
    q->bind(3, user_id);
    q->exec();
    domain::append_event(
        db, now, who, {"user", user_id, "preferences_changed", std::nullopt, std::nullopt, std::nullopt, {}});
}

}  // namespace relais::notify
