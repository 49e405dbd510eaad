#include "store/migrations.hpp"

namespace relais::store {

namespace {

constexpr migration migrations[] = {
    {1, "core", R"sql(
CREATE TABLE programme (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL
);
)sql"},
};

}  // namespace

std::span<const migration> schema_migrations() { return migrations; }

}  // namespace relais::store
