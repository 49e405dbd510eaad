#include "auth/login_throttle.hpp"

#include <algorithm>
#include <cstdint>

namespace relais::auth {

namespace {

// Failures of one (account, address) are kept up to this many even when --login-limit is lower or off, so
// the account brake can count them.
constexpr std::size_t pair_memory = 32;

std::chrono::seconds at_least_one(std::chrono::steady_clock::duration d) {
    auto s = std::chrono::ceil<std::chrono::seconds>(d);
    return s.count() < 1 ? std::chrono::seconds(1) : s;
}

}  // namespace

std::chrono::seconds login_throttle::brake_delay(std::size_t failures, std::chrono::seconds window) {
    const auto exp = std::min<std::size_t>(failures, 20);
    return std::min(window, std::chrono::seconds(std::int64_t{1} << exp));
}

std::variant<login_throttle::ticket, std::chrono::seconds> login_throttle::reserve(const std::string& account,
                                                                                   const std::string& address,
                                                                                   const login_policy& policy,
                                                                                   time_point now) {
    const std::string pair = pair_key(account, address);
    std::lock_guard lock(mutex_);
    if (auto wait = pairs_.blocked(pair, policy.limit, policy.window, now))
        return *wait;
    if (auto wait = addresses_.blocked(address, policy.limit, policy.window, now))
        return *wait;
    if (policy.account_limit > 0 && accounts_.count(account, policy.window, now) >= policy.account_limit) {
        // The brake applies only to addresses that already failed on this account: the owner signing in
        // from anywhere else is never held back by what others tried.
        const std::size_t failed_here = pairs_.count(pair, policy.window, now);
        if (failed_here > 0) {
            const auto ready = *pairs_.newest(pair) + brake_delay(failed_here, policy.window);
            if (now < ready)
                return at_least_one(ready - now);
        }
    }
    pairs_.record(pair, std::max(policy.limit, pair_memory), policy.window, now);
    addresses_.record(address, policy.limit, policy.window, now);
    accounts_.record(account, policy.account_limit, policy.window, now);
    return ticket{account, address, now};
}

void login_throttle::succeeded(const ticket& t) {
    std::lock_guard lock(mutex_);
    pairs_.forget(pair_key(t.account, t.address));
    addresses_.release(t.address, t.at);
    accounts_.release(t.account, t.at);
}

void login_throttle::cancelled(const ticket& t) {
    std::lock_guard lock(mutex_);
    pairs_.release(pair_key(t.account, t.address), t.at);
    addresses_.release(t.address, t.at);
    accounts_.release(t.account, t.at);
}

}  // namespace relais::auth
