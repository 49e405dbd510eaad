#include "store/reader_pool.hpp"

#include "core/thread_name.hpp"
#include "store/connection.hpp"
#include "store/statement_cache.hpp"

#include <spdlog/spdlog.h>

namespace relais::store {

reader_pool::reader_pool(const std::string& path, std::size_t threads, std::size_t queue_capacity)
    : queue_(queue_capacity) {
    // Connections are opened here, on the constructing thread, so a bad path fails start-up loudly.
    std::vector<std::shared_ptr<SQLite::Database>> connections;
    for (std::size_t i = 0; i < threads; ++i)
        connections.push_back(std::make_shared<SQLite::Database>(open_reader(path)));
    for (auto& conn : connections) {
        threads_.emplace_back([this, conn] {
            core::name_this_thread("relais-reader");
            statement_cache cache(*conn);
            statement_cache::scope use(cache);
            for (;;) {
                auto batch = queue_.pop_batch(1);
                if (batch.empty())
                    return;
                auto& j = batch.front();
                try {
                    prepare(*conn, "BEGIN")->exec();
                } catch (...) {
                    j->fail(std::current_exception());
                    j->finish();
                    continue;
                }
                j->run(*conn);
                try {
                    prepare(*conn, "COMMIT")->exec();
                } catch (const std::exception& ex) {
                    spdlog::warn("read transaction end failed: {}", ex.what());
                }
                j->finish();
            }
        });
    }
}

reader_pool::~reader_pool() {
    stop();
}

void reader_pool::stop() {
    if (stopped_)
        return;
    stopped_ = true;
    queue_.close();
    for (auto& t : threads_)
        if (t.joinable())
            t.join();
}

}  // namespace relais::store
