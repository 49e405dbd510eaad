#include "notify/outbox.hpp"

#include "domain/events.hpp"
#include "domain/ids.hpp"
#include "notify/call_tasks.hpp"
#include "notify/html_body.hpp"
#include "notify/preferences.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <sodium.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace relais::notify {

namespace {

void log_status(SQLite::Database& db, const std::string& id, std::int64_t now, const char* status,
                const std::optional<std::string>& detail) {
    auto q = store::prepare(db, "INSERT INTO outbox_log(message_id, at, status, detail) VALUES (?,?,?,?)");
    q->bind(1, id);
    q->bind(2, static_cast<std::int64_t>(now));
    q->bind(3, status);
    if (detail)
        q->bind(4, *detail);
    q->exec();
}

bool fall_back(SQLite::Database& db, const std::string& id, std::int64_t now);
void phone_instead(SQLite::Database& db, const std::string& id, std::int64_t now);

}  // namespace

std::string fallback_of(const outgoing& m) {
    return boost::json::serialize(boost::json::object{
        {"address", m.address}, {"subject", m.subject}, {"text", m.text}, {"links", join_links(m.links)}});
}

namespace {

/// A text that failed for good and carries its email version: queue that email now, kept as long as the
/// text would have been. False when it carries none.
bool fall_back(SQLite::Database& db, const std::string& id, std::int64_t now) {
    auto q = store::prepare(
        db,
        "SELECT kind, recipient_kind, recipient_id, lang, optional, event_seq, about_id, "
        "fallback, purge_after - next_attempt_at FROM outbox WHERE id = ? AND fallback IS NOT NULL");
    q->bind(1, id);
    if (!q->executeStep())
        return false;
    outgoing m;
    m.kind = q->getColumn(0).getString();
    m.channel = "email";
    m.recipient_kind = q->getColumn(1).getString();
    m.recipient_id = q->getColumn(2).getString();
    m.lang = q->getColumn(3).getString();
    m.optional = q->getColumn(4).getInt() != 0;
    if (!q->getColumn(5).isNull())
        m.event_seq = q->getColumn(5).getInt64();
    m.about_id = q->getColumn(6).getString();
    const auto mail = boost::json::parse(q->getColumn(7).getString()).as_object();
    const std::int64_t keep = q->getColumn(8).getInt64();
    q->reset();
    m.address = std::string(mail.at("address").as_string());
    m.subject = std::string(mail.at("subject").as_string());
    m.text = std::string(mail.at("text").as_string());
    if (const auto* links = mail.if_contains("links"))
        m.links = split_links(std::string(links->as_string()));
    if (const auto* html = mail.if_contains("html"))  // a fallback kept before migration 26
        m.html = std::string(html->as_string());
    const std::string email_id = enqueue(db, m, now, keep);
    log_status(db, id, now, "fallback", "email " + email_id);
    return true;
}

/// A resident's news of a visit (a volunteer is coming, the visit is cancelled) that reached them by no
/// channel, the last one having failed for good: the coordination phones them, as it does a resident with a
/// landline only (planner), with the text's words (an email's subject), kept as long as the message.
void phone_instead(SQLite::Database& db, const std::string& id, std::int64_t now) {
    auto q = store::prepare(db,
                            "SELECT o.recipient_id, o.kind, COALESCE(o.about_id, ''), "
                            "CASE WHEN o.channel = 'sms' THEN o.body_text ELSE o.subject END, o.purge_after "
                            "FROM outbox o JOIN resident r ON r.id = o.recipient_id "
                            "WHERE o.id = ? AND o.recipient_kind = 'resident' AND o.kind IN "
                            "('volunteer_coming', 'visit_cancelled') "
                            "AND r.erased_at IS NULL AND r.phone <> ''");
    q->bind(1, id);
    if (!q->executeStep())
        return;
    const std::string resident = q->getColumn(0).getString(), kind = q->getColumn(1).getString(),
                      about = q->getColumn(2).getString(), text = q->getColumn(3).getString();
    const std::int64_t keep = std::max<std::int64_t>(q->getColumn(4).getInt64() - now, 86400);
    q->reset();
    const std::string task = add_call_task(db, resident, kind, about, text, now, keep);
    log_status(db, id, now, "call_task", task);
}

}  // namespace

std::string enqueue(SQLite::Database& db, const outgoing& m, std::int64_t now, std::int64_t keep_seconds) {
    const std::string id = domain::new_id("msg");
    const std::string links = join_links(m.links);
    auto q = store::prepare(
        db,
        "INSERT INTO outbox(id, created_at, event_seq, kind, channel, recipient_kind, recipient_id, address, "
        "lang, subject, body_text, body_html, optional, next_attempt_at, purge_after, about_id, fallback, "
        "unsubscribe_url, body_links, urgent) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    // The strings outlive the statement's run (declared before its lease, which clears the bindings): bound
    // without copies.
    q->bindNoCopy(1, id);
    q->bind(2, static_cast<std::int64_t>(now));
    if (m.event_seq)
        q->bind(3, static_cast<std::int64_t>(*m.event_seq));
    q->bindNoCopy(4, m.kind);
    q->bindNoCopy(5, m.channel);
    q->bindNoCopy(6, m.recipient_kind);
    q->bindNoCopy(7, m.recipient_id);
    q->bindNoCopy(8, m.address);
    q->bindNoCopy(9, m.lang);
    q->bindNoCopy(10, m.subject);
    q->bindNoCopy(11, m.text);
    if (!m.html.empty())
        q->bindNoCopy(12, m.html);
    q->bind(13, m.optional ? 1 : 0);
    const std::int64_t due = m.due_at ? std::max(*m.due_at, now) : now;
    q->bind(14, static_cast<std::int64_t>(due));
    q->bind(15, static_cast<std::int64_t>(due + keep_seconds));
    if (!m.about_id.empty())
        q->bindNoCopy(16, m.about_id);
    if (!m.fallback.empty())
        q->bindNoCopy(17, m.fallback);
    if (!m.unsubscribe_url.empty())
        q->bindNoCopy(18, m.unsubscribe_url);
    if (!links.empty())
        q->bindNoCopy(19, links);
    q->bind(20, urgent_kind(m.kind) ? 1 : 0);
    q->exec();
    // No "queued" line in outbox_log: the row's created_at says it, one insert fewer in the commit.
    return id;
}

int cancel_queued(SQLite::Database& db, const std::string& about_id, const std::vector<std::string>& kinds,
                  std::int64_t now) {
    int n = 0;
    for (const auto& kind : kinds) {
        auto ids =
            store::prepare(db, "SELECT id FROM outbox WHERE about_id = ? AND kind = ? AND status = 'queued'");
        ids->bind(1, about_id);
        ids->bind(2, kind);
        std::vector<std::string> found;
        while (ids->executeStep())
            found.push_back(ids->getColumn(0).getString());
        for (const auto& id : found) {
            auto q = store::prepare(db, "UPDATE outbox SET status = 'cancelled' WHERE id = ?");
            q->bind(1, id);
            q->exec();
            log_status(db, id, now, "cancelled", std::nullopt);
            ++n;
        }
    }
    return n;
}

namespace {

/// A row of due_messages' query (its first 14 columns), from the urgent range or the other.
queued_message queued_from_row(SQLite::Statement& q, bool urgent) {
    queued_message m;
    m.id = q.getColumn(0).getString();
    m.kind = q.getColumn(1).getString();
    m.channel = q.getColumn(2).getString();
    m.address = q.getColumn(3).getString();
    m.lang = q.getColumn(4).getString();
    m.subject = q.getColumn(5).getString();
    m.text = q.getColumn(6).getString();
    m.html = q.getColumn(7).isNull() ? std::string() : q.getColumn(7).getString();
    m.optional = q.getColumn(8).getInt() != 0;
    m.urgent = urgent;
    m.attempts = q.getColumn(9).getInt();
    m.created_at = q.getColumn(10).getInt64();
    m.unsubscribe_url = q.getColumn(11).isNull() ? std::string() : q.getColumn(11).getString();
    if (!q.getColumn(12).isNull())
        m.links = split_links(q.getColumn(12).getString());
    m.seq = q.getColumn(13).getInt64();
    return m;
}

}  // namespace

std::vector<queued_message> due_messages(SQLite::Database& db, std::int64_t now, int limit,
                                         const std::vector<std::string>& skip, bool routine,
                                         std::optional<std::int64_t> routine_due_by) {
    // Each channel's due messages are two ranges of `outbox_due` (migrations 29 and 30), its urgent ones and
    // the others: a resting channel's backlog is never walked to find the others' (every commit wakes the
    // sender), nor a backlog of receipts to find a sign-in code. Up to `limit` of each range, then the urgent
    // ones, oldest first, then the others, as one read of every channel in that order would give.
    auto q =
        store::prepare(db,
                       "SELECT id, kind, channel, address, lang, subject, body_text, body_html, optional, "
                       "attempts, created_at, unsubscribe_url, body_links, seq, next_attempt_at FROM outbox "
                       "WHERE status = 'queued' AND channel = ? AND urgent = ? AND next_attempt_at <= ? "
                       "ORDER BY next_attempt_at, seq LIMIT ?");
    struct found_message {
        std::int64_t due;
        queued_message m;
    };
    std::vector<found_message> found;
    for (const char* channel : message_channels) {
        if (std::find(skip.begin(), skip.end(), channel) != skip.end())
            continue;
        for (const int urgent : {1, 0}) {
            if (!urgent && !routine)
                continue;
            q->reset();
            q->bind(1, channel);
            q->bind(2, urgent);
            q->bind(3, static_cast<std::int64_t>(urgent ? now : std::min(now, routine_due_by.value_or(now))));
            q->bind(4, limit);
            while (q->executeStep())
                found.push_back({q->getColumn(14).getInt64(), queued_from_row(*q, urgent != 0)});
        }
    }
    std::sort(found.begin(), found.end(), [](const found_message& a, const found_message& b) {
        if (a.m.urgent != b.m.urgent)
            return a.m.urgent;
        return a.due != b.due ? a.due < b.due : a.m.seq < b.m.seq;
    });
    std::vector<queued_message> out;
    for (auto& f : found) {
        if (static_cast<int>(out.size()) == limit)
            break;
        out.push_back(std::move(f.m));
    }
    return out;
}

void record_sent(SQLite::Database& db, std::int64_t seq, std::int64_t now, const std::string& provider_id) {
    // Without a provider id (an email, a push) the statement leaves that column alone, so SQLite has no
    // outbox_provider entry to weigh for each message.
    auto q = store::prepare(
        db, provider_id.empty() ? "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
                                  "last_error = NULL WHERE seq = ?2 AND status = 'queued'"
                                : "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
                                  "last_error = NULL, provider_id = ?3 WHERE seq = ?2 AND status = 'queued'");
    q->bind(1, static_cast<std::int64_t>(now));
    q->bind(2, static_cast<std::int64_t>(seq));
    if (!provider_id.empty())
        q->bind(3, provider_id);
    // No "sent" line in outbox_log: the row's sent_at says it (one insert fewer per message in the writer;
    // the log keeps what the row cannot: each retry's reason, a delivery report, a bounce).
    q->exec();
}

bool record_delivery_report(SQLite::Database& db, const std::string& provider_id, const std::string& status,
                            const std::string& error_code, std::int64_t now) {
    auto f = store::prepare(db, "SELECT id, status, delivered_at FROM outbox WHERE provider_id = ?");
    f->bind(1, provider_id);
    if (!f->executeStep())
        return false;
    const std::string id = f->getColumn(0).getString();
    const std::string current = f->getColumn(1).getString();
    const bool delivered = !f->getColumn(2).isNull();
    f->reset();
    if (status == "delivered") {
        if (delivered || current != "sent")
            return true;  // reported twice, or after a bounce: nothing new
        auto q = store::prepare(db, "UPDATE outbox SET delivered_at = ? WHERE id = ?");
        q->bind(1, static_cast<std::int64_t>(now));
        q->bind(2, id);
        q->exec();
        log_status(db, id, now, "delivered", std::nullopt);
    } else if (status == "undelivered" || status == "failed") {
        if (current == "failed")
            return true;
        // The provider took it but the phone network did not: the person was not reached.
        const std::string reason =
            "bounced" + (error_code.empty() ? std::string() : " (code " + error_code + ")");
        auto q = store::prepare(db, "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?");
        q->bind(1, reason);
        q->bind(2, id);
        q->exec();
        log_status(db, id, now, "bounced", reason);
        if (!fall_back(db, id, now))
            phone_instead(db, id, now);
    }
    // queued, sending, sent: steps before the outcome, not logged
    return true;
}

std::int64_t retry_delay(int attempts) {
    const int doublings = std::clamp(attempts - 1, 0, 7);  // 2^7 = 128 minutes: capped at 120
    return std::min<std::int64_t>(std::int64_t{60} << doublings, 2 * 3600);
}

bool record_temporary_failure(SQLite::Database& db, const std::string& id, std::int64_t now,
                              const std::string& reason) {
    auto r = store::prepare(db, "SELECT attempts, created_at FROM outbox WHERE id = ? AND status = 'queued'");
    r->bind(1, id);
    if (!r->executeStep())
        return false;
    const int attempts = r->getColumn(0).getInt() + 1;
    const std::int64_t created = r->getColumn(1).getInt64();
    const std::int64_t next = now + retry_delay(attempts);
    if (next > created + retry_horizon) {
        record_failure(db, id, now, reason + " (gave up after " + std::to_string(attempts) + " attempts)");
        return false;
    }
    auto q = store::prepare(db,
                            "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = "
                            "? AND status = 'queued'");
    q->bind(1, attempts);
    q->bind(2, static_cast<std::int64_t>(next));
    q->bind(3, reason);
    q->bind(4, id);
    q->exec();
    log_status(db, id, now, "retry", reason);
    return true;
}

void record_failure(SQLite::Database& db, const std::string& id, std::int64_t now,
                    const std::string& reason) {
    auto q = store::prepare(db,
                            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? "
                            "WHERE id = ? AND status = 'queued'");
    q->bind(1, reason);
    q->bind(2, id);
    if (q->exec() > 0) {
        log_status(db, id, now, "failed", reason);
        if (!fall_back(db, id, now))
            phone_instead(db, id, now);
    }
}

std::vector<std::string> expired_queued_messages(SQLite::Database& db, std::int64_t now) {
    // Through outbox_due: a queued message is in outbox_purge only once it leaves the queue (migration 28).
    auto q = store::prepare(db, "SELECT id FROM outbox WHERE status = 'queued' AND purge_after <= ?");
    q->bind(1, static_cast<std::int64_t>(now));
    std::vector<std::string> out;
    while (q->executeStep())
        out.push_back(q->getColumn(0).getString());
    return out;
}

std::int64_t purge_outbox(SQLite::Database& db, std::int64_t now,
                          const std::vector<std::string>& expired_queued) {
    // The messages out of the queue through outbox_purge.
    auto l = store::prepare(db,
                            "DELETE FROM outbox_log WHERE message_id IN (SELECT id FROM outbox WHERE "
                            "status <> 'queued' AND purge_after <= ?)");
    l->bind(1, static_cast<std::int64_t>(now));
    l->exec();
    auto q = store::prepare(db, "DELETE FROM outbox WHERE status <> 'queued' AND purge_after <= ?");
    q->bind(1, static_cast<std::int64_t>(now));
    std::int64_t messages = q->exec();
    // Those found still queued, if they still are (one sent since is purged with the others, later).
    for (const auto& id : expired_queued) {
        auto one =
            store::prepare(db, "DELETE FROM outbox WHERE id = ? AND status = 'queued' AND purge_after <= ?");
        one->bind(1, id);
        one->bind(2, static_cast<std::int64_t>(now));
        if (one->exec() == 0)
            continue;
        ++messages;
        auto log = store::prepare(db, "DELETE FROM outbox_log WHERE message_id = ?");
        log->bind(1, id);
        log->exec();
    }
    // The texts received (migration 11) are kept as long as those sent.
    auto t = store::prepare(db, "DELETE FROM inbound_sms WHERE purge_after <= ?");
    t->bind(1, static_cast<std::int64_t>(now));
    const std::int64_t texts = t->exec();
    auto c = store::prepare(db, "DELETE FROM call_task WHERE purge_after <= ?");  // and the call tasks
    c->bind(1, static_cast<std::int64_t>(now));
    const std::int64_t tasks = c->exec();
    auto u = store::prepare(db, "DELETE FROM unsubscribe_link WHERE purge_after <= ?");  // and opt-out links
    u->bind(1, static_cast<std::int64_t>(now));
    return messages + texts + tasks + u->exec();
}

std::int64_t purge_outbox(SQLite::Database& db, std::int64_t now) {
    return purge_outbox(db, now, expired_queued_messages(db, now));
}

namespace {

std::string unsubscribe_hash(std::string_view token) {
    std::array<unsigned char, crypto_generichash_BYTES> h{};
    crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       nullptr, 0);
    return domain::to_hex(h.data(), h.size());
}

}  // namespace

std::string make_unsubscribe_url(SQLite::Database& db, const std::string& base,
                                 const std::string& recipient_kind, const std::string& recipient_id,
                                 std::int64_t now, std::int64_t purge_after) {
    std::array<unsigned char, 32> raw{};
    randombytes_buf(raw.data(), raw.size());
    const std::string token = domain::to_hex(raw.data(), raw.size());
    auto q =
        store::prepare(db,
                       "INSERT INTO unsubscribe_link(token_hash, recipient_kind, recipient_id, created_at, "
                       "purge_after) VALUES (?, ?, ?, ?, ?)");
    q->bind(1, unsubscribe_hash(token));
    q->bind(2, recipient_kind);
    q->bind(3, recipient_id);
    q->bind(4, now);
    q->bind(5, purge_after);
    q->exec();
    return base + "/desabonner/" + token;
}

bool unsubscribe(SQLite::Database& db, std::string_view token, std::int64_t now) {
    if (token.size() != 64 || token.find_first_not_of("0123456789abcdef") != std::string_view::npos)
        return false;
    auto q =
        store::prepare(db, "SELECT recipient_kind, recipient_id FROM unsubscribe_link WHERE token_hash = ?");
    q->bind(1, unsubscribe_hash(token));
    if (!q->executeStep())
        return false;
    const std::string kind = q->getColumn(0).getString();
    const std::string id = q->getColumn(1).getString();
    q->reset();
    if (kind == "volunteer") {
        contact_preferences p = load_preferences(db, id);
        p.optional_messages = false;
        save_preferences(db, id, p, now, domain::public_actor());  // whoever holds the link
    } else {
        auto u = store::prepare(db, "UPDATE users SET optional_messages = 0 WHERE id = ?");
        u->bind(1, id);
        u->exec();
    }
    return true;
}

std::vector<message_summary> messages_of(SQLite::Database& db, const std::string& recipient_kind,
                                         const std::string& recipient_id, int limit) {
    auto q = store::prepare(
        db,
        // Those out of the queue by outbox_recipient, those queued by outbox_due (migration 28).
        "SELECT id, kind, channel, status, created_at, sent_at, attempts, last_error, delivered_at, seq "
        "FROM outbox WHERE recipient_kind = ?1 AND recipient_id = ?2 AND status <> 'queued' "
        "UNION ALL "
        "SELECT id, kind, channel, status, created_at, sent_at, attempts, last_error, delivered_at, seq "
        "FROM outbox WHERE status = 'queued' AND recipient_kind = ?1 AND recipient_id = ?2 "
        "ORDER BY seq DESC LIMIT ?3");
    q->bind(1, recipient_kind);
    q->bind(2, recipient_id);
    q->bind(3, limit);
    std::vector<message_summary> out;
    while (q->executeStep()) {
        message_summary m;
        m.id = q->getColumn(0).getString();
        m.kind = q->getColumn(1).getString();
        m.channel = q->getColumn(2).getString();
        m.status = q->getColumn(3).getString();
        m.created_at = q->getColumn(4).getInt64();
        if (!q->getColumn(5).isNull())
            m.sent_at = q->getColumn(5).getInt64();
        m.attempts = q->getColumn(6).getInt();
        if (!q->getColumn(7).isNull())
            m.last_error = q->getColumn(7).getString();
        if (!q->getColumn(8).isNull())
            m.delivered_at = q->getColumn(8).getInt64();
        out.push_back(std::move(m));
    }
    auto l =
        store::prepare(db, "SELECT at, status, detail FROM outbox_log WHERE message_id = ? ORDER BY seq");
    for (auto& m : out) {
        l->reset();
        l->bind(1, m.id);
        while (l->executeStep())
            m.log.push_back({l->getColumn(0).getInt64(), l->getColumn(1).getString(),
                             l->getColumn(2).isNull()
                                 ? std::nullopt
                                 : std::optional<std::string>(l->getColumn(2).getString())});
    }
    return out;
}

std::string outbox_metrics(SQLite::Database& db, std::int64_t now) {
    std::string out =
        "# HELP relais_outbox_messages Messages in the outbox by channel and status.\n"
        "# TYPE relais_outbox_messages gauge\n";
    auto q = store::prepare(db, "SELECT channel, status, COUNT(*) FROM outbox GROUP BY channel, status");
    while (q->executeStep())
        out += "relais_outbox_messages{channel=\"" + q->getColumn(0).getString() + "\",status=\"" +
               q->getColumn(1).getString() + "\"} " + std::to_string(q->getColumn(2).getInt64()) + "\n";
    // Per channel, each a look-up at the start of its range of outbox_due (migration 29).
    auto o = store::prepare(
        db,
        "SELECT MIN(m) FROM ("
        "SELECT MIN(next_attempt_at) AS m FROM outbox WHERE status = 'queued' AND channel = 'email' "
        "UNION ALL SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'queued' AND channel = 'sms' "
        "UNION ALL SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'queued' AND channel = 'push')");
    std::int64_t age = 0;
    if (o->executeStep() && !o->getColumn(0).isNull())
        age = std::max<std::int64_t>(0, now - o->getColumn(0).getInt64());
    out +=
        "# HELP relais_outbox_oldest_due_seconds How long the oldest due message has waited.\n"
        "# TYPE relais_outbox_oldest_due_seconds gauge\n"
        "relais_outbox_oldest_due_seconds " +
        std::to_string(age) + "\n";
    // The receipts the requests' commits owe, not yet written out as messages (notify/planner.hpp): a look-up
    // at the start of the table; during a surge they wait up to the routine patience.
    auto r = store::prepare(db, "SELECT created_at FROM receipt_owed ORDER BY seq LIMIT 1");
    std::int64_t owed = 0;
    if (r->executeStep())
        owed = std::max<std::int64_t>(0, now - r->getColumn(0).getInt64());
    out +=
        "# HELP relais_receipts_owed_oldest_seconds How long the oldest receipt owed has waited to be "
        "written out.\n"
        "# TYPE relais_receipts_owed_oldest_seconds gauge\n"
        "relais_receipts_owed_oldest_seconds " +
        std::to_string(owed) + "\n";
    return out;
}

}  // namespace relais::notify
