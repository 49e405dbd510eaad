// The outbox sender against a real SMTP server (tests/support/smtp_sink.py): every queued email goes out
// once, and the sent ones are marked in a few commits, not one each (each commit is an fsync of the writer
// that the requests wait behind), including those sent just before a stop.
#include "notify/sender.hpp"

#include "core/clock.hpp"
#include "notify/outbox.hpp"
#include "notify/planner.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"

#include "support/smtp_sink_process.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

using namespace relais;

namespace {

constexpr int queued = 70;  // more than one round (50) and more than a group of record_every (32)

void queue_emails(const std::string& path, std::int64_t now, int count = queued,
                  const char* channel = "email", const char* kind = "request_received",
                  const std::string& who = "personne") {
    SQLite::Database db = store::open_writer(path, store::sync_mode::full);
    SQLite::Transaction tx(db);
    for (int i = 0; i < count; ++i) {
        notify::outgoing m;
        m.kind = kind;
        m.channel = channel;
        m.recipient_kind = "resident";
        m.recipient_id = "res_" + std::to_string(i);
        m.address = who + std::to_string(i) + "@example.org";
        m.lang = "fr";
        m.subject = "Votre demande";
        m.text = "Bonjour,\n\nVotre demande est enregistrée.\n";
        m.links = {"https://entraide.example.org/suivi"};
        notify::enqueue(db, m, now, 86400);
    }
    tx.commit();
}

notify::sender_settings settings_for(const testing::smtp_sink_process& sink) {
    notify::sender_settings s;
    s.smtp.url = sink.url();
    s.smtp.from = "entraide@ville.example";
    s.smtp.ca_file = sink.ca_file();
    s.smtp.timeout = std::chrono::seconds(10);
    s.from_name = "Volontaires Solidaires";
    s.idle = std::chrono::milliseconds(100);
    // At the requests' priority here: at nice 19 a test's sending starves while the machine is busy with
    // other work (a parallel build); the default priority has its own case below.
    s.nice = 0;
    return s;
}

int count_where(const std::string& path, const std::string& condition) {
    SQLite::Database db = store::open_reader(path);
    return db.execAndGet("SELECT COUNT(*) FROM outbox WHERE " + condition).getInt();
}

/// The nice value of this process's thread named `name` (/proc/self/task/*/stat, field 19), or -100.
int nice_of_thread(const std::string& name) {
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string n;
        std::getline(comm, n);
        if (n != name)
            continue;
        std::ifstream stat(task.path() / "stat");
        std::string line;
        std::getline(stat, line);
        std::istringstream fields(line.substr(line.rfind(')') + 2));  // after "pid (comm) "
        std::string field;
        for (int i = 3; i <= 19 && fields >> field; ++i) {
        }
        return std::stoi(field);
    }
    return -100;
}

/// What every case here needs: an SMTP server, a store on a fresh database, the real clock.
struct sender_rig {
    explicit sender_rig(const char* db_name) : path(dir.file(db_name)), st(options(path)) {}

    static store::store_options options(const std::string& path) {
        store::store_options so;
        so.path = path;
        return so;
    }

    testing::temp_dir dir;
    testing::smtp_sink_process sink;
    std::string path;
    store::store st;
    core::clock clk{false};
};

}  // namespace

TEST_CASE("sender: every queued email goes out once, each marked sent, the last ones before it stops") {
    sender_rig rig("sender.db");
    queue_emails(rig.path, rig.clk.now_s());
    REQUIRE(count_where(rig.path, "status = 'queued'") == queued);

    const notify::sender_settings s = settings_for(rig.sink);
    const std::uint64_t commits_before = rig.st.stats().commits.load();
    {
        notify::sender sender(rig.st, rig.clk, s);
        sender.start();
        REQUIRE(rig.sink.wait_for(queued, std::chrono::seconds(60)));
        // Stopped as soon as the last one arrived: what it sent is marked sent before it stops.
        sender.stop();
        CHECK(sender.sent() == queued);
    }
    CHECK(count_where(rig.path, "status = 'sent' AND sent_at IS NOT NULL AND attempts = 1") == queued);
    CHECK(count_where(rig.path, "status = 'queued'") == 0);
    CHECK(rig.sink.messages().size() == static_cast<std::size_t>(queued));
    // Each mark is posted to the writer as its message is accepted, and the writer folds what it finds
    // queued into one commit: at most a commit per message (and one per round to wait for them), at least
    // one per round.
    const std::uint64_t commits = rig.st.stats().commits.load() - commits_before;
    INFO("commits: " << commits);
    CHECK(commits >= 2);
    CHECK(commits <= static_cast<std::uint64_t>(queued) + 4);
}

TEST_CASE("sender: its thread runs behind the requests' (nice 19) unless told otherwise") {
    sender_rig rig("nice.db");
    // The thread names itself, then lowers its priority: its nice value once it got there (or the last seen).
    const auto nice_once_started = [&](int nice_setting, int expected) {
        notify::sender_settings s = settings_for(rig.sink);
        s.nice = nice_setting;
        notify::sender sender(rig.st, rig.clk, s);
        sender.start();
        int seen = nice_of_thread("relais-sender");
        for (int i = 0; i < 100 && seen != expected; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            seen = nice_of_thread("relais-sender");
        }
        sender.stop();
        return seen;
    };
    CHECK(notify::sender_settings{}.nice == 19);
    CHECK(nice_once_started(notify::sender_settings{}.nice, 19) == 19);
    CHECK(nice_once_started(0, 0) == 0);
}

TEST_CASE(
    "sender: an SMTP outage costs one attempt per rest, whatever wakes it; the queue goes when it is back") {
    sender_rig rig("outage.db");
    rig.sink.stop();  // down from the start
    queue_emails(rig.path, rig.clk.now_s(), 5);
    queue_emails(rig.path, rig.clk.now_s(), 1, "sms");  // another channel (not configured here)

    notify::sender_settings s = settings_for(rig.sink);
    s.first_rest = std::chrono::seconds(4);
    notify::sender sender(rig.st, rig.clk, s);
    sender.start();
    // Every commit wakes the sender: 100 wake-ups in a second, while the server is down.
    for (int i = 0; i < 100; ++i) {
        sender.wake();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto attempts = [&] {
        SQLite::Database db = store::open_reader(rig.path);
        return db
            .execAndGet(
                "SELECT COUNT(*) FROM outbox_log WHERE status = 'retry' AND message_id IN "
                "(SELECT id FROM outbox WHERE channel = 'email')")
            .getInt();
    };
    CHECK(attempts() == 1);  // one try, then the channel rests (it was one per wake-up)
    {
        // The resting channel's messages are left out of the due list; the others are still read.
        SQLite::Database db = store::open_reader(rig.path);
        // (Two minutes on, when the one email and the text tried, each back by a minute, are due again.)
        const std::int64_t later = rig.clk.now_s() + 120;
        const auto due = notify::due_messages(db, later, 10, {"email"});
        REQUIRE(due.size() == 1);
        CHECK(due.at(0).channel == "sms");
        CHECK(notify::due_messages(db, later, 10, {"email", "sms"}).empty());
        CHECK(notify::due_messages(db, later, 10, {"push"}).size() == 6);
        CHECK(notify::due_messages(db, later, 10).size() == 6);
    }
    rig.sink.start();
    // The rest over, the four never tried go (the one tried waits for its own retry, a minute later).
    REQUIRE(rig.sink.wait_for(4, std::chrono::seconds(20)));
    sender.stop();
    CHECK(rig.sink.messages().size() == 4);
    CHECK(count_where(rig.path, "channel = 'email' AND status = 'sent'") == 4);
    CHECK(count_where(rig.path, "channel = 'email' AND status = 'queued' AND attempts = 1") == 1);
    CHECK(attempts() == 1);
}

TEST_CASE("outbox: the urgent messages are read ahead of an older backlog of the others") {
    testing::temp_dir dir;
    const std::string path = dir.file("urgent.db");
    { store::store st(sender_rig::options(path)); }                 // the schema
    queue_emails(path, 1000, 60);                                   // 60 receipts, older
    queue_emails(path, 2000, 2, "email", "sign_in_code", "code");   // then two codes
    queue_emails(path, 2000, 1, "sms", "proposal", "proposition");  // and a proposal by text
    queue_emails(path, 2000, 1, "sms", "volunteer_validated", "validation");
    SQLite::Database db = store::open_reader(path);
    const auto due = notify::due_messages(db, 2000, 10);
    REQUIRE(due.size() == 10);
    CHECK(due[0].kind == "sign_in_code");
    CHECK(due[1].kind == "sign_in_code");
    CHECK(due[2].kind == "proposal");
    for (int i = 0; i < 3; ++i)
        CHECK(due[i].urgent);
    for (std::size_t i = 3; i < due.size(); ++i) {
        CHECK_FALSE(due[i].urgent);
        CHECK(due[i].kind == "request_received");  // the oldest first: the receipts, then the validation
        CHECK(due[i].address == "personne" + std::to_string(i - 3) + "@example.org");
    }
    // The urgent ones alone (the server saturated), and as many as asked.
    const auto urgent_only = notify::due_messages(db, 2000, 10, {}, false);
    CHECK(urgent_only.size() == 3);
    CHECK(notify::due_messages(db, 2000, 2).size() == 2);
    CHECK(notify::due_messages(db, 2000, 2).at(1).kind == "sign_in_code");
    CHECK(notify::due_messages(db, 2000, 100).size() == 64);
    CHECK(notify::due_messages(db, 2000, 100).back().kind == "volunteer_validated");
    // The others only if due by then (the sender, saturated: those that waited for the patience; the
    // validation, due at 2000, is not).
    CHECK(notify::due_messages(db, 2000, 100, {}, true, 999).size() == 3);
    CHECK(notify::due_messages(db, 2000, 100, {}, true, 1000).size() == 63);
    // Not due yet is not read, urgent or not.
    CHECK(notify::due_messages(db, 1500, 100).size() == 60);
}

TEST_CASE(
    "sender: while the server is saturated, receipts wait; those due for the patience go one round per "
    "pace, a sign-in code at once") {
    sender_rig rig("saturated.db");
    queue_emails(rig.path, rig.clk.now_s(), 30);
    std::atomic<bool> saturated{true};
    notify::sender_settings s = settings_for(rig.sink);
    s.batch = 10;
    s.routine_patience = std::chrono::seconds(300);
    s.routine_pace = std::chrono::seconds(60);  // one round of the overdue ones, then none while saturated
    s.saturated_hold = std::chrono::milliseconds(300);
    s.saturated = [&saturated] { return saturated.load(); };
    notify::sender sender(rig.st, rig.clk, s);
    sender.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    CHECK(rig.sink.messages().empty());  // fresh receipts wait for the surge to end

    // Receipts due for longer than the patience: one round of them (the oldest), then the pace.
    queue_emails(rig.path, rig.clk.now_s() - 400, 15, "email", "request_received", "ancien");
    sender.wake();
    REQUIRE(rig.sink.wait_for(10, std::chrono::seconds(30)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto envelopes = rig.sink.envelopes();
    REQUIRE(envelopes.size() == 10);
    for (const auto& e : envelopes)
        CHECK(e.find("ancien") != std::string::npos);

    queue_emails(rig.path, rig.clk.now_s(), 1, "email", "sign_in_code", "code");
    sender.wake();
    REQUIRE(rig.sink.wait_for(11, std::chrono::seconds(30)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    envelopes = rig.sink.envelopes();
    REQUIRE(envelopes.size() == 11);
    CHECK(envelopes.back().find("code0@example.org") != std::string::npos);
    CHECK(count_where(rig.path, "status = 'queued'") == 35);  // kept, not lost

    saturated = false;  // the surge is over: the rest go, once each
    REQUIRE(rig.sink.wait_for(46, std::chrono::seconds(60)));
    sender.stop();
    CHECK(rig.sink.messages().size() == 46);
    CHECK(count_where(rig.path, "status = 'sent' AND attempts = 1") == 46);
}

TEST_CASE(
    "sender: the receipts owed are written out at once when the server has time; while it is saturated, "
    "once owed for the patience") {
    sender_rig rig("owed.db");
    // Each receipt_owed row here stands for one receipt to `items`@example.org (the planner's own rows and
    // their writing out are tested in planner_test.cpp); written out as the planner does: a routine email,
    // due when it was owed, its row gone.
    auto owe = [&rig](const std::string& who, std::int64_t at) {
        SQLite::Database db = store::open_writer(rig.path, store::sync_mode::full);
        SQLite::Statement q(db, "INSERT INTO receipt_owed(created_at, items) VALUES (?, ?)");
        q.bind(1, static_cast<std::int64_t>(at));
        q.bind(2, who);
        q.exec();
    };
    std::atomic<int> jobs{0}, last_limit{0};
    std::atomic<bool> saturated{true};
    notify::sender_settings s = settings_for(rig.sink);
    s.batch = 10;
    s.owed_per_job = 200;
    s.routine_patience = std::chrono::seconds(300);
    // Routine turns come often: what keeps fresh receipts owed while saturated is their age, not the pace.
    s.routine_pace = std::chrono::milliseconds(200);
    s.saturated_hold = std::chrono::milliseconds(300);
    s.saturated = [&saturated] { return saturated.load(); };
    s.oldest_owed = [](SQLite::Database& db) { return notify::oldest_owed_receipt(db); };
    s.expand_owed = [&jobs, &last_limit](SQLite::Database& db, std::int64_t, int limit) {
        ++jobs;
        last_limit = limit;
        SQLite::Statement q(db, "SELECT seq, created_at, items FROM receipt_owed ORDER BY seq LIMIT ?");
        q.bind(1, limit);
        std::vector<std::int64_t> rows;
        while (q.executeStep()) {
            notify::outgoing m;
            m.kind = "request_received";
            m.channel = "email";
            m.recipient_kind = "resident";
            m.recipient_id = "res_" + q.getColumn(2).getString();
            m.address = q.getColumn(2).getString() + "@example.org";
            m.lang = "fr";
            m.subject = "Votre demande";
            m.text = "Bonjour,\n\nVotre demande est enregistrée.\n";
            notify::enqueue(db, m, q.getColumn(1).getInt64(), 86400);
            rows.push_back(q.getColumn(0).getInt64());
        }
        for (const auto row : rows)
            db.exec("DELETE FROM receipt_owed WHERE seq = " + std::to_string(row));
        return static_cast<int>(rows.size());
    };
    const std::int64_t now = rig.clk.now_s();
    owe("ancien", now - 400);  // owed longer than the patience
    for (int i = 0; i < 4; ++i)
        owe("frais" + std::to_string(i), now);
    notify::sender sender(rig.st, rig.clk, s);
    sender.start();
    // Saturated: the overdue one's row is the oldest, so one job writes out a round (`batch`) of rows (all
    // five here); of the messages, only the overdue one goes, the fresh ones wait in the outbox.
    REQUIRE(rig.sink.wait_for(1, std::chrono::seconds(30)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(last_limit == 10);
    CHECK(jobs == 1);
    REQUIRE(rig.sink.envelopes().size() == 1);
    CHECK(rig.sink.envelopes().front().find("ancien@example.org") != std::string::npos);
    CHECK(count_where(rig.path, "status = 'queued'") == 4);

    // Fresh ones owed while it is saturated wait.
    for (int i = 0; i < 3; ++i)
        owe("attente" + std::to_string(i), rig.clk.now_s());
    sender.wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    CHECK(jobs == 1);
    CHECK(rig.sink.messages().size() == 1);
    {
        SQLite::Database db = store::open_reader(rig.path);
        CHECK(db.execAndGet("SELECT COUNT(*) FROM receipt_owed").getInt() == 3);
    }

    saturated = false;  // the surge is over: written out (a job of up to owed_per_job) and sent, once each
    REQUIRE(rig.sink.wait_for(8, std::chrono::seconds(30)));
    sender.stop();
    CHECK(last_limit == 200);
    CHECK(jobs == 2);
    CHECK(rig.sink.messages().size() == 8);
    CHECK(count_where(rig.path, "status = 'sent' AND attempts = 1") == 8);
    SQLite::Database db = store::open_reader(rig.path);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM receipt_owed").getInt() == 0);
}

TEST_CASE(
    "sender: saturation is a deep queue now or full group commits since the last look, its own jobs "
    "apart") {
    CHECK(notify::saturation_sign(4, 4, 0, 0, 0));        // the queue, now
    CHECK_FALSE(notify::saturation_sign(4, 3, 0, 0, 0));  // nothing committed since
    // The queue empty at the instant the writer took a batch: its commits since the last look say it.
    CHECK(notify::saturation_sign(4, 0, 10, 250, 0));
    CHECK(notify::saturation_sign(4, 0, 10, 40, 0));
    CHECK_FALSE(notify::saturation_sign(4, 0, 10, 39, 0));
    // The sender's own marks folded into those commits are not the requests'.
    CHECK_FALSE(notify::saturation_sign(4, 0, 10, 250, 220));
    CHECK_FALSE(notify::saturation_sign(4, 0, 10, 5, 9));  // more of its own than committed: none of others
    CHECK_FALSE(notify::saturation_sign(0, 100, 10, 1000, 0));  // 0: never
}

TEST_CASE("sender: unsaturated, it sends the routine messages without pause") {
    sender_rig rig("unsaturated.db");
    queue_emails(rig.path, rig.clk.now_s(), 30);
    notify::sender_settings s = settings_for(rig.sink);
    s.batch = 10;
    s.routine_pace = std::chrono::seconds(60);
    s.saturated = [] { return false; };
    notify::sender sender(rig.st, rig.clk, s);
    sender.start();
    // Three rounds of ten, none waiting a minute for its turn.
    REQUIRE(rig.sink.wait_for(30, std::chrono::seconds(30)));
    sender.stop();
}
