#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace relais::replay {

/// A demo account, printed at start so a newcomer can sign in.
struct demo_login {
    std::string role, email, password;
};

/// The size of the demo season.
struct demo_options {
    std::uint64_t seed = 2026;
    double scale = 0.08;  ///< 41 volunteers registered, about 40 requests from 27 residents
    int weeks = 6;        ///< full weeks before the current one
};

/// Seeds a demo city into the database at `path` (migrated) if it holds no volunteer and no account yet, and
/// returns the demo logins (empty if the database was not empty). The city comes from a small season replay
/// (replay/season.hpp) driven through the real HTTP API: the demo's admin and coordinator accounts are
/// created in a database of its own, a private server is started on it (127.0.0.1, free port, test clock
/// starting `weeks` weeks before `now`), the season is played up to `now` (real time) and leaves live work
/// (new requests, proposals waiting for an answer, upcoming missions, one accepted and one proposed to
/// benevole@relais.demo), the server is stopped and that database replaces the one at `path`. Takes a few
/// seconds; runs at start-up, before the real server opens the database. Throws std::runtime_error if the
/// season could not be played (the database at `path` is then left as it was; the private server's log is
/// kept at `path`.demo.log).
std::vector<demo_login> seed_demo_if_empty(const std::string& path, std::int64_t now,
                                           const demo_options& o = {});

/// What `relais --demo` does before the server opens its database: seeds the demo city if the database is
/// empty and prints its sign-ins to standard output (the terminal of whoever ran scripts/run). The server
/// (app/) receives this as a hook from main.cpp, so it never links the replay itself.
void seed_demo_and_print(const std::string& path, std::int64_t now);

}  // namespace relais::replay
