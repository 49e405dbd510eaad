// The planner decides messages from a commit's events; the outbox keeps them until delivered. On a real
// (temporary) database through the domain functions.
#include "notify/planner.hpp"

#include "domain/domain_fixture.hpp"
#include "domain/privacy.hpp"
#include "domain/secret_handover.hpp"
#include "notify/html_body.hpp"
#include "notify/outbox.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <thread>

using namespace relais::domain_test;
namespace notify = relais::notify;

namespace {

/// The events of the log after `after_seq`, as the writer hands them over after a commit.
std::vector<relais::store::committed_event> events_after(SQLite::Database& db, std::int64_t after_seq) {
    SQLite::Statement q(
        db,
        "SELECT seq, at, actor, entity, entity_id, action, from_status, to_status, reason, data "
        "FROM event WHERE seq > ? ORDER BY seq");
    q.bind(1, static_cast<std::int64_t>(after_seq));
    std::vector<relais::store::committed_event> out;
    while (q.executeStep()) {
        relais::store::committed_event e;
        e.seq = q.getColumn(0).getInt64();
        e.at = q.getColumn(1).getInt64();
        e.actor = q.getColumn(2).getString();
        e.entity = q.getColumn(3).getString();
        e.entity_id = q.getColumn(4).getString();
        e.action = q.getColumn(5).getString();
        if (!q.getColumn(6).isNull())
            e.from_status = q.getColumn(6).getString();
        if (!q.getColumn(7).isNull())
            e.to_status = q.getColumn(7).getString();
        if (!q.getColumn(8).isNull())
            e.reason = q.getColumn(8).getString();
        e.data = boost::json::parse(q.getColumn(9).getString()).as_object();
        out.push_back(std::move(e));
    }
    return out;
}

std::int64_t last_seq(SQLite::Database& db) {
    return db.execAndGet("SELECT COALESCE(MAX(seq), 0) FROM event").getInt64();
}

notify::planner_settings email_on() {
    notify::planner_settings s;
    s.email = true;
    s.public_url = "https://entraide.example";
    s.words = relais::core::dictionaries::load(std::string(RELAIS_SOURCE_DIR) + "/web/i18n");
    return s;
}

struct message_row {
    std::string kind, address, subject, text, html, lang, status;
};

std::vector<message_row> messages(SQLite::Database& db) {
    SQLite::Statement q(db,
                        "SELECT kind, address, subject, body_text, COALESCE(body_links, ''), lang, status, "
                        "body_html FROM outbox ORDER BY seq");
    std::vector<message_row> out;
    while (q.executeStep()) {
        // The HTML part is no longer kept: the sender builds it, as here, from the text and its links.
        CHECK(q.getColumn(7).isNull());
        const std::string text = q.getColumn(3).getString();
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       text, notify::html_body(text, notify::split_links(q.getColumn(4).getString())),
                       q.getColumn(5).getString(), q.getColumn(6).getString()});
    }
    return out;
}

/// A proposal's email to volunteer vol_x, subject "s" and text "t".
notify::outgoing email_to_vol_x() {
    notify::outgoing o;
    o.kind = "proposal";
    o.channel = "email";
    o.recipient_kind = "volunteer";
    o.recipient_id = "vol_x";
    o.address = "x@example.org";
    o.lang = "fr";
    o.subject = "s";
    o.text = "t";
    return o;
}

}  // namespace

TEST_CASE("planner: an event whose planning fails loses its own messages only, not its commit's others") {
    // On a thread of its own, as the server's writer: the tracking code is handed over in its memory.
    std::thread writer([] {
        domain_db d;
        relais::domain::hand_over_secrets(d.db);
        const auto s = email_on();
        auto from = last_seq(d.db);
        auto vol = d.volunteer();  // validated: one message
        d.request();               // received: one message, with the tracking code taken from the handover
        auto events = events_after(d.db, from);
        // After them, the event of a mission that does not exist (a broken row): its planning throws once
        // the others' messages are written and the code taken.
        relais::store::committed_event broken = events.back();
        broken.seq = events.back().seq + 1;
        broken.entity = "mission";
        broken.entity_id = "mis_missing";
        broken.action = "cancelled";
        events.push_back(broken);
        std::size_t failed = 0;
        try {
            CHECK(notify::plan_messages(d.db, events, s, &failed) == 1);  // the receipt is owed
            CHECK(failed == 1);
            CHECK(messages(d.db).size() == 1);
            CHECK(d.count("SELECT COUNT(*) FROM receipt_owed") == 1);
            CHECK(notify::expand_owed_receipts(d.db, s, events.back().at, 100) == 1);
            const auto all = messages(d.db);
            CHECK(all.size() == 2);  // nothing half-written by the failed one, nothing twice
            for (const auto& m : all) {
                if (m.kind == "volunteer_validated")
                    CHECK(m.address == load_volunteer(d.db, vol).email);
                else if (m.kind == "request_received")
                    CHECK(has(m.text, d.last_tracking_code));  // given back to the second pass
                else
                    FAIL_CHECK("unexpected message " << m.kind);
            }
            // Without a failure the counter is left alone.
            from = last_seq(d.db);
            d.volunteer();
            failed = 0;
            CHECK(notify::plan_messages(d.db, events_after(d.db, from), s, &failed) == 1);
            CHECK(failed == 0);
        } catch (const std::exception& e) {
            FAIL_CHECK(e.what());  // (a REQUIRE's exception would end the process on this thread)
        }
    });
    writer.join();
}

TEST_CASE("planner: a proposal is emailed to the volunteer with its link and nothing of the resident") {
    domain_db d;
    const auto s = email_on();
    auto req = d.request();
    auto from = last_seq(d.db);
    auto vol = d.volunteer();
    // The validation (registered -> active) is told; the registration itself is not.
    CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 1);
    from = last_seq(d.db);
    auto mission = d.propose(req, vol, t0() + day);
    CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 1);

    const auto all = messages(d.db);
    REQUIRE(all.size() == 2);
    CHECK(all[0].kind == "volunteer_validated");
    const auto& m = all[1];
    CHECK(m.kind == "proposal");
    CHECK(m.status == "queued");
    CHECK(m.lang == "fr");
    CHECK(m.address == load_volunteer(d.db, vol).email);
    CHECK(has(m.subject, "Une mission vous est proposée"));
    CHECK(has(m.text, std::string("Bonjour ") + planted::volunteer_first));
    CHECK(has(m.text, "https://entraide.example/benevole"));
    CHECK(has(m.text, "https://entraide.example/reponse/"));
    CHECK_FALSE(has(m.text, "?lang="));      // French, the pages' default
    CHECK(has(m.text, "24/11/2026 09:00"));  // t0 + 1 day, 08:00 UTC: 09:00 in Paris
    CHECK(has(m.text, "maurepas"));
    CHECK(has(m.html, "<a href=\"https://entraide.example/benevole\">"));
    // No placeholder left, nothing of the resident.
    for (const auto* text : {&m.subject, &m.text, &m.html}) {
        CHECK_FALSE(has(*text, "{"));
        for (const char* secret : {planted::resident_first, planted::resident_last, planted::resident_phone,
                                   planted::resident_email, planted::resident_address, "Secretement"})
            CHECK_FALSE(has(*text, secret));
    }

    // A cancellation is told too; an acceptance is not.
    from = last_seq(d.db);
    cancel_mission(d.db, mission, "coordinator", std::nullopt, t0(), coordinator());
    CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 1);
    CHECK(messages(d.db).back().kind == "mission_cancelled");
}

TEST_CASE(
    "planner: nothing without email; English for an English speaker; paused then active is no validation") {
    domain_db d;
    auto req = d.request();
    auto from = last_seq(d.db);
    auto vol = d.volunteer();
    d.propose(req, vol, t0() + day);
    CHECK(notify::plan_messages(d.db, events_after(d.db, from), notify::planner_settings{}) == 0);
    CHECK(d.count("SELECT COUNT(*) FROM outbox") == 0);

    const auto s = email_on();
    volunteer_patch p;
    p.languages = std::vector<std::string>{"en", "fr"};
    patch_volunteer(d.db, vol, p, t0(), coordinator());
    pause_volunteer(d.db, vol, t0(), coordinator());
    from = last_seq(d.db);
    resume_volunteer(d.db, vol, t0(), coordinator());
    CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 0);

    auto req2 = d.request();
    from = last_seq(d.db);
    d.propose(req2, vol, t0() + 2 * day);
    REQUIRE(notify::plan_messages(d.db, events_after(d.db, from), s) == 1);
    CHECK(messages(d.db).back().lang == "en");
    CHECK(has(messages(d.db).back().subject, "A mission for you"));
    // Its one-tap page opens in English too (a French speaker's link has no language: the default).
    CHECK(has(messages(d.db).back().text, "/reponse/"));
    CHECK(has(messages(d.db).back().text, "?lang=en"));
}

TEST_CASE("outbox: an email's HTML part is built from its text and its own links only") {
    const std::string text =
        "Bonjour Léa,\n\nVotre espace : https://entraide.example/benevole.\n"
        "Détails : voir https://phishing.example/x <b>\n\n-- \nRelais";
    const auto html = notify::html_body(text, {"https://entraide.example/benevole"});
    CHECK(has(html, "<p>Bonjour Léa,</p>"));
    CHECK(has(html, "<a href=\"https://entraide.example/benevole\">https://entraide.example/benevole</a>."));
    // An address the text holds but the service did not put there stays text; markup is escaped.
    CHECK_FALSE(has(html, "href=\"https://phishing.example"));
    CHECK(has(html, "https://phishing.example/x &lt;b&gt;"));
    CHECK(has(html, "<br>"));
    CHECK(notify::split_links(notify::join_links({"https://a.example/1", "", "https://a.example/2"})) ==
          std::vector<std::string>{"https://a.example/1", "https://a.example/2"});
    CHECK(notify::split_links("").empty());
}

TEST_CASE(
    "outbox: a text that fails for good queues its email, links kept; one kept before migration 26 too") {
    domain_db d;
    notify::outgoing mail = email_to_vol_x();
    mail.subject = "Une mission";
    mail.text = "Répondre : https://entraide.example/r/abc\n";
    mail.links = {"https://entraide.example/r/abc"};
    notify::outgoing sms = mail;
    sms.channel = "sms";
    sms.address = "+33612345678";
    sms.text = "Une mission : https://entraide.example/r/abc";
    sms.links.clear();
    sms.fallback = notify::fallback_of(mail);
    const auto now = t0();
    const auto text_id = notify::enqueue(d.db, sms, now, 30 * day);
    notify::record_failure(d.db, text_id, now + 5, "sms 21211 invalid number");
    auto due = notify::due_messages(d.db, now + 5, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].channel == "email");
    CHECK(due[0].address == "x@example.org");
    CHECK(due[0].text == mail.text);
    CHECK(due[0].html.empty());
    CHECK(due[0].links == mail.links);
    CHECK(d.count("SELECT COUNT(*) FROM outbox_log WHERE message_id = '" + text_id +
                  "' AND status = 'fallback'") == 1);
    notify::record_sent(d.db, due[0].seq, now + 6);

    // A fallback written before migration 26 carried its HTML part: it goes out as it was.
    const std::string old_fallback =
        R"({"address":"y@example.org","subject":"s","text":"t","html":"<p>t</p>"})";
    sms.fallback = old_fallback;
    const auto old_id = notify::enqueue(d.db, sms, now, 30 * day);
    notify::record_failure(d.db, old_id, now + 7, "sms 21211 invalid number");
    due = notify::due_messages(d.db, now + 7, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].address == "y@example.org");
    CHECK(due[0].html == "<p>t</p>");
    CHECK(due[0].links.empty());
}

TEST_CASE("outbox: due, sent once, retried with back-off, given up after 24 hours, purged, erased") {
    domain_db d;
    const notify::outgoing o = email_to_vol_x();
    const auto now = t0();
    const auto id = notify::enqueue(d.db, o, now, 30 * day);
    REQUIRE(notify::due_messages(d.db, now, 10).size() == 1);

    // Back-off: 1, 2, 4... minutes, at most 2 hours.
    CHECK(notify::retry_delay(1) == 60);
    CHECK(notify::retry_delay(2) == 120);
    CHECK(notify::retry_delay(3) == 240);
    CHECK(notify::retry_delay(8) == 7200);
    CHECK(notify::retry_delay(30) == 7200);

    CHECK(notify::record_temporary_failure(d.db, id, now, "smtp 451"));
    CHECK(notify::due_messages(d.db, now + 59, 10).empty());
    CHECK(notify::due_messages(d.db, now + 60, 10).size() == 1);
    // Failures until the next try would be past 24 hours: then it fails for good.
    std::int64_t t = now + 60;
    int retries = 1;
    while (notify::record_temporary_failure(d.db, id, t, "smtp 451")) {
        ++retries;
        t = d.db.execAndGet("SELECT next_attempt_at FROM outbox WHERE id = '" + id + "'").getInt64();
        REQUIRE(retries < 40);
    }
    CHECK(t <= now + notify::retry_horizon);
    CHECK(retries >= 14);
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE status = 'failed'") == 1);
    CHECK(notify::messages_of(d.db, "volunteer", "vol_x", 10).at(0).status == "failed");
    CHECK(has(*notify::messages_of(d.db, "volunteer", "vol_x", 10).at(0).last_error, "gave up"));

    // Sent is recorded once; a second record does nothing.
    const auto id2 = notify::enqueue(d.db, o, now, 30 * day);
    const auto seq2 = d.count("SELECT seq FROM outbox WHERE id = '" + id2 + "'");
    notify::record_sent(d.db, seq2, now + 1);
    notify::record_sent(d.db, seq2, now + 2);
    CHECK(d.count("SELECT sent_at FROM outbox WHERE id = '" + id2 + "'") == now + 1);
    CHECK(d.count("SELECT attempts FROM outbox WHERE id = '" + id2 + "'") == 1);
    CHECK(d.count("SELECT COUNT(*) FROM outbox_log WHERE message_id = '" + id2 + "'") ==
          0);  // its row says it
    CHECK(has(notify::outbox_metrics(d.db, now),
              "relais_outbox_messages{channel=\"email\",status=\"sent\"} 1"));

    // Retention: gone with its log after 30 days.
    CHECK(notify::purge_outbox(d.db, now + 30 * day - 1) == 0);
    CHECK(notify::purge_outbox(d.db, now + 30 * day) == 2);
    CHECK(d.count("SELECT COUNT(*) FROM outbox_log") == 0);
}

TEST_CASE("outbox: a person's messages, their erasure and the purge find queued and sent messages alike") {
    // A queued message enters the recipient and retention indexes only when it leaves the queue
    // (migration 28): every reader asks for both.
    domain_db d;
    notify::outgoing o = email_to_vol_x();
    const auto now = t0();
    const auto sent = notify::enqueue(d.db, o, now, 30 * day);
    const auto failed = notify::enqueue(d.db, o, now, 30 * day);
    const auto queued = notify::enqueue(d.db, o, now, 30 * day);
    o.due_at = now + 20 * day;  // a reminder, due later
    const auto later = notify::enqueue(d.db, o, now, 30 * day);
    o.recipient_id = "vol_y";
    o.due_at.reset();
    const auto other = notify::enqueue(d.db, o, now, 30 * day);  // another volunteer's
    notify::record_sent(d.db, d.count("SELECT seq FROM outbox WHERE id = '" + sent + "'"), now + 1);
    notify::record_failure(d.db, failed, now + 1, "refused");
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE status = 'queued'") == 3);

    const auto mine = notify::messages_of(d.db, "volunteer", "vol_x", 10);
    REQUIRE(mine.size() == 4);
    CHECK(mine.at(0).id == later);  // newest first, queued and sent mixed
    CHECK(mine.at(1).id == queued);
    CHECK(mine.at(2).id == failed);
    CHECK(mine.at(3).id == sent);
    CHECK(mine.at(0).status == "queued");
    CHECK(mine.at(2).status == "failed");
    CHECK(mine.at(3).status == "sent");
    CHECK(notify::messages_of(d.db, "volunteer", "vol_x", 2).size() == 2);
    CHECK(notify::messages_of(d.db, "volunteer", "vol_x", 2).at(1).id == queued);
    REQUIRE(notify::messages_of(d.db, "volunteer", "vol_y", 10).size() == 1);
    CHECK(notify::messages_of(d.db, "volunteer", "vol_y", 10).at(0).id == other);

    // Retention: one still queued past its day (a retention shortened meanwhile) goes too; the reminder
    // due later stays until its own day.
    CHECK(notify::purge_outbox(d.db, now + 30 * day) == 4);
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE id = '" + later + "'") == 1);
    CHECK(d.count("SELECT COUNT(*) FROM outbox_log WHERE message_id = '" + failed + "'") == 0);

    // The server's way: the queue's expired messages found on a reader, the writer purging those still
    // queued and expired (a message found, then sent, goes with the others; an id not expired stays).
    domain_db f;
    o = email_to_vol_x();
    const auto stale = notify::enqueue(f.db, o, now, 30 * day);
    const auto sent_since = notify::enqueue(f.db, o, now, 30 * day);
    o.due_at = now + 20 * day;
    const auto not_yet = notify::enqueue(f.db, o, now, 30 * day);
    auto found = notify::expired_queued_messages(f.db, now + 30 * day);
    CHECK(found.size() == 2);
    CHECK(std::find(found.begin(), found.end(), not_yet) == found.end());
    notify::record_sent(f.db, f.count("SELECT seq FROM outbox WHERE id = '" + sent_since + "'"),
                        now + 30 * day);
    found.push_back(not_yet);  // not expired: re-checked, kept
    CHECK(notify::purge_outbox(f.db, now + 30 * day, found) == 2);
    CHECK(f.count("SELECT COUNT(*) FROM outbox WHERE id IN ('" + stale + "', '" + sent_since + "')") == 0);
    CHECK(f.count("SELECT COUNT(*) FROM outbox_log WHERE message_id = '" + sent_since + "'") == 0);
    CHECK(f.count("SELECT COUNT(*) FROM outbox WHERE id = '" + not_yet + "'") == 1);

    // Erasure: the queued reminder is erased with the person; the other volunteer's message stays.
    domain_db e;
    o = email_to_vol_x();
    notify::enqueue(e.db, o, now, 30 * day);
    const auto kept = notify::enqueue(e.db, o, now, 30 * day);
    notify::record_sent(e.db, e.count("SELECT seq FROM outbox WHERE id = '" + kept + "'"), now + 1);
    o.recipient_id = "vol_y";
    notify::enqueue(e.db, o, now, 30 * day);
    auto vol = e.volunteer();
    e.db.exec("UPDATE outbox SET recipient_id = '" + vol + "' WHERE recipient_id = 'vol_x'");
    erase_volunteer(e.db, vol, "request", now, coordinator());
    CHECK(e.count("SELECT COUNT(*) FROM outbox") == 1);
    CHECK(e.count("SELECT COUNT(*) FROM outbox WHERE recipient_id = 'vol_y'") == 1);
}

TEST_CASE("outbox: erasing a volunteer erases their messages") {
    domain_db d;
    const auto s = email_on();
    auto req = d.request();
    auto vol = d.volunteer();
    const auto from = last_seq(d.db);
    d.propose(req, vol, t0() + day);
    REQUIRE(notify::plan_messages(d.db, events_after(d.db, from), s) == 1);
    erase_volunteer(d.db, vol, "request", t0(), coordinator());
    CHECK(d.count("SELECT COUNT(*) FROM outbox") == 0);
    CHECK(d.count("SELECT COUNT(*) FROM outbox_log") == 0);
}

TEST_CASE(
    "planner: an accepted mission schedules reminders and tells the resident; a cancellation undoes them") {
    domain_db d;
    const auto s = email_on();
    auto req = d.request();
    auto vol = d.volunteer();
    // Starts on Wednesday 25 November 2026 at 14:00 UTC (15:00 in Paris).
    const std::int64_t starts = t0() + 2 * day + 6 * hour;
    auto mission = d.propose(req, vol, starts);
    auto from = last_seq(d.db);
    accept_mission(d.db, mission, t0(), coordinator());
    REQUIRE(notify::plan_messages(d.db, events_after(d.db, from), s) == 4);

    auto due = [&](const std::string& kind) {
        return d.db.execAndGet("SELECT next_attempt_at FROM outbox WHERE kind = '" + kind + "'").getInt64();
    };
    CHECK(due("reminder_evening") ==
          *parse_iso8601("2026-11-24T17:00:00Z"));  // 18:00 in Paris, the day before
    CHECK(due("reminder_soon") == starts - 2 * hour);
    CHECK(due("report_due") == starts + hour + 2 * hour);
    CHECK(due("volunteer_coming") == t0());
    // Nothing of the reminders is due yet.
    CHECK(notify::due_messages(d.db, t0(), 10).size() == 1);

    const auto all = messages(d.db);
    const auto coming =
        std::find_if(all.begin(), all.end(), [](const auto& m) { return m.kind == "volunteer_coming"; });
    REQUIRE(coming != all.end());
    CHECK(coming->address == planted::resident_email);
    CHECK(has(coming->text, std::string("Bonjour ") + planted::resident_first));
    CHECK(has(coming->text, planted::volunteer_first));
    CHECK_FALSE(has(coming->text, planted::volunteer_last));
    CHECK_FALSE(has(coming->text, planted::volunteer_phone));
    // "Did it happen?" opens that mission's report in the volunteer's space.
    const auto report =
        std::find_if(all.begin(), all.end(), [](const auto& m) { return m.kind == "report_due"; });
    REQUIRE(report != all.end());
    CHECK(has(report->text, "https://entraide.example/benevole#/missions/" + mission));

    from = last_seq(d.db);
    cancel_mission(d.db, mission, "coordinator", std::nullopt, t0() + hour, coordinator());
    CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 2);  // the volunteer and the resident
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE status = 'cancelled'") == 3);
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE kind = 'visit_cancelled'") == 1);
}

TEST_CASE("planner: a resident's receipt goes the way they asked to be contacted, with the tracking code") {
    // On a thread of its own, as the server's writer: the tracking codes are handed to the planner in the
    // memory of the thread that asked for it (domain/secret_handover.hpp), for as long as the thread lives.
    std::thread writer([] {
        domain_db d;
        relais::domain::hand_over_secrets(d.db);
        auto s = email_on();
        s.sms = true;  // a mobile and an email: either could reach them
        // During the day (the quiet hours apart): the fixture files requests at 09:00 in Paris.
        auto receipt_of = [&](const std::string& preferred) -> std::string {
            const auto from = last_seq(d.db);
            d.request("once", "shopping", preferred);
            // The commit owes the receipt; it is written out afterwards (expand_owed_receipts).
            if (notify::plan_messages(d.db, events_after(d.db, from), s) != 0)
                return "a message in the commit";
            if (notify::expand_owed_receipts(d.db, s, t0() + hour, 100) != 1)
                return "no receipt owed";
            SQLite::Statement q(d.db,
                                "SELECT channel, address, body_text FROM outbox ORDER BY seq DESC LIMIT 1");
            if (!q.executeStep())
                return "no row";
            CHECK(has(q.getColumn(2).getString(), d.last_tracking_code));
            return q.getColumn(0).getString() + " " + q.getColumn(1).getString();
        };
        try {
            CHECK(receipt_of("email") == std::string("email ") + planted::resident_email);
            CHECK(receipt_of("sms") == std::string("sms ") + planted::resident_phone);
            CHECK(receipt_of("phone") == std::string("sms ") + planted::resident_phone);  // a text, as before
        } catch (const std::exception& e) {
            FAIL_CHECK(e.what());  // (a REQUIRE's exception would end the process on this thread)
        }
    });
    writer.join();
}

TEST_CASE(
    "planner: a request's receipt is owed by its commit, then written out once, to the resident as "
    "they are then") {
    std::thread writer([] {
        domain_db d;
        relais::domain::hand_over_secrets(d.db);
        const auto s = email_on();
        try {
            // Three requests in one group commit: no message in it, one row of three receipts owed.
            auto from = last_seq(d.db);
            std::vector<std::string> codes;
            std::vector<std::string> requests;
            for (int i = 0; i < 3; ++i) {
                requests.push_back(d.request());
                codes.push_back(d.last_tracking_code);
            }
            const auto events = events_after(d.db, from);
            CHECK(notify::plan_messages(d.db, events, s) == 0);
            CHECK(d.count("SELECT COUNT(*) FROM outbox") == 0);
            CHECK(d.count("SELECT COUNT(*) FROM receipt_owed") == 1);
            CHECK(notify::oldest_owed_receipt(d.db) == std::optional<std::int64_t>(events.back().at));
            CHECK(has(notify::outbox_metrics(d.db, events.back().at + 42),
                      "relais_receipts_owed_oldest_seconds 42\n"));
            // A commit rolled back owes nothing (the row goes with it).
            d.db.exec("SAVEPOINT undone");
            from = last_seq(d.db);
            d.request();
            CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 0);
            CHECK(d.count("SELECT COUNT(*) FROM receipt_owed") == 2);
            d.db.exec("ROLLBACK TO undone");
            d.db.exec("RELEASE undone");
            CHECK(d.count("SELECT COUNT(*) FROM receipt_owed") == 1);

            // Written out: a whole row even past the limit, each with its own code, due at its request's
            // time; the rows gone, so a second run writes nothing twice.
            const std::int64_t later = events.back().at + 600;
            CHECK(notify::expand_owed_receipts(d.db, s, later, 1) == 3);
            CHECK(d.count("SELECT COUNT(*) FROM receipt_owed") == 0);
            CHECK_FALSE(notify::oldest_owed_receipt(d.db).has_value());
            const auto all = messages(d.db);
            CHECK(all.size() == 3);
            for (std::size_t i = 0; i < all.size() && i < codes.size(); ++i) {
                CHECK(all[i].kind == "request_received");
                CHECK(all[i].status == "queued");
                CHECK(all[i].address == planted::resident_email);
                CHECK(has(all[i].text, codes[i]));
            }
            CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE created_at = " +
                          std::to_string(events.back().at) + " AND next_attempt_at = created_at") == 3);
            CHECK(notify::expand_owed_receipts(d.db, s, later, 100) == 0);
            CHECK(messages(d.db).size() == 3);
            CHECK(has(notify::outbox_metrics(d.db, later), "relais_receipts_owed_oldest_seconds 0\n"));

            // A resident erased before their receipt is written out gets none; it is not owed any more.
            from = last_seq(d.db);
            const auto req = d.request();
            CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 0);
            d.db.exec("UPDATE resident SET email = NULL, phone = '', erased_at = " + std::to_string(later) +
                      " WHERE id = (SELECT resident_id FROM request WHERE id = '" + req + "')");
            CHECK(notify::expand_owed_receipts(d.db, s, later, 100) == 1);
            CHECK(messages(d.db).size() == 3);
            CHECK(d.count("SELECT COUNT(*) FROM receipt_owed") == 0);
        } catch (const std::exception& e) {
            FAIL_CHECK(e.what());  // (a REQUIRE's exception would end the process on this thread)
        }
    });
    writer.join();
}

TEST_CASE("planner: in the quiet hours, news of a mission that starts the same day goes at once") {
    domain_db d;
    auto s = email_on();
    s.sms = true;  // both have mobiles: texts, which keep the quiet hours (21:00-08:00 city time)
    // Wednesday 25 November 2026: 06:00 in Paris (05:00 UTC), a visit at 09:00 the same morning.
    const std::int64_t six = t0() + 2 * day - 3 * hour, starts = six + 3 * hour;
    auto vol = d.volunteer();
    auto today = d.propose(d.request(), vol, starts, six - hour);
    auto tomorrow = d.propose(d.request(), vol, starts + day, six - hour);
    auto from = last_seq(d.db);
    accept_mission(d.db, today, six, coordinator());
    accept_mission(d.db, tomorrow, six, coordinator());
    notify::plan_messages(d.db, events_after(d.db, from), s);
    auto due = [&](const std::string& kind, const std::string& mission) {
        return d.db
            .execAndGet("SELECT next_attempt_at FROM outbox WHERE kind = '" + kind + "' AND about_id = '" +
                        mission + "' AND channel = 'sms'")
            .getInt64();
    };
    const std::int64_t eight = six + 2 * hour;          // the end of the night
    CHECK(due("volunteer_coming", today) == six);       // the resident hears of this morning's visit now
    CHECK(due("volunteer_coming", tomorrow) == eight);  // of tomorrow's, at 08:00
    CHECK(due("reminder_soon", today) == starts - 2 * hour);

    // Cancelled at 06:30: both told at once, before the visit, not at 08:00.
    from = last_seq(d.db);
    cancel_mission(d.db, today, "coordinator", std::nullopt, six + 1800, coordinator());
    cancel_mission(d.db, tomorrow, "coordinator", std::nullopt, six + 1800, coordinator());
    notify::plan_messages(d.db, events_after(d.db, from), s);
    CHECK(due("mission_cancelled", today) == six + 1800);
    CHECK(due("visit_cancelled", today) == six + 1800);
    CHECK(due("mission_cancelled", tomorrow) == eight);
    CHECK(due("visit_cancelled", tomorrow) == eight);
}

TEST_CASE("outbox: a resident no channel reached about a visit is phoned instead (a call task)") {
    domain_db d;
    auto s = email_on();
    s.sms = true;  // a mobile and an email: a text first, its email if the text fails
    auto req = d.request();
    auto vol = d.volunteer();
    const std::int64_t starts = t0() + 2 * day + 6 * hour;  // Wednesday 15:00 in Paris
    auto mission = d.propose(req, vol, starts);
    const auto from = last_seq(d.db);
    accept_mission(d.db, mission, t0(), coordinator());
    notify::plan_messages(d.db, events_after(d.db, from), s);
    auto id_of = [&](const std::string& channel) {
        return d.db
            .execAndGet("SELECT id FROM outbox WHERE kind = 'volunteer_coming' AND channel = '" + channel +
                        "'")
            .getString();
    };
    const auto tasks = [&] { return d.count("SELECT COUNT(*) FROM call_task"); };

    notify::record_failure(d.db, id_of("sms"), t0() + 60, "sms 21211 invalid number");
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE kind = 'volunteer_coming' AND channel = 'email' AND "
                  "status = 'queued'") == 1);  // its email goes instead
    CHECK(tasks() == 0);

    notify::record_failure(d.db, id_of("email"), t0() + 120, "smtp 550 no such mailbox");
    REQUIRE(tasks() == 1);  // neither reached them: a coordinator calls
    SQLite::Statement q(d.db, "SELECT kind, about_id, text, resident_id FROM call_task");
    REQUIRE(q.executeStep());
    CHECK(q.getColumn(0).getString() == "volunteer_coming");
    CHECK(q.getColumn(1).getString() == mission);
    CHECK(has(q.getColumn(2).getString(), "Un bénévole vient le"));  // the email's subject: the news
    CHECK(q.getColumn(3).getString() == load_request(d.db, req).resident_id);
    CHECK(d.count("SELECT COUNT(*) FROM outbox_log WHERE status = 'call_task'") == 1);

    // A failure of another kind (the receipt) or to a volunteer makes no task.
    notify::outgoing other = email_to_vol_x();
    notify::record_failure(d.db, notify::enqueue(d.db, other, t0(), 30 * day), t0() + 180, "smtp 550");
    CHECK(tasks() == 1);
}

TEST_CASE("planner: the resident's address changed under an accepted mission: its volunteer is told") {
    domain_db d;
    const auto s = email_on();
    auto req = d.request();
    auto vol = d.volunteer();
    const std::int64_t starts = t0() + 2 * day + 6 * hour;
    auto mission = d.propose(req, vol, starts);
    accept_mission(d.db, mission, t0(), coordinator());
    const auto resident = load_request(d.db, req).resident_id;

    auto from = last_seq(d.db);
    resident_patch language;
    language.preferred_contact = "email";  // nothing the volunteer goes by
    patch_resident(d.db, resident, language, t0() + hour, coordinator());
    CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 0);

    from = last_seq(d.db);
    resident_patch moved;
    moved.address = "3 place Nouvelle";
    patch_resident(d.db, resident, moved, t0() + hour, coordinator());
    REQUIRE(notify::plan_messages(d.db, events_after(d.db, from), s) == 1);
    const auto m = messages(d.db).back();
    CHECK(m.kind == "mission_changed");
    CHECK(m.address == load_volunteer(d.db, vol).email);
    CHECK(has(m.subject, "Mission modifiée"));
    CHECK(has(m.text, "https://entraide.example/benevole"));
    CHECK_FALSE(has(m.text, "3 place Nouvelle"));  // where to read it, not the details themselves
    CHECK_FALSE(has(m.text, "{"));

    // Once the mission is over (or for a mission done), nobody is told.
    from = last_seq(d.db);
    patch_resident(d.db, resident, moved, starts + hour, coordinator());
    CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 0);
}

TEST_CASE("planner: a mission reported done: its \"did it happen?\" is not sent") {
    domain_db d;
    const auto s = email_on();
    auto req = d.request();
    auto vol = d.volunteer();
    const std::int64_t starts = t0() + 2 * day + 6 * hour;
    auto mission = d.propose(req, vol, starts);
    auto from = last_seq(d.db);
    accept_mission(d.db, mission, t0(), coordinator());
    notify::plan_messages(d.db, events_after(d.db, from), s);
    auto report_due = [&] {
        return d.db.execAndGet("SELECT status FROM outbox WHERE kind = 'report_due'").getString();
    };
    CHECK(report_due() == "queued");
    from = last_seq(d.db);
    complete_mission(d.db, mission, {45, "good", false, std::nullopt}, starts + 2 * hour, coordinator());
    notify::plan_messages(d.db, events_after(d.db, from), s);
    CHECK(report_due() == "cancelled");
}

TEST_CASE("planner: a welfare concern reaches every active coordinator at once, without a name") {
    domain_db d;
    const auto s = email_on();
    d.db.exec(
        "INSERT INTO users(id, email, role, password_hash, created_at, password_changed_at) VALUES "
        "('usr_c1', 'coord1@ville.example', 'coordinator', '!', 0, 0), "
        "('usr_c2', 'coord2@ville.example', 'coordinator', '!', 0, 0)");
    d.db.exec(
        "INSERT INTO users(id, email, role, password_hash, created_at, password_changed_at, disabled_at) "
        "VALUES ('usr_c3', 'gone@ville.example', 'coordinator', '!', 0, 0, 1)");
    auto req = d.request();
    auto vol = d.volunteer();
    auto mission = d.propose(req, vol, t0() - 3 * hour);
    accept_mission(d.db, mission, t0(), coordinator());
    const auto from = last_seq(d.db);
    complete_mission(d.db, mission, {60, "difficult", true, std::string("Zephyrine semblait tres seule")},
                     t0(), coordinator());
    CHECK(notify::plan_messages(d.db, events_after(d.db, from), s) == 2);
    SQLite::Statement q(d.db,
                        "SELECT address, body_text FROM outbox WHERE kind = 'welfare_concern' ORDER BY seq");
    std::vector<std::string> to;
    while (q.executeStep()) {
        to.push_back(q.getColumn(0).getString());
        CHECK_FALSE(has(q.getColumn(1).getString(), "Zephyrine"));
        CHECK(has(q.getColumn(1).getString(), "https://entraide.example/coordination"));
    }
    CHECK(to == std::vector<std::string>{"coord1@ville.example", "coord2@ville.example"});
}
