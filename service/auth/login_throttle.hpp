#pragma once

#include "auth/rate_limiter.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <variant>

namespace relais::auth {

/// The limits of sign-in attempts (from the configuration at each call).
struct login_policy {
    std::size_t limit = 10;          ///< failures per (account, address) and per address in the window; 0 = off
    std::size_t account_limit = 100; ///< failures per account in the window before the brake; 0 = off
    std::chrono::seconds window{900};
};

/// Failed-password throttling (issue 12). A password check is *reserved* before the slow hash and counts
/// as a failure until it is known to be right, so however many guesses arrive at once, at most `limit`
/// per (account, address) and per address are ever verified in a window. Per account, a much higher
/// threshold brakes a guess campaign from many addresses without letting anyone lock the owner out: past
/// `account_limit` failures, an address that has already failed on that account waits an exponentially
/// growing delay between guesses, but an address without failures on it is never held back by the
/// account's count (its first guess is checked like any other). In memory and bounded (rate_limiter);
/// one mutex makes reserve() atomic across the three counts. Time is passed in, so tests drive it.
class login_throttle {
public:
    using time_point = rate_limiter::time_point;

    /// One reserved password check.
    struct ticket {
        std::string account, address;
        time_point at;
    };

    /// Reserves one check of a password for `account` (an opaque key) from `address`: a ticket (the attempt
    /// is counted as a failure from now on), or how long to wait (Retry-After, at least 1 s).
    std::variant<ticket, std::chrono::seconds> reserve(const std::string& account, const std::string& address,
                                                       const login_policy& policy, time_point now);

    /// The reserved check found the right password: the reservation is released and the failures of this
    /// (account, address) forgotten. The address's and the account's other failures stay.
    void succeeded(const ticket& t);

    /// The reserved check could not run (the hashing pool was full): the reservation is released, as if the
    /// attempt had not been made.
    void cancelled(const ticket& t);

    /// The wait of the per-account brake for an address with `failures` on the account: 2^failures seconds,
    /// at most the window.
    static std::chrono::seconds brake_delay(std::size_t failures, std::chrono::seconds window);

private:
    static std::string pair_key(const std::string& account, const std::string& address) {
        return account + ' ' + address;
    }

    std::mutex mutex_;
    rate_limiter pairs_, addresses_, accounts_;
};

}  // namespace relais::auth
