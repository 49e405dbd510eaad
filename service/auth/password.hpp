#pragma once

#include <string>
#include <string_view>

namespace relais::auth {

/// Minimum password length (characters, counted as UTF-8 code points).
constexpr std::size_t min_password_length = 12;
/// Maximum accepted length in bytes (bounds the hashing cost an attacker can cause).
constexpr std::size_t max_password_bytes = 256;

/// Argon2id hash of `password` in libsodium's encoded form (algorithm, parameters and salt included),
/// with libsodium's interactive limits (64 MiB, 2 passes: above OWASP's minimum). Slow by design: call it
/// on the worker pool, never on an I/O thread.
std::string hash_password(std::string_view password);

/// True if `password` matches `encoded`. Slow by design, like hash_password.
bool verify_password(std::string_view encoded, std::string_view password);

/// Counts UTF-8 code points (a password's length as a person sees it).
std::size_t utf8_length(std::string_view s);

}  // namespace relais::auth
