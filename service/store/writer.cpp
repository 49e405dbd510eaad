#include "store/writer.hpp"

#include "core/thread_name.hpp"
#include "store/event_dispatcher.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <cstring>
#include <stdexcept>
#include <utility>

namespace relais::store {

namespace {

/// With synchronous=FULL in WAL mode, a commit is the frames written and then the log flushed; the flush
/// moves to the wal_syncer's thread, so the connection itself commits with NORMAL. True when the syncer
/// must flush. Outside WAL mode (a file system without shared memory) the commits stay FULL by themselves.
bool flush_beside(SQLite::Database& db, sync_mode sync) {
    if (sync != sync_mode::full)
        return false;
    SQLite::Statement mode(db, "PRAGMA journal_mode");
    if (!mode.executeStep() || mode.getColumn(0).getString() != "wal")
        return false;
    db.exec("PRAGMA synchronous=NORMAL");
    return true;
}

}  // namespace

writer::writer(const std::string& path, sync_mode sync, std::size_t queue_capacity, std::size_t max_batch,
               std::vector<std::string> watched_tables, event_dispatcher* events,
               before_commit_step before_commit, std::function<void()> before_flush)
    : db_(open_writer(path, sync)),
      queue_(queue_capacity),
      max_batch_(max_batch),
      checkpointer_(path),
      watched_tables_(std::move(watched_tables)),
      events_(events),
      before_commit_(std::move(before_commit)),
      syncer_(path + "-wal", flush_beside(db_, sync), events, queue_capacity, std::move(before_flush)) {
    // Replaces SQLite's automatic checkpoint (which would run inside our commits).
    sqlite3_wal_hook(db_.getHandle(), &writer::on_wal_commit, this);
    for (const auto& t : watched_tables_) {
        // The update hook is silent about WITHOUT ROWID tables: watching one would miss its changes.
        SQLite::Statement q(db_, "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?");
        q.bind(1, t);
        if (q.executeStep() && q.getColumn(0).getInt() != 0)
            throw std::logic_error("table " + t + " is WITHOUT ROWID: its changes cannot be watched");
    }
    // Also the event log's inserts, for the committed-events collector.
    sqlite3_update_hook(db_.getHandle(), &writer::on_row_change, this);
    thread_ = std::thread([this] {
        core::name_this_thread("relais-writer");
        loop();
    });
}

void writer::on_row_change(void* self, int op, const char*, const char* table, sqlite3_int64 rowid) {
    // Called by SQLite on the writer thread for each row changed in a rowid table (every table we watch
    // is one; WITHOUT ROWID tables would not be reported).
    auto* w = static_cast<writer*>(self);
    if (op == SQLITE_INSERT && std::strcmp(table, "event") == 0)
        w->collector_.noted(rowid);
    if (w->watched_dirty_)
        return;
    for (const auto& t : w->watched_tables_)
        if (std::strcmp(t.c_str(), table) == 0)
            w->watched_dirty_ = true;
}

int writer::on_wal_commit(void* self, sqlite3* db, const char*, int wal_pages) {
    constexpr int threshold = 4000;  // pages (16 MB at 4 KiB): SQLite's default is 1000
    // The frames the writer copies itself to end a cycle of the log (a few milliseconds: see below).
    constexpr int tail = 512;
    auto* w = static_cast<writer*>(self);
    if (wal_pages < w->last_wal_pages_) {
        // The log started again from its beginning when this transaction began.
        ++w->log_generation_;
        w->log_restarts_.fetch_add(1, std::memory_order_relaxed);
    }
    w->last_wal_pages_ = wal_pages;
    if (wal_pages < threshold)
        return SQLITE_OK;
    // A backstop if the checkpointer cannot keep up: the log must not grow without bound.
    if (wal_pages >= 16 * threshold) {
        sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        return SQLITE_OK;
    }
    // The log starts again from its beginning only when a write transaction begins with every frame copied
    // into the database. The checkpointer's passes run beside the writer's commits, so under a steady flow
    // of writes each pass ends with the frames committed meanwhile still to copy, and the log would grow
    // for as long as the flow lasts (to 190 MB in 10 s of public requests, measured), each pass sorting a
    // larger index of it. So once a pass has copied all but a short tail, the writer copies that tail
    // itself, now, between two of its transactions (PASSIVE: never waiting for a reader, nor for a pass of
    // the checkpointer, which makes it answer SQLITE_BUSY at once); its next BEGIN restarts the log.
    const auto last = w->checkpointer_.last_pass();
    if (last.log_generation == w->log_generation_ && last.copied == last.log_frames &&
        wal_pages - last.copied <= tail && !w->checkpointer_.busy()) {
        int log_frames = 0;
        int copied = 0;
        if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied) ==
                SQLITE_OK &&
            copied == log_frames)
            return SQLITE_OK;
    }
    w->checkpointer_.request(w->log_generation_);
    return SQLITE_OK;
}

void writer::publish_watched_changes() {
    // After the commit (or the rollback: conservative), so a reader that saw the old generation and starts
    // its transaction later sees the new rows, or sees the generation move.
    if (watched_dirty_) {
        watched_dirty_ = false;
        watched_generation_.fetch_add(1, std::memory_order_acq_rel);
    }
}

void writer::hand_over(std::deque<std::unique_ptr<job>>& batch, bool committed) {
    // The answers and the events wait for the flush; a failed transaction's events never happened.
    pending_commit c;
    c.number = commits_begun_.load();
    c.committed = committed;
    c.events_gap = std::exchange(collected_gap_, false);
    if (committed)
        c.events = std::move(collected_);
    c.jobs = std::move(batch);
    collected_.clear();
    collector_.discard();
    syncer_.hand_over(std::move(c));
}

writer::~writer() {
    stop();
}

void writer::stop() {
    if (stopped_)
        return;
    stopped_ = true;
    queue_.close();
    if (thread_.joinable())
        thread_.join();
    syncer_.stop();  // after the writer's last hand-over: every caller answered
    checkpointer_.stop();
}

void writer::loop() {
    statement_cache cache(db_);
    statement_cache::scope use(cache);
    for (;;) {
        auto batch = queue_.pop_batch(max_batch_);
        if (batch.empty())
            return;
        run_batch(batch);
    }
}

void writer::run_batch(std::deque<std::unique_ptr<job>>& batch) {
    collector_.discard();  // rows noted outside a batch (start-up work on this connection) are not ours
    try {
        prepare(db_, "BEGIN IMMEDIATE")->exec();
    } catch (...) {
        auto e = std::current_exception();
        for (auto& j : batch)
            j->fail(e);
        stats_.failed_commits++;
        publish_watched_changes();
        collected_.clear();
        collector_.discard();
        for (auto& j : batch)
            j->finish();  // nothing was written: no flush to wait for
        return;
    }
    for (auto& j : batch) {
        // A savepoint per job: its failure undoes its own writes only.
        prepare(db_, "SAVEPOINT job")->exec();
        j->run(db_);
        if (j->failed()) {
            prepare(db_, "ROLLBACK TO job")->exec();
            stats_.failed_jobs++;
        }
        prepare(db_, "RELEASE job")->exec();
    }
    bool committed = false;
    try {
        // Read back inside the transaction: exactly the events this commit makes durable.
        collected_ = collector_.collect(db_);
    } catch (const std::exception& ex) {
        // The commit must not fail for its subscribers' sake; they miss this batch and are told so.
        spdlog::error("the events of a group commit could not be read back: {}", ex.what());
        collected_.clear();
        collected_gap_ = true;
    }
    if (before_commit_ && !collected_.empty()) {
        prepare(db_, "SAVEPOINT before_commit")->exec();
        try {
            stats_.failed_before_commit += before_commit_(db_, collected_);
        } catch (const std::exception& ex) {
            // A failing step must not refuse the users' changes: its own writes are undone, it is logged.
            spdlog::error("the pre-commit step of a group commit failed: {}", ex.what());
            stats_.failed_before_commit++;
            prepare(db_, "ROLLBACK TO before_commit")->exec();
        }
        prepare(db_, "RELEASE before_commit")->exec();
    }
    // Counted before COMMIT: a reader that can see this commit reads a count that covers it.
    commits_begun_.fetch_add(1);
    try {
        prepare(db_, "COMMIT")->exec();
        stats_.commits++;
        committed = true;
    } catch (const std::exception& ex) {
        spdlog::error("group commit of {} jobs failed: {}", batch.size(), ex.what());
        auto e = std::current_exception();
        for (auto& j : batch)
            j->fail(e);
        stats_.failed_commits++;
        try {
            db_.exec("ROLLBACK");
        } catch (...) {
        }
    }
    // At once, not after the flush: a cache must not keep what readers can already see has changed.
    publish_watched_changes();
    stats_.jobs += batch.size();
    std::size_t slot = 0;
    while (slot < writer_stats::batch_bounds.size() && batch.size() > writer_stats::batch_bounds[slot])
        ++slot;
    stats_.batch_size_buckets[slot]++;
    hand_over(batch, committed);
}

}  // namespace relais::store
