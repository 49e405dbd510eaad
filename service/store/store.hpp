#pragma once

#include "core/error.hpp"
#include "store/connection.hpp"
#include "store/event_dispatcher.hpp"
#include "store/reader_pool.hpp"
#include "store/writer.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <vector>

namespace relais::store {

/// Where and how the database lives.
struct store_options {
    std::string path = "var/relais.db";
    sync_mode sync = sync_mode::full;
    std::size_t readers = 2;
    std::size_t write_queue = 10000;
    std::size_t read_queue = 10000;
    std::size_t max_batch = 256;
    /// Tables whose committed changes bump watched_generation() (see writer): by default the ones the
    /// read-side caches depend on: a signed-in session (auth::find_session, for auth::session_cache) and
    /// the coordinators' queue (domain::list_requests, for api::read_cache).
    std::vector<std::string> watched_tables{"session", "users", "volunteer", "request", "resident"};
    /// Runs on the writer, inside each group commit that appended events, just before COMMIT, with those
    /// events (see writer): what must be written in the same transaction as a change, decided from the
    /// change's events (the notification outbox). Empty: nothing.
    before_commit_step before_commit;
    /// Called on the log's flushing thread before each flush (wal_syncer): tests hold it to look at what a
    /// commit not yet on disk looks like from outside. Empty in the service.
    std::function<void()> before_wal_flush;
};

/// The storage engine: migrations at open, one writer thread with group commit, a pool of reader threads.
/// Every SQLite call of a running server goes through `write` or `read`, so none runs on an I/O thread:
/// the calling coroutine is suspended and resumed on its own executor (its connection's strand) once the
/// job is done and, for writes, committed.
class store {
  public:
    explicit store(store_options opts);
    ~store();

    store(const store&) = delete;
    store& operator=(const store&) = delete;

    /// Runs `f(SQLite::Database&)` on the writer thread inside the next group commit; returns its result
    /// once committed. Throws what `f` threw (its writes undone), or error(unavailable) if the queue is full.
    template <class F>
    boost::asio::awaitable<job_result_t<std::invoke_result_t<F&, SQLite::Database&>>> write(F f) {
        return submit_to(writer_, std::move(f));
    }

    /// Queues `f(SQLite::Database&)` for the writer's next group commit and returns at once, without waiting
    /// for it to run or commit: for records a caller need not hold its answer for (the audit rows of reads).
    /// False if the queue is full or the store is stopping (then `f` never runs). Queued jobs are drained by
    /// `stop`, so a graceful shutdown loses none.
    template <class F>
    bool post_write(F f) {
        std::unique_ptr<job> j = std::make_unique<detached_job<F>>(std::move(f));
        return writer_.submit(j);
    }

    /// Runs `f(SQLite::Database&)` on a reader thread in a read transaction.
    template <class F>
    boost::asio::awaitable<job_result_t<std::invoke_result_t<F&, SQLite::Database&>>> read(F f) {
        return submit_to(readers_, std::move(f));
    }

    /// As `read`, but returns only once every commit the read could see is on disk (a reader may see a
    /// commit in the milliseconds before its flush: see wal_syncer). For what acts outside the service on
    /// what it reads, such as sending a message: never for a change a crash of the machine could undo.
    template <class F>
    boost::asio::awaitable<job_result_t<std::invoke_result_t<F&, SQLite::Database&>>> read_durable(F f) {
        auto then_wait = [f = std::move(f), w = &writer_](SQLite::Database& db) mutable {
            auto r = f(db);
            w->wait_durable(w->commits_begun());  // read after the snapshot: covers all it saw
            return r;
        };
        return submit_to(readers_, std::move(then_wait));
    }

    /// Drains queued writes and closes every connection. Idempotent.
    void stop();

    const std::string& path() const noexcept { return opts_.path; }
    std::size_t write_queue_depth() const { return writer_.queue_depth(); }
    std::size_t read_queue_depth() const { return readers_.queue_depth(); }
    const writer_stats& stats() const noexcept { return writer_.stats(); }
    /// Checkpoints run by the checkpointer thread so far.
    std::uint64_t checkpoints() const noexcept { return writer_.checkpoints(); }
    /// Flushes of the write-ahead log so far (one per group of commits; none with `sync_mode::normal`).
    std::uint64_t wal_flushes() const noexcept { return writer_.wal_flushes(); }
    /// Times the write-ahead log started again from its beginning (writer::log_restarts).
    std::uint64_t wal_restarts() const noexcept { return writer_.log_restarts(); }
    /// Empties the write-ahead log into the database file and cuts it to zero bytes (checkpointer::truncate):
    /// after an erasure, so the erased values survive in no file. True once the log is empty. The caller
    /// resumes on its own executor; the wait happens on the checkpointer's thread.
    boost::asio::awaitable<bool> truncate_wal();

    /// See writer::watched_generation.
    std::uint64_t watched_generation() const noexcept { return writer_.watched_generation(); }

    /// The events of each successful commit, in commit order, for in-process subscribers (see
    /// event_dispatcher): subscribe before serving, unsubscribe before what the handler uses goes away.
    event_dispatcher& events() noexcept { return events_; }

  private:
    template <class Target, class F>
    static boost::asio::awaitable<job_result_t<std::invoke_result_t<F&, SQLite::Database&>>> submit_to(
        Target& target, F f) {
        using R = job_result_t<std::invoke_result_t<F&, SQLite::Database&>>;
        auto result = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                                           void(std::exception_ptr, std::optional<R>)>(
            [&target](auto handler, F fn) {
                using H = decltype(handler);
                std::unique_ptr<job> j = std::make_unique<basic_job<F, H>>(std::move(fn), std::move(handler));
                if (!target.submit(j)) {
                    error busy(error_kind::unavailable, "The service is busy; please retry shortly.");
                    busy.retry_after = std::chrono::seconds(1);
                    j->fail(std::make_exception_ptr(busy));
                    j->finish();
                }
            },
            boost::asio::use_awaitable, std::move(f));
        co_return std::move(*result);
    }

    store_options opts_;
    event_dispatcher events_;  ///< before the writer, which publishes to it until it stops
    writer writer_;
    reader_pool readers_;
};

/// Opens `path`, applies pending migrations and closes it (used by store's constructor and by commands
/// that work on a database without a server).
void migrate(const std::string& path);

}  // namespace relais::store
