#include "store/writer.hpp"

#include <spdlog/spdlog.h>

namespace relais::store {

writer::writer(const std::string& path, sync_mode sync, std::size_t queue_capacity, std::size_t max_batch)
    : db_(open_writer(path, sync)), queue_(queue_capacity), max_batch_(max_batch) {
    thread_ = std::thread([this] { loop(); });
}

writer::~writer() { stop(); }

void writer::stop() {
    if (stopped_)
        return;
    stopped_ = true;
    queue_.close();
    if (thread_.joinable())
        thread_.join();
}

void writer::loop() {
    for (;;) {
        auto batch = queue_.pop_batch(max_batch_);
        if (batch.empty())
            return;
        run_batch(batch);
    }
}

void writer::run_batch(std::deque<std::unique_ptr<job>>& batch) {
    try {
        db_.exec("BEGIN IMMEDIATE");
    } catch (...) {
        auto e = std::current_exception();
        for (auto& j : batch)
            j->fail(e);
        stats_.failed_commits++;
        for (auto& j : batch)
            j->finish();
        return;
    }
    for (auto& j : batch) {
        // A savepoint per job: its failure undoes its own writes only.
        db_.exec("SAVEPOINT job");
        j->run(db_);
        if (j->failed()) {
            db_.exec("ROLLBACK TO job");
            stats_.failed_jobs++;
        }
        db_.exec("RELEASE job");
    }
    try {
        db_.exec("COMMIT");
        stats_.commits++;
    } catch (const std::exception& ex) {
        spdlog::error("group commit of {} jobs failed: {}", batch.size(), ex.what());
        auto e = std::current_exception();
        for (auto& j : batch)
            j->fail(e);
        stats_.failed_commits++;
        try {
            db_.exec("ROLLBACK");
        } catch (...) {
        }
    }
    stats_.jobs += batch.size();
    std::size_t slot = 0;
    while (slot < writer_stats::batch_bounds.size() && batch.size() > writer_stats::batch_bounds[slot])
        ++slot;
    stats_.batch_size_buckets[slot]++;
    for (auto& j : batch)
        j->finish();
}

}  // namespace relais::store
