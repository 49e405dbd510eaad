#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace relais::app {

/// A demo account, printed at start so a newcomer can sign in.
struct demo_login {
    std::string role, email, password;
};

/// Seeds a small demo city into the database at `path` if it holds no volunteer yet: accounts for each
/// role, volunteers in every state, residents and requests by web and phone, missions proposed, accepted,
/// declined, done (one weekly support), a partner with a collective mission. Everything goes through the
/// domain functions, so the event log tells the demo's story like a real one. Runs at start-up, before the
/// server accepts connections. Returns the demo logins (empty if the database was not empty).
std::vector<demo_login> seed_demo_if_empty(const std::string& path, std::int64_t now);

}  // namespace relais::app
