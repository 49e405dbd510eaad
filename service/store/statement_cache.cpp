#include "store/statement_cache.hpp"

namespace relais::store {

namespace {
// Per thread, the cache of the connection this thread owns (set by statement_cache::scope). Each
// connection is used by one thread at a time, so nothing here is shared between threads.
thread_local statement_cache* current_cache = nullptr;
}  // namespace

statement_lease::statement_lease(statement_lease&& other) noexcept
    : stmt_(other.stmt_), owned_(std::move(other.owned_)), in_use_(other.in_use_) {
    other.stmt_ = nullptr;
    other.in_use_ = nullptr;
}

statement_lease::~statement_lease() {
    if (!stmt_ || owned_)
        return;
    stmt_->tryReset();
    try {
        stmt_->clearBindings();
    } catch (...) {
        // Only fails on a misuse of the statement; the next bind replaces every value anyway.
    }
    *in_use_ = false;
}

statement_cache::statement_cache(SQLite::Database& db, std::size_t capacity) : db_(db), capacity_(capacity) {}

statement_cache::~statement_cache() {
    if (current_cache == this)
        current_cache = nullptr;
}

statement_cache::scope::scope(statement_cache& cache) noexcept : previous_(current_cache) {
    current_cache = &cache;
}

statement_cache::scope::~scope() {
    current_cache = previous_;
}

statement_lease prepare(SQLite::Database& db, const std::string& sql) {
    statement_cache* cache = current_cache;
    if (cache && &cache->db_ == &db) {
        auto it = cache->entries_.find(sql);
        if (it == cache->entries_.end() && cache->entries_.size() < cache->capacity_)
            it = cache->entries_
                     .emplace(sql, statement_cache::entry{std::make_unique<SQLite::Statement>(db, sql)})
                     .first;
        if (it != cache->entries_.end() && !it->second.in_use) {
            it->second.in_use = true;
            return statement_lease(it->second.stmt.get(), &it->second.in_use);
        }
    }
    return statement_lease(std::make_unique<SQLite::Statement>(db, sql));
}

}  // namespace relais::store
