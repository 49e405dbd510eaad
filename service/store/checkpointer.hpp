#pragma once

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace relais::store {

/// Copies the write-ahead log back into the database file on a thread and connection of its own, so the
/// writer never spends a group commit checkpointing (SQLite's automatic checkpoint runs inside the commit
/// that crosses the threshold, and every write queued behind it waits). The writer calls `request` when
/// its WAL has grown past the threshold; a PASSIVE checkpoint neither blocks the writer nor waits for
/// readers, and the writer restarts the log from its beginning once it has been copied entirely.
class checkpointer {
  public:
    explicit checkpointer(const std::string& path);
    ~checkpointer();

    checkpointer(const checkpointer&) = delete;
    checkpointer& operator=(const checkpointer&) = delete;

    /// Asks for a checkpoint soon; cheap and non-blocking (coalesced while one is pending or running).
    void request() noexcept;

    /// Stops the thread (a running checkpoint finishes first) and closes the connection. Idempotent.
    void stop();

    /// Checkpoints done so far (for tests and metrics).
    std::uint64_t runs() const noexcept { return runs_.load(std::memory_order_relaxed); }

  private:
    void loop();

    SQLite::Database db_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = false;
    bool stopping_ = false;
    std::atomic<std::uint64_t> runs_{0};
    std::thread thread_;
};

}  // namespace relais::store
