#include "store/store.hpp"

#include "store/migrations.hpp"

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
      writer_(opts_.path, opts_.sync, opts_.write_queue, opts_.max_batch, opts_.watched_tables),
      readers_(opts_.path, opts_.readers, opts_.read_queue) {}

store::~store() {
    stop();
}

void store::stop() {
    writer_.stop();
    readers_.stop();
}

}  // namespace relais::store
