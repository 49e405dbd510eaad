#include "notify/digest.hpp"
#include "notify/message_texts.hpp"

#include "domain/city_time.hpp"
#include "domain/programme.hpp"
#include "domain/queue_state.hpp"
#include "notify/mime.hpp"
#include "notify/outbox.hpp"
#include "store/statement_cache.hpp"

namespace relais::notify {

namespace {

std::int64_t count(SQLite::Database& db, const char* sql, std::optional<std::int64_t> bound = std::nullopt) {
    auto q = store::prepare(db, sql);
    if (bound)
        q->bind(1, static_cast<std::int64_t>(*bound));
    q->executeStep();
    const std::int64_t n = q->getColumn(0).getInt64();
    q->reset();
    return n;
}

}  // namespace

desk_counts count_desk(SQLite::Database& db, std::int64_t tonight) {
    desk_counts d;
    // Each open request counted once, at the stage the console's queue shows it in (domain/queue_state):
    // a request with a proposal waiting is not "new", a flagged one with a new proposal out is not flagged.
    auto q =
        store::prepare(db, std::string("SELECT stage, COUNT(*) FROM (SELECT ") + domain::queue_stage_sql() +
                               " AS stage FROM request r WHERE r.status <> 'closed') GROUP BY stage");
    while (q->executeStep()) {
        const std::string stage = q->getColumn(0).getString();
        const std::int64_t n = q->getColumn(1).getInt64();
        if (stage == "new")
            d.new_requests = n;
        else if (stage == "no_candidate")
            d.no_candidate = n;
        else if (stage == "flagged")
            d.flagged = n;
    }
    q->reset();
    d.expiring_today =
        count(db, "SELECT COUNT(*) FROM mission WHERE status = 'proposed' AND expires_at < ?", tonight);
    d.awaiting_validation =
        count(db, "SELECT COUNT(*) FROM volunteer WHERE status = 'registered' AND erased_at IS NULL");
    return d;
}

int queue_morning_digests(SQLite::Database& db, std::int64_t now, const planner_settings& s) {
    if (!s.email)
        return 0;
    const auto programme = domain::load_programme(db);
    const domain::city_time city(programme.timezone);
    const std::int64_t day = city.day_of(now);
    if (now < city.to_utc(day * 86400 + 8 * 3600))
        return 0;  // before 08:00 in the city
    const std::int64_t midnight = city.midnight(day);
    auto who = store::prepare(
        db,
        "SELECT u.id, u.email, COALESCE(u.message_language, 'fr') FROM users u WHERE u.role = 'coordinator' "
        "AND u.disabled_at IS NULL AND "
        "u.optional_messages = 1 AND NOT EXISTS "
        // Today's digest sent (outbox_recipient) or still queued (outbox_due): migration 28.
        "(SELECT 1 FROM outbox o WHERE o.recipient_kind = 'coordinator' AND o.recipient_id = u.id AND "
        "o.status <> 'queued' AND o.kind = 'digest' AND o.created_at >= ?1) AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.status = 'queued' AND o.recipient_kind = 'coordinator' AND "
        "o.recipient_id = u.id AND o.kind = 'digest' AND o.created_at >= ?1)");
    who->bind(1, static_cast<std::int64_t>(midnight));
    struct coordinator {
        std::string id, address, lang;
    };
    std::vector<coordinator> coordinators;
    while (who->executeStep())
        coordinators.push_back(
            {who->getColumn(0).getString(), who->getColumn(1).getString(), who->getColumn(2).getString()});
    who->reset();
    if (coordinators.empty())
        return 0;  // today's went (this runs every minute: the counts only when someone is still to be told)
    const desk_counts d = count_desk(db, city.midnight(day + 1));
    if (d.new_requests + d.no_candidate + d.expiring_today + d.flagged + d.awaiting_validation == 0)
        return 0;  // nothing waits: no mail
    const std::string link = s.public_url + "/coordination";
    const std::string n_new = std::to_string(d.new_requests), n_exp = std::to_string(d.expiring_today),
                      n_flag = std::to_string(d.flagged), n_val = std::to_string(d.awaiting_validation),
                      n_none = std::to_string(d.no_candidate);
    int queued = 0;
    const auto texts = message_texts::load(db, *s.words);
    for (const auto& [id, address, lang] : coordinators) {
        if (!plausible_address(address))
            continue;
        const auto t = texts.get(lang);  // theirs (notify/preferences.hpp), French by default
        const std::initializer_list<std::pair<std::string_view, std::string_view>> values{
            {"programme", programme.name}, {"new", n_new},           {"expiring", n_exp}, {"flagged", n_flag},
            {"validation", n_val},         {"no_candidate", n_none}, {"link", link}};
        outgoing m;
        m.kind = "digest";
        m.channel = "email";
        m.recipient_kind = "coordinator";
        m.recipient_id = id;
        m.address = address;
        m.lang = lang;
        m.subject = t("msg.digest.subject", values);
        m.unsubscribe_url =
            make_unsubscribe_url(db, s.public_url, "coordinator", id, now, now + s.keep_seconds);
        m.text = t("msg.greeting_team") + "\n\n" + t("msg.digest.body", values) + "\n\n-- \n" +
                 t("msg.automatic", {{"programme", programme.name}}) + "\n" +
                 t("msg.unsubscribe", {{"link", m.unsubscribe_url}}) + "\n";
        m.optional = true;
        enqueue(db, m, now, s.keep_seconds);
        ++queued;
    }
    return queued;
}

}  // namespace relais::notify
