// The scheduled retention job (issue 4): it runs on its own through the store's writer, at the programme
// clock's time, again at every interval, and logs counts only. The delays are parameters, so the test runs
// the real loop in milliseconds instead of minutes.
#include "app/retention_job.hpp"
#include "core/clock.hpp"
#include "domain/requests.hpp"
#include "store/connection.hpp"
#include "store/store.hpp"
#include "support/demo_map.hpp"
#include "support/temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <sstream>

using namespace std::chrono_literals;
namespace d = relais::domain;

namespace {

constexpr std::int64_t day = 86400;

std::int64_t wall_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// A resident (with one request, closed at `closed_at`) written straight into the database at `path`.
std::string closed_resident(const std::string& path, const std::string& phone, std::int64_t closed_at) {
    auto db = relais::store::open_writer(path, relais::store::sync_mode::normal);
    const d::actor who{"usr_coordinator", "coordinator"};
    d::request_input in;
    d::resident_input r;
    r.first_name = "Maelys";
    r.last_name = "Guivarchic";
    r.phone = phone;
    r.address = "5 rue Saint-Melaine, 35000 Rennes";
    r.neighbourhood = "centre";
    in.resident = r;
    in.category = "shopping";
    in.urgency = "week";
    in.recurrence = "once";
    in.channel = "phone";
    in.window_from = closed_at - 10 * day;
    in.window_until = closed_at;
    auto created = d::create_request(db, in, closed_at - 10 * day, who);
    d::close_request(db, created.id, "fulfilled", std::nullopt, closed_at, who);
    return created.resident_id;
}

bool erased(const std::string& path, const std::string& resident_id) {
    auto db = relais::store::open_reader(path);
    SQLite::Statement q(db, "SELECT erased_at IS NOT NULL FROM resident WHERE id = ?");
    q.bind(1, resident_id);
    REQUIRE(q.executeStep());
    return q.getColumn(0).getInt() == 1;
}

/// A message to `id`'s recipient written straight into the outbox, kept until `purge_after`, with one line
/// of delivery log.
void message(const std::string& path, const std::string& id, const std::string& status,
             std::int64_t purge_after) {
    auto db = relais::store::open_writer(path, relais::store::sync_mode::normal);
    SQLite::Statement q(
        db,
        "INSERT INTO outbox(id, created_at, kind, channel, recipient_kind, recipient_id, address, "
        "lang, subject, body_text, next_attempt_at, purge_after, status) VALUES (?, 1, "
        "'proposal', 'email', 'volunteer', 'vol_x', 'x@example.org', 'fr', 's', 't', 1, ?, ?)");
    q.bind(1, id);
    q.bind(2, purge_after);
    q.bind(3, status);
    q.exec();
    SQLite::Statement l(db,
                        "INSERT INTO outbox_log(message_id, at, status, detail) VALUES (?, 1, 'retry', 'x')");
    l.bind(1, id);
    l.exec();
}

/// How many rows of `table` are about message `id`.
int rows_about(const std::string& path, const char* table, const std::string& id) {
    auto db = relais::store::open_reader(path);
    SQLite::Statement q(db, std::string("SELECT COUNT(*) FROM ") + table + " WHERE " +
                                (std::string(table) == "outbox" ? "id" : "message_id") + " = ?");
    q.bind(1, id);
    REQUIRE(q.executeStep());
    return q.getColumn(0).getInt();
}

/// Runs `ioc` in small steps until `done()` or 10 s have passed; true if `done()`.
bool run_until(boost::asio::io_context& ioc, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        ioc.run_for(20ms);
        if (done())
            return true;
    }
    return false;
}

}  // namespace

TEST_CASE("the scheduled retention job erases on its own, at every interval, by the programme clock") {
    relais::testing::temp_dir dir;
    const std::string path = dir.file("relais.db");
    const auto now = wall_now();
    const auto level = spdlog::get_level();
    spdlog::set_level(spdlog::level::warn);
    relais::testing::migrate_with_demo_map(path);
    spdlog::set_level(level);
    const auto old_one = closed_resident(path, "+33299000001", now - 300 * day);  // past the 180 days
    const auto recent = closed_resident(path, "+33299000002", now - 10 * day);
    // Messages past their keeping (--outbox-retention-days), sent or still queued, and one within it.
    message(path, "msg_old_sent", "sent", now - day);
    message(path, "msg_old_queued", "queued", now - day);
    message(path, "msg_kept", "sent", now + 10 * day);

    // The job's log lines, captured.
    std::ostringstream log;
    auto previous = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("retention-test",
                                                   std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
    spdlog::set_default_logger(logger);

    {
        relais::store::store_options so;
        so.path = path;
        so.sync = relais::store::sync_mode::normal;
        relais::store::store st(so);
        relais::core::clock clk(true);
        boost::asio::io_context ioc;
        relais::app::spawn_retention_job(ioc, st, clk, 10ms, 50ms);

        CHECK(run_until(ioc, [&] { return erased(path, old_one); }));
        // The same run deleted the old messages with their delivery logs.
        for (const char* table : {"outbox", "outbox_log"}) {
            CHECK(rows_about(path, table, "msg_old_sent") == 0);
            CHECK(rows_about(path, table, "msg_old_queued") == 0);
            CHECK(rows_about(path, table, "msg_kept") == 1);
        }
        // Later runs leave the recent one alone while its period lasts...
        ioc.run_for(300ms);
        CHECK_FALSE(erased(path, recent));
        // ...and erase it once the programme clock has passed it.
        clk.set(std::chrono::system_clock::time_point(std::chrono::seconds(now + 200 * day)));
        CHECK(run_until(ioc, [&] { return erased(path, recent); }));
        ioc.stop();
        st.stop();
    }
    spdlog::set_default_logger(previous);

    const std::string text = log.str();
    CHECK(text.find("scheduled retention: 1 residents and 0 volunteers erased") != std::string::npos);
    CHECK(text.find("scheduled retention: 0 residents and 0 volunteers erased") != std::string::npos);
    for (const char* personal : {"Maelys", "Guivarchic", "+33299000001", "Saint-Melaine"})
        CHECK(text.find(personal) == std::string::npos);
}
