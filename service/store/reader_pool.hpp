#pragma once

#include "store/job_queue.hpp"

#include <string>
#include <thread>
#include <vector>

namespace relais::store {

/// Reader threads, each with its own read-only connection, sharing one bounded queue. Each job runs in its
/// own read transaction, so a job that reads several tables sees one consistent snapshot (WAL lets readers
/// run alongside the writer).
class reader_pool {
  public:
    reader_pool(const std::string& path, std::size_t threads, std::size_t queue_capacity);
    ~reader_pool();

    reader_pool(const reader_pool&) = delete;
    reader_pool& operator=(const reader_pool&) = delete;

    bool submit(std::unique_ptr<job>& j) { return queue_.try_push(j); }
    void stop();
    std::size_t queue_depth() const { return queue_.size(); }

  private:
    job_queue queue_;
    std::vector<std::thread> threads_;
    bool stopped_ = false;
};

}  // namespace relais::store
