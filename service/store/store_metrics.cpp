#include "store/store_metrics.hpp"

#include "store/store.hpp"

#include <fmt/format.h>

namespace relais::store {

std::string render_metrics(const store& db) {
    std::string out;
    out += "# HELP relais_storage_queue_depth Jobs waiting for a database thread.\n";
    out += "# TYPE relais_storage_queue_depth gauge\n";
    out += fmt::format("relais_storage_queue_depth{{queue=\"write\"}} {}\n", db.write_queue_depth());
    out += fmt::format("relais_storage_queue_depth{{queue=\"read\"}} {}\n", db.read_queue_depth());
    const auto& st = db.stats();
    out += "# HELP relais_storage_commit_batch_size Jobs per group commit.\n";
    out += "# TYPE relais_storage_commit_batch_size histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < writer_stats::batch_bounds.size(); ++i) {
        cumulative += st.batch_size_buckets[i].load();
        out += fmt::format("relais_storage_commit_batch_size_bucket{{le=\"{}\"}} {}\n",
                           writer_stats::batch_bounds[i], cumulative);
    }
    cumulative += st.batch_size_buckets.back().load();
    out += fmt::format("relais_storage_commit_batch_size_bucket{{le=\"+Inf\"}} {}\n", cumulative);
    out += fmt::format("relais_storage_commit_batch_size_sum {}\n", st.jobs.load());
    out += fmt::format("relais_storage_commit_batch_size_count {}\n", cumulative);
    out += "# TYPE relais_storage_commits_total counter\n";
    out += fmt::format("relais_storage_commits_total {}\n", st.commits.load());
    out +=
        "# HELP relais_storage_wal_flushes_total Flushes of the write-ahead log (one per group of "
        "commits).\n";
    out += "# TYPE relais_storage_wal_flushes_total counter\n";
    out += fmt::format("relais_storage_wal_flushes_total {}\n", db.wal_flushes());
    out +=
        "# HELP relais_storage_wal_restarts_total Times the write-ahead log started again from its "
        "beginning.\n";
    out += "# TYPE relais_storage_wal_restarts_total counter\n";
    out += fmt::format("relais_storage_wal_restarts_total {}\n", db.wal_restarts());
    out += "# TYPE relais_storage_checkpoints_total counter\n";
    out += fmt::format("relais_storage_checkpoints_total {}\n", db.checkpoints());
    out += "# TYPE relais_storage_failed_jobs_total counter\n";
    out += fmt::format("relais_storage_failed_jobs_total {}\n", st.failed_jobs.load());
    out += "# TYPE relais_storage_failed_commits_total counter\n";
    out += fmt::format("relais_storage_failed_commits_total {}\n", st.failed_commits.load());
    out += "# HELP relais_storage_failed_before_commit_total Pre-commit steps (the outbox planner's, per event) that failed and were undone.\n";
    out += "# TYPE relais_storage_failed_before_commit_total counter\n";
    out += fmt::format("relais_storage_failed_before_commit_total {}\n", st.failed_before_commit.load());
    return out;
}

}  // namespace relais::store
