#include "store/checkpointer.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

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
    thread_ = std::thread([this] { loop(); });
}

checkpointer::~checkpointer() {
    stop();
}

void checkpointer::request() noexcept {
    {
        std::lock_guard lock(mutex_);
        if (pending_)
            return;
        pending_ = true;
    }
    wake_.notify_one();
}

void checkpointer::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable())
        thread_.join();
}

void checkpointer::loop() {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return pending_ || stopping_; });
            if (stopping_)
                return;
            pending_ = false;
        }
        int log_frames = 0;
        int copied = 0;
        const int rc = sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                                 &log_frames, &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            spdlog::warn("WAL checkpoint failed: {}", sqlite3_errstr(rc));
        runs_.fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace relais::store
