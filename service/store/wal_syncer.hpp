#pragma once

#include "store/committed_event.hpp"
#include "store/job.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace relais::store {

class event_dispatcher;

/// A group commit whose callers wait for its write-ahead log frames to be on disk.
struct pending_commit {
    std::uint64_t number = 0;  ///< the writer's count of commits begun, this one included
    bool committed = false;    ///< false: COMMIT failed (its jobs already hold the failure)
    bool events_gap = false;   ///< its events could not be read back: subscribers are told
    std::vector<committed_event> events;
    std::deque<std::unique_ptr<job>> jobs;
};

/// Makes the writer's commits durable on a thread of its own, so that the writer runs the next group commit
/// while the disk flushes the last one (a pipelined group commit). The writer commits with
/// `synchronous=NORMAL` (the frames written, not flushed) and hands the commit over; this thread
/// `fdatasync`s the log (what `synchronous=FULL` adds to each commit, SQLite's documentation says), once for
/// every commit waiting, and only then answers the commits' callers and publishes their events, in commit
/// order. So an answer or an event still means "on disk", as with FULL. What a crash of the machine (not of
/// the process) may still lose is a commit nobody was told of; readers may have seen it for those
/// milliseconds, which is why what acts outside the service on what it reads (the outbox's sender) waits for
/// `durable()` first (store::read_durable).
///
/// A failed flush is fatal: the kernel may have dropped the pages it could not write, and a retry would
/// report success over lost data (PostgreSQL has stopped the server there since 2018). The process aborts
/// and the restart recovers from what is on disk; nothing was acknowledged that is not.
class wal_syncer {
  public:
    /// `wal_path`: the database's log (`<path>-wal`); `flush`: false when commits are durable (or not
    /// wanted durable) by themselves, and only the ordering is kept; `max_pending_jobs`: the writer waits
    /// in hand_over while that many jobs wait for a flush (the writer's queue bound, here too);
    /// `before_flush`: called on this thread before each flush (tests hold it to look in between).
    wal_syncer(std::string wal_path, bool flush, event_dispatcher* events, std::size_t max_pending_jobs,
               std::function<void()> before_flush = {});
    ~wal_syncer();
    wal_syncer(const wal_syncer&) = delete;
    wal_syncer& operator=(const wal_syncer&) = delete;

    /// From the writer thread, in commit order; waits while too many jobs are pending.
    void hand_over(pending_commit c);
    /// Blocks until every commit numbered up to `number` is on disk (answered, its events published).
    void wait_durable(std::uint64_t number);
    std::uint64_t durable() const noexcept { return durable_.load(std::memory_order_acquire); }
    /// Flushes performed so far (one may cover several commits).
    std::uint64_t flushes() const noexcept { return flushes_.load(std::memory_order_relaxed); }
    /// Finishes what was handed over, then stops the thread. Idempotent.
    void stop();

  private:
    void loop();
    void flush_log();

    const std::string wal_path_;
    const bool flush_;
    event_dispatcher* events_;
    const std::size_t max_pending_jobs_;
    std::function<void()> before_flush_;
    int fd_ = -1;  ///< this thread only: the log, opened at the first flush (SQLite creates it)

    std::mutex mutex_;
    std::condition_variable work_;  ///< the thread: something was handed over, or stop
    std::condition_variable room_;  ///< the writer: the pending jobs went below the bound
    std::condition_variable done_;  ///< wait_durable: durable_ moved
    std::deque<pending_commit> pending_;
    std::size_t pending_jobs_ = 0;
    bool stopping_ = false;
    bool stopped_ = false;
    std::atomic<std::uint64_t> durable_{0};
    std::atomic<std::uint64_t> flushes_{0};
    std::thread thread_;
};

}  // namespace relais::store
