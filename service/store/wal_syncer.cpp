#include "store/wal_syncer.hpp"

#include "core/thread_name.hpp"
#include "store/event_dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace relais::store {

wal_syncer::wal_syncer(std::string wal_path, bool flush, event_dispatcher* events,
                       std::size_t max_pending_jobs, std::function<void()> before_flush)
    : wal_path_(std::move(wal_path)),
      flush_(flush),
      events_(events),
      max_pending_jobs_(max_pending_jobs == 0 ? 1 : max_pending_jobs),
      before_flush_(std::move(before_flush)) {
    thread_ = std::thread([this] {
        core::name_this_thread("relais-walsync");
        loop();
    });
}

wal_syncer::~wal_syncer() {
    stop();
    if (fd_ >= 0)
        ::close(fd_);
}

void wal_syncer::hand_over(pending_commit c) {
    std::unique_lock lock(mutex_);
    // Bounded like the writer's queue: while the disk is slow, the writer waits here rather than taking
    // ever more jobs whose callers wait anyway. A single commit larger than the bound still passes alone.
    room_.wait(lock, [this] { return pending_jobs_ < max_pending_jobs_ || pending_.empty(); });
    pending_jobs_ += c.jobs.size();
    pending_.push_back(std::move(c));
    work_.notify_one();
}

void wal_syncer::wait_durable(std::uint64_t number) {
    if (durable() >= number)
        return;
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this, number] { return durable() >= number || stopped_; });
}

void wal_syncer::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable())
            return;
        stopping_ = true;
    }
    work_.notify_one();
    if (thread_.joinable())
        thread_.join();
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;  // after the last flush: a waiter let go now waited for all there was
    }
    done_.notify_all();
}

void wal_syncer::loop() {
    for (;;) {
        std::deque<pending_commit> ready;
        {
            std::unique_lock lock(mutex_);
            work_.wait(lock, [this] { return !pending_.empty() || stopping_; });
            if (pending_.empty())
                return;  // stopping, and everything handed over is answered
            ready.swap(pending_);
        }
        // One flush covers every commit taken: the frames of all of them are in the log already.
        bool any_committed = false;
        for (const auto& c : ready)
            any_committed = any_committed || c.committed;
        if (any_committed)
            flush_log();
        std::size_t jobs = 0;
        for (auto& c : ready) {
            if (c.events_gap && events_)
                events_->report_gap();
            if (c.committed && events_ && !c.events.empty())
                events_->publish(std::move(c.events));
            for (auto& j : c.jobs)
                j->finish();
            jobs += c.jobs.size();
        }
        {
            std::lock_guard lock(mutex_);
            pending_jobs_ -= jobs;
            durable_.store(ready.back().number, std::memory_order_release);
        }
        room_.notify_one();
        done_.notify_all();
    }
}

void wal_syncer::flush_log() {
    if (before_flush_)
        before_flush_();
    if (!flush_)
        return;
    // The log is opened by path once SQLite has made it; if it was replaced since (it is not while a
    // connection stays open, but a flush of a stale file would be a silent loss), it is opened again.
    struct stat by_path {};
    if (::stat(wal_path_.c_str(), &by_path) != 0) {
        spdlog::critical(
            "the write-ahead log {} cannot be found ({}): stopping, nothing unflushed was answered",
            wal_path_, std::strerror(errno));
        std::abort();
    }
    struct stat by_fd {};
    if (fd_ < 0 || ::fstat(fd_, &by_fd) != 0 || by_fd.st_ino != by_path.st_ino ||
        by_fd.st_dev != by_path.st_dev) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd_ < 0 || ::fdatasync(fd_) != 0) {
        spdlog::critical("flushing the write-ahead log failed ({}): stopping, nothing unflushed was answered",
                         std::strerror(errno));
        std::abort();
    }
    flushes_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace relais::store
