#pragma once

#include <SQLiteCpp/Database.h>

#include <span>
#include <stdexcept>
#include <string>

namespace relais::store {

/// One step of the schema's history. Versions are consecutive from 1; a migration is never edited once
/// released: a change is a new migration.
struct migration {
    int version;
    const char* name;
    const char* sql;
};

/// The database was written by a newer relais than this binary.
class schema_too_new : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The migrations of this binary, in order (store/schema.cpp).
std::span<const migration> schema_migrations();

/// The schema version recorded in `db` (0 for an empty database).
int schema_version(SQLite::Database& db);

/// Applies the migrations newer than the database's version, each in its own transaction, recording each
/// in `schema_version`. Throws schema_too_new if the database is ahead of `migrations`.
/// Returns the number of migrations applied.
int apply_migrations(SQLite::Database& db, std::span<const migration> migrations);

}  // namespace relais::store
