#include "store/store.hpp"

#include "store/migrations.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

namespace relais::store {

void migrate(const std::string& path) {
    auto db = open_writer(path, sync_mode::full);
    apply_migrations(db, schema_migrations());
}

namespace {
// Migrations run before the writer thread and the readers open their connections.
const store_options& migrated(const store_options& opts) {
    migrate(opts.path);
    return opts;
}
}  // namespace

store::store(store_options opts)
    : opts_(migrated(opts)),
      writer_(opts_.path, opts_.sync, opts_.write_queue, opts_.max_batch, opts_.watched_tables, &events_,
              opts_.before_commit, opts_.before_wal_flush),
      readers_(opts_.path, opts_.readers, opts_.read_queue) {}

store::~store() {
    stop();
}

boost::asio::awaitable<bool> store::truncate_wal() {
    co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(bool)>(
        [this](auto handler) {
            auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                            boost::asio::execution::outstanding_work.tracked);
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            writer_.truncate_wal([shared, work](bool emptied) mutable {
                boost::asio::post(work, [shared, emptied]() mutable { std::move (*shared)(emptied); });
            });
        },
        boost::asio::use_awaitable);
}

void store::stop() {
    writer_.stop();  // drains the queue: its last commits still reach the subscribers
    readers_.stop();
    events_.stop();
}

}  // namespace relais::store
