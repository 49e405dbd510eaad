#pragma once

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace relais::store {

/// Copies the write-ahead log back into the database file on a thread and connection of its own, so the
/// writer never spends a group commit checkpointing (SQLite's automatic checkpoint runs inside the commit
/// that crosses the threshold, and every write queued behind it waits). The writer calls `request` when
/// its WAL has grown past the threshold; a PASSIVE checkpoint neither blocks the writer nor waits for
/// readers, and the writer restarts the log from its beginning once it has been copied entirely (under a
/// steady flow of writes the writer copies the last short tail itself: see writer::on_wal_commit).
class checkpointer {
  public:
    explicit checkpointer(const std::string& path);
    ~checkpointer();

    checkpointer(const checkpointer&) = delete;
    checkpointer& operator=(const checkpointer&) = delete;

    /// How far a pass got: the log's size and the frames copied from it, both as the pass ended, and the
    /// `log_generation` its request named (see request).
    struct pass {
        std::uint64_t log_generation = 0;
        int log_frames = -1;
        int copied = -1;
    };

    /// Asks for a checkpoint soon; cheap and non-blocking (coalesced while one is pending or running).
    /// `log_generation` is the caller's count of the log's restarts: the pass reports it back, so that a
    /// report about a log since restarted is not taken for one about the current log.
    void request(std::uint64_t log_generation = 0) noexcept;

    /// The last PASSIVE pass's report (log_frames -1: none yet).
    pass last_pass() const;
    /// Whether a pass is pending or running now.
    bool busy() const noexcept { return busy_.load(std::memory_order_acquire); }

    /// Asks for a TRUNCATE checkpoint: every frame of the log copied into the database and the log file cut
    /// to zero bytes, so nothing erased survives in it (after an erasure or a retention run; with
    /// secure_delete the database file's freed cells are zeroed too). It waits for readers on older
    /// snapshots (busy timeout) and is retried for a few seconds; `done(true)` once the log is empty,
    /// `done(false)` if it could not be emptied. `done` runs on the checkpointer's thread.
    void truncate(std::function<void(bool)> done);

    /// Stops the thread (a running checkpoint finishes first) and closes the connection. Idempotent.
    void stop();

    /// Checkpoints done so far (for tests and metrics).
    std::uint64_t runs() const noexcept { return runs_.load(std::memory_order_relaxed); }

  private:
    void loop();
    bool truncate_now();

    SQLite::Database db_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = false;
    std::uint64_t requested_generation_ = 0;
    pass last_pass_;
    std::atomic<bool> busy_{false};
    std::vector<std::function<void(bool)>> truncate_waiters_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> runs_{0};
    std::thread thread_;
};

}  // namespace relais::store
