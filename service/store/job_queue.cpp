#include "store/job_queue.hpp"

namespace relais::store {

bool job_queue::try_push(std::unique_ptr<job>& j) {
    {
        std::lock_guard lock(mutex_);
        if (closed_ || jobs_.size() >= capacity_)
            return false;
        jobs_.push_back(std::move(j));
    }
    ready_.notify_one();
    return true;
}

std::deque<std::unique_ptr<job>> job_queue::pop_batch(std::size_t max) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !jobs_.empty(); });
    std::deque<std::unique_ptr<job>> batch;
    while (!jobs_.empty() && batch.size() < max) {
        batch.push_back(std::move(jobs_.front()));
        jobs_.pop_front();
    }
    return batch;
}

void job_queue::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    ready_.notify_all();
}

std::size_t job_queue::size() const {
    std::lock_guard lock(mutex_);
    return jobs_.size();
}

}  // namespace relais::store
