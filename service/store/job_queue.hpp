#pragma once

#include "store/job.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

namespace relais::store {

/// A bounded, closable multi-producer queue of jobs. Producers never block: a full queue refuses the job so
/// the caller can answer 503 instead of piling up memory.
class job_queue {
public:
    explicit job_queue(std::size_t capacity) : capacity_(capacity) {}

    /// Adds a job; false if the queue is full or closed.
    bool try_push(std::unique_ptr<job>& j);

    /// Waits for at least one job and takes up to `max` of them; an empty result means closed and drained.
    std::deque<std::unique_ptr<job>> pop_batch(std::size_t max);

    /// Refuses new jobs; consumers drain what is queued, then get empty batches.
    void close();

    std::size_t size() const;
    std::size_t capacity() const noexcept { return capacity_; }

private:
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::unique_ptr<job>> jobs_;
    std::size_t capacity_;
    bool closed_ = false;
};

}  // namespace relais::store
