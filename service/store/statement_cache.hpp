#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

namespace relais::store {

/// A prepared statement lent for one use. When the lease ends the statement is reset and its bindings
/// cleared, so between uses it holds no snapshot, lock or personal data.
class statement_lease {
  public:
    statement_lease(statement_lease&& other) noexcept;
    statement_lease& operator=(statement_lease&&) = delete;
    ~statement_lease();

    SQLite::Statement& operator*() const noexcept { return *stmt_; }
    SQLite::Statement* operator->() const noexcept { return stmt_; }

  private:
    friend statement_lease prepare(SQLite::Database& db, const std::string& sql);
    statement_lease(SQLite::Statement* cached, bool* in_use) noexcept : stmt_(cached), in_use_(in_use) {}
    explicit statement_lease(std::unique_ptr<SQLite::Statement> owned) noexcept
        : stmt_(owned.get()), owned_(std::move(owned)) {}

    SQLite::Statement* stmt_;
    std::unique_ptr<SQLite::Statement> owned_;  ///< a statement prepared for this use only
    bool* in_use_ = nullptr;                    ///< the cache entry's flag, for a cached one
};

/// Statements prepared once per connection and reused by later jobs on it: compiling SQL (parsing, name
/// resolution, planning) cost more than running it for the small statements most requests are made of.
/// Belongs to the thread that owns the connection, and must be destroyed before the connection closes.
/// While a `scope` is alive, `prepare` on that thread and connection uses it.
class statement_cache {
  public:
    explicit statement_cache(SQLite::Database& db, std::size_t capacity = 512);
    statement_cache(const statement_cache&) = delete;
    statement_cache& operator=(const statement_cache&) = delete;
    ~statement_cache();

    /// Makes `cache` the current one of this thread until destroyed (the previous one again after).
    class scope {
      public:
        explicit scope(statement_cache& cache) noexcept;
        ~scope();
        scope(const scope&) = delete;
        scope& operator=(const scope&) = delete;

      private:
        statement_cache* previous_;
    };

    std::size_t size() const noexcept { return entries_.size(); }

  private:
    friend statement_lease prepare(SQLite::Database& db, const std::string& sql);
    struct entry {
        std::unique_ptr<SQLite::Statement> stmt;
        bool in_use = false;
    };

    SQLite::Database& db_;
    std::size_t capacity_;
    std::unordered_map<std::string, entry> entries_;
};

/// `sql` prepared on `db`: reused from this thread's current statement cache when that cache belongs to
/// `db`, the statement is not already lent (a nested use gets its own) and the cache is not full; prepared
/// for this use only otherwise (commands and tests without a cache work unchanged).
statement_lease prepare(SQLite::Database& db, const std::string& sql);

}  // namespace relais::store
