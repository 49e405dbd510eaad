#include "domain/secret_handover.hpp"

#include <sodium.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace relais::domain {

namespace {

/// The secrets left on one connection, in memory only; wiped when dropped (before each commit). One taken is
/// kept, marked, until then: the planner may have to plan the commit again after a failure.
class handover {
  public:
    explicit handover(SQLite::Database& db) : db_(&db) {}
    handover(const handover&) = delete;
    handover& operator=(const handover&) = delete;
    ~handover() { drop(); }

    bool serves(const SQLite::Database& db) const noexcept { return db_ == &db; }

    // Two left for the same kind and id in one commit (two sign-in codes asked by one account) are taken in
    // the order they were made, one per event; one left by a job that failed afterwards is wiped unused.
    void keep(std::string_view kind, const std::string& id, const std::string& secret) {
        entries_.push_back({std::string(kind), id, secret});
    }

    std::optional<std::string> take(std::string_view kind, const std::string& id) {
        auto it = find(kind, id);
        if (it == entries_.end())
            return std::nullopt;
        it->taken = true;
        return it->secret;
    }

    void give_back() noexcept {
        for (auto& e : entries_)
            e.taken = false;
    }

    void drop() noexcept {
        for (auto& e : entries_)
            wipe(e.secret);
        entries_.clear();
    }

  private:
    struct entry {
        std::string kind, id, secret;
        bool taken = false;
    };

    std::vector<entry>::iterator find(std::string_view kind, const std::string& id) {
        // A handful per commit at most: a linear search.
        return std::find_if(entries_.begin(), entries_.end(),
                            [&](const entry& e) { return !e.taken && e.kind == kind && e.id == id; });
    }

    static void wipe(std::string& s) noexcept {
        if (!s.empty())
            sodium_memzero(s.data(), s.size());
        s.clear();
    }

    const SQLite::Database* db_;
    std::vector<entry> entries_;
};

// The writer thread's handover (none on other threads), for the life of the thread.
thread_local std::unique_ptr<handover> this_thread_handover;

handover* handover_of(const SQLite::Database& db) noexcept {
    auto* h = this_thread_handover.get();
    return h && h->serves(db) ? h : nullptr;
}

}  // namespace

void hand_over_secrets(SQLite::Database& db) {
    this_thread_handover = std::make_unique<handover>(db);
}

void keep_secret(SQLite::Database& db, std::string_view kind, const std::string& id,
                 const std::string& secret) {
    if (auto* h = handover_of(db))
        h->keep(kind, id, secret);
}

std::optional<std::string> take_secret(SQLite::Database& db, std::string_view kind, const std::string& id) {
    if (auto* h = handover_of(db))
        return h->take(kind, id);
    return std::nullopt;
}

void give_back_secrets(SQLite::Database& db) {
    if (auto* h = handover_of(db))
        h->give_back();
}

void drop_secrets(SQLite::Database& db) {
    if (auto* h = handover_of(db))
        h->drop();
}

}  // namespace relais::domain
