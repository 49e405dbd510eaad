#include "notify/inbound_sms.hpp"

#include "domain/answer_links.hpp"
#include "domain/ids.hpp"
#include "domain/phone_plan.hpp"
#include "store/statement_cache.hpp"

#include <algorithm>

namespace relais::notify {

namespace {

/// Upper-case ASCII letters and digits of `body`, French accented capitals and small letters folded to
/// their base letter (ARRÊT -> ARRET), spaces and punctuation dropped.
std::string folded(std::string_view body) {
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const auto c = static_cast<unsigned char>(body[i]);
        if (c < 0x80) {
            if (std::isalnum(c))
                out += static_cast<char>(std::toupper(c));
            continue;
        }
        // Two-byte UTF-8 letters of Latin-1 (C3 xx): the few accents a French reply may carry.
        if (c == 0xC3 && i + 1 < body.size()) {
            const auto d = static_cast<unsigned char>(body[++i]);
            const unsigned char base = d >= 0xA0 ? d - 0x20 : d;  // small -> capital (Latin-1 layout)
            if (base >= 0x80 && base <= 0x86)
                out += 'A';
            else if (base == 0x87)
                out += 'C';
            else if (base >= 0x88 && base <= 0x8B)
                out += 'E';
            else if (base >= 0x8C && base <= 0x8F)
                out += 'I';
            else if (base >= 0x92 && base <= 0x96)
                out += 'O';
            else if (base >= 0x99 && base <= 0x9C)
                out += 'U';
            else
                out += '?';
            continue;
        }
        out += '?';  // anything else makes the reply a message for the coordinators
    }
    return out;
}

}  // namespace

reply_word word_of(std::string_view body) {
    if (body.size() > 40)
        return reply_word::other;
    const std::string w = folded(body);
    static const char* const yes[] = {"OUI", "O", "1", "YES", "Y", "OK", "DACCORD"};
    static const char* const no[] = {"NON", "N", "2", "NO"};
    static const char* const stop[] = {"STOP", "ARRET", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"};
    static const char* const start[] = {"START", "UNSTOP", "DEMARRER"};
    auto among = [&](const auto& list) {
        return std::find(std::begin(list), std::end(list), w) != std::end(list);
    };
    if (among(yes))
        return reply_word::yes;
    if (among(no))
        return reply_word::no;
    if (among(stop))
        return reply_word::stop;
    if (among(start))
        return reply_word::start;
    return reply_word::other;
}

const char* name_of(inbound_outcome o) {
    switch (o) {
        case inbound_outcome::accepted:
            return "accepted";
        case inbound_outcome::declined:
            return "declined";
        case inbound_outcome::opted_out:
            return "opted_out";
        case inbound_outcome::opted_in:
            return "opted_in";
        case inbound_outcome::no_pending:
            return "no_pending";
        case inbound_outcome::unknown_sender:
            return "unknown_sender";
        case inbound_outcome::not_understood:
            return "not_understood";
        case inbound_outcome::duplicate:
            return "duplicate";
    }
    return "not_understood";
}

bool opted_out(SQLite::Database& db, const std::string& e164) {
    auto q = store::prepare(db, "SELECT 1 FROM sms_opt_out WHERE number = ?");
    q->bind(1, e164);
    return q->executeStep();
}

inbound_outcome handle_inbound(SQLite::Database& db, const inbound_text& in, std::int64_t now,
                               std::int64_t keep_seconds) {
    if (!in.provider_id.empty()) {
        auto d = store::prepare(db, "SELECT 1 FROM inbound_sms WHERE provider_id = ?");
        d->bind(1, in.provider_id);
        if (d->executeStep())
            return inbound_outcome::duplicate;
    }
    const std::string number = domain::normalize_phone(in.from, "ZZ").value_or("");
    std::string volunteer_id;
    if (!number.empty()) {
        auto v = store::prepare(db,
                                "SELECT id FROM volunteer WHERE phone = ? AND erased_at IS NULL "
                                "ORDER BY (status = 'withdrawn'), created_at DESC LIMIT 1");
        v->bind(1, number);
        if (v->executeStep())
            volunteer_id = v->getColumn(0).getString();
    }
    inbound_outcome outcome = inbound_outcome::not_understood;
    const reply_word word = word_of(in.body);
    if (word == reply_word::stop && !number.empty()) {
        auto q = store::prepare(db, "INSERT OR IGNORE INTO sms_opt_out(number, at) VALUES (?, ?)");
        q->bind(1, number);
        q->bind(2, static_cast<std::int64_t>(now));
        q->exec();
        outcome = inbound_outcome::opted_out;
    } else if (word == reply_word::start && !number.empty()) {
        auto q = store::prepare(db, "DELETE FROM sms_opt_out WHERE number = ?");
        q->bind(1, number);
        q->exec();
        outcome = inbound_outcome::opted_in;
    } else if ((word == reply_word::yes || word == reply_word::no) && volunteer_id.empty()) {
        outcome = inbound_outcome::unknown_sender;
    } else if (word == reply_word::yes || word == reply_word::no) {
        // Their latest proposal still waiting for an answer: the one the last text asked about.
        auto m = store::prepare(db,
                                "SELECT id FROM mission WHERE volunteer_id = ? AND status = 'proposed' AND "
                                "(expires_at IS NULL OR expires_at > ?) ORDER BY proposed_at DESC, seq DESC "
                                "LIMIT 1");
        m->bind(1, volunteer_id);
        m->bind(2, static_cast<std::int64_t>(now));
        if (!m->executeStep()) {
            outcome = inbound_outcome::no_pending;
        } else {
            const std::string mission_id = m->getColumn(0).getString();
            m->reset();
            domain::answer_as_volunteer(db, mission_id, volunteer_id, word == reply_word::yes, now);
            outcome = word == reply_word::yes ? inbound_outcome::accepted : inbound_outcome::declined;
        }
    } else if (volunteer_id.empty()) {
        outcome = inbound_outcome::unknown_sender;
    }
    auto q =
        store::prepare(db,
                       "INSERT INTO inbound_sms(id, received_at, provider_id, sender_kind, sender_id, body, "
                       "outcome, purge_after) VALUES (?,?,?,?,?,?,?,?)");
    q->bind(1, domain::new_id("sms"));
    q->bind(2, static_cast<std::int64_t>(now));
    if (in.provider_id.empty())
        q->bind(3);
    else
        q->bind(3, in.provider_id);
    if (volunteer_id.empty()) {
        q->bind(4);
        q->bind(5);
    } else {
        q->bind(4, "volunteer");
        q->bind(5, volunteer_id);
    }
    q->bind(6, in.body.substr(0, 1600));
    q->bind(7, name_of(outcome));
    q->bind(8, static_cast<std::int64_t>(now + keep_seconds));
    q->exec();
    return outcome;
}

std::vector<inbound_summary> inbound_texts(SQLite::Database& db, bool needing_attention, int limit) {
    auto q = store::prepare(
        db,
        needing_attention
            ? "SELECT id, outcome, body, received_at, sender_kind, sender_id FROM inbound_sms WHERE outcome "
              "IN "
              "('not_understood', 'unknown_sender', 'no_pending') ORDER BY seq DESC LIMIT ?"
            : "SELECT id, outcome, body, received_at, sender_kind, sender_id FROM inbound_sms ORDER BY seq "
              "DESC LIMIT ?");
    q->bind(1, limit);
    std::vector<inbound_summary> out;
    while (q->executeStep()) {
        inbound_summary s;
        s.id = q->getColumn(0).getString();
        s.outcome = q->getColumn(1).getString();
        s.body = q->getColumn(2).getString();
        s.received_at = q->getColumn(3).getInt64();
        s.sender_kind = q->getColumn(4).getString();
        s.sender_id = q->getColumn(5).getString();
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace relais::notify
