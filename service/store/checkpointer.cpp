#include "store/checkpointer.hpp"

#include "core/thread_name.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>

namespace relais::store {

checkpointer::checkpointer(const std::string& path)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX) {
    db_.setBusyTimeout(5000);
    // This connection writes nothing itself: it must never checkpoint on its own schedule either.
    db_.exec("PRAGMA wal_autocheckpoint=0");
    // SQLite opens the file lazily; until this connection has read the database it does not know it is in
    // WAL mode, and a checkpoint on it would silently do nothing.
    SQLite::Statement mode(db_, "PRAGMA journal_mode");
    if (!mode.executeStep() || mode.getColumn(0).getString() != "wal")
        spdlog::warn("the checkpointer's database is not in WAL mode");
    thread_ = std::thread([this] {
        core::name_this_thread("relais-checkpt");
        loop();
    });
}

checkpointer::~checkpointer() {
    stop();
}

void checkpointer::request(std::uint64_t log_generation) noexcept {
    {
        std::lock_guard lock(mutex_);
        requested_generation_ = log_generation;
        if (pending_)
            return;
        pending_ = true;
        busy_.store(true, std::memory_order_release);
    }
    wake_.notify_one();
}

checkpointer::pass checkpointer::last_pass() const {
    std::lock_guard lock(mutex_);
    return last_pass_;
}

void checkpointer::truncate(std::function<void(bool)> done) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            truncate_waiters_.push_back(std::move(done));
            done = nullptr;
        }
    }
    if (done)
        done(false);  // stopping: the last connection's close checkpoints and deletes the log anyway
    else
        wake_.notify_one();
}

void checkpointer::stop() {
    std::vector<std::function<void(bool)>> waiters;
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable())
        thread_.join();
    {
        std::lock_guard lock(mutex_);
        waiters.swap(truncate_waiters_);
    }
    for (auto& w : waiters)
        w(false);
}

bool checkpointer::truncate_now() {
    // Readers still on an older snapshot or a commit in progress make it answer SQLITE_BUSY (after the
    // busy timeout); commits keep coming on a busy server, so try a few times.
    for (int attempt = 0; attempt < 20; ++attempt) {
        int log_frames = -1;
        int copied = -1;
        const int rc = sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                                 &log_frames, &copied);
        runs_.fetch_add(1, std::memory_order_relaxed);
        if (rc == SQLITE_OK && log_frames == 0)
            return true;
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
            spdlog::warn("WAL truncation failed: {}", sqlite3_errstr(rc));
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    spdlog::warn("WAL truncation gave up: the log stayed busy");
    return false;
}

void checkpointer::loop() {
    std::vector<std::function<void(bool)>> waiters;
    for (;;) {
        std::uint64_t generation = 0;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return pending_ || stopping_ || !truncate_waiters_.empty(); });
            if (stopping_)
                return;
            pending_ = false;
            generation = requested_generation_;
            waiters.swap(truncate_waiters_);
        }
        if (!waiters.empty()) {
            // One truncation answers every caller that asked before it started.
            const bool emptied = truncate_now();
            for (auto& w : waiters)
                w(emptied);
            waiters.clear();
            std::lock_guard lock(mutex_);
            busy_.store(pending_, std::memory_order_release);  // (it did what a pending pass would)
            continue;
        }
        int log_frames = 0;
        int copied = 0;
        const int rc = sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                                 &log_frames, &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            spdlog::warn("WAL checkpoint failed: {}", sqlite3_errstr(rc));
        runs_.fetch_add(1, std::memory_order_relaxed);
        std::lock_guard lock(mutex_);
        if (rc == SQLITE_OK)
            last_pass_ = {generation, log_frames, copied};
        busy_.store(pending_, std::memory_order_release);
    }
}

}  // namespace relais::store
