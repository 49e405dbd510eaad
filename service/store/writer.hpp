#pragma once

#include "store/checkpointer.hpp"
#include "store/connection.hpp"
#include "store/event_collector.hpp"
#include "store/job_queue.hpp"
#include "store/wal_syncer.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

struct sqlite3;

namespace relais::store {

class event_dispatcher;

/// Work done inside a group commit with its events, before COMMIT (store_options::before_commit). Returns how
/// many of its parts failed and were undone (the rest kept), counted with the step's own failures.
using before_commit_step = std::function<std::size_t(SQLite::Database&, const std::vector<committed_event>&)>;

/// Counters the writer keeps for /metrics.
struct writer_stats {
    static constexpr std::array<std::size_t, 9> batch_bounds{1, 2, 4, 8, 16, 32, 64, 128, 256};
    std::atomic<std::uint64_t> commits{0};
    std::atomic<std::uint64_t> jobs{0};
    std::atomic<std::uint64_t> failed_jobs{0};
    std::atomic<std::uint64_t> failed_commits{0};
    std::atomic<std::uint64_t> failed_before_commit{
        0};  ///< pre-commit steps that threw (their writes undone)
    /// Batch sizes: count of commits with size <= batch_bounds[i] (non-cumulative), last slot is +Inf.
    std::array<std::atomic<std::uint64_t>, batch_bounds.size() + 1> batch_size_buckets{};
};

/// The single writer: one connection, one thread. It takes every job waiting in its queue (up to
/// `max_batch`), runs each inside its own savepoint within one `BEGIN IMMEDIATE` transaction, commits once
/// (group commit), and only then answers each job's caller. A job that throws is rolled back to its
/// savepoint alone; its neighbours still commit. Once the commit is on disk (see wal_syncer: the flush runs
/// beside the next group commit), the callers get their answers and the events the batch appended to the log
/// (and kept: see event_collector) go to the event dispatcher, if any. Before the COMMIT, the
/// `before_commit` step gets those events inside the transaction, in a savepoint of its own: its failure
/// is logged and undoes its writes only (the users' changes still commit).
class writer {
  public:
    /// `watched_tables`: a commit that inserted, updated or deleted a row of one of these bumps
    /// watched_generation() (caches of what those tables say check it; see auth::session_cache).
    /// `events`: where committed events go (null: nowhere); it must outlive the writer.
    writer(const std::string& path, sync_mode sync, std::size_t queue_capacity, std::size_t max_batch,
           std::vector<std::string> watched_tables = {}, event_dispatcher* events = nullptr,
           before_commit_step before_commit = {}, std::function<void()> before_flush = {});
    ~writer();

    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;

    /// Queues a job; false (and the job untouched) if the queue is full or the writer is stopping.
    bool submit(std::unique_ptr<job>& j) { return queue_.try_push(j); }

    /// Finishes the queued jobs, then stops the thread and closes the connection.
    void stop();

    std::size_t queue_depth() const { return queue_.size(); }
    const writer_stats& stats() const noexcept { return stats_; }

    /// Bumped after every commit (or rollback) that touched a watched table. A value read before a read
    /// transaction began, and still current later, means no such change has been committed since.
    /// Checkpoints run by the checkpointer thread so far.
    std::uint64_t checkpoints() const noexcept { return checkpointer_.runs(); }
    /// See checkpointer::truncate.
    void truncate_wal(std::function<void(bool)> done) { checkpointer_.truncate(std::move(done)); }

    /// Commits begun so far (counted before each COMMIT): a value read after a read transaction's snapshot
    /// covers every commit that snapshot can see.
    std::uint64_t commits_begun() const noexcept { return commits_begun_.load(); }
    /// Blocks until the commits numbered up to `number` are on disk (see wal_syncer).
    void wait_durable(std::uint64_t number) { syncer_.wait_durable(number); }
    /// Times the write-ahead log started again from its beginning (each after it was copied entirely).
    std::uint64_t log_restarts() const noexcept { return log_restarts_.load(std::memory_order_relaxed); }
    /// Flushes of the write-ahead log so far (one per group of commits).
    std::uint64_t wal_flushes() const noexcept { return syncer_.flushes(); }
    std::uint64_t watched_generation() const noexcept {
        return watched_generation_.load(std::memory_order_acquire);
    }

    /// Runs `f` on the writer connection before the thread starts (migrations, seeding at start-up).
    template <class F>
    void with_connection_unthreaded(F&& f) {
        f(db_);
    }

  private:
    void loop();
    void run_batch(std::deque<std::unique_ptr<job>>& batch);
    static void on_row_change(void* self, int op, const char* database, const char* table, long long rowid);
    static int on_wal_commit(void* self, ::sqlite3* db, const char* database, int wal_pages);
    void publish_watched_changes();
    void hand_over(std::deque<std::unique_ptr<job>>& batch, bool committed);

    SQLite::Database db_;
    job_queue queue_;
    std::size_t max_batch_;
    writer_stats stats_;
    checkpointer checkpointer_;
    std::vector<std::string> watched_tables_;
    bool watched_dirty_ = false;  ///< writer thread only: the open transaction touched a watched table
    event_collector collector_;   ///< writer thread only: the open transaction's events
    std::vector<committed_event> collected_;  ///< writer thread only: read back before COMMIT
    bool collected_gap_ = false;              ///< writer thread only: the read-back failed
    event_dispatcher* events_ = nullptr;
    before_commit_step before_commit_;
    std::atomic<std::uint64_t> watched_generation_{0};
    std::atomic<std::uint64_t> commits_begun_{0};
    int last_wal_pages_ = 0;            ///< writer thread only: the log's size after the last commit
    std::uint64_t log_generation_ = 0;  ///< writer thread only: the log's restarts seen so far
    std::atomic<std::uint64_t> log_restarts_{0};
    wal_syncer syncer_;  ///< before the thread, which hands it every commit
    std::thread thread_;
    bool stopped_ = false;
};

}  // namespace relais::store
