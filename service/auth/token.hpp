#pragma once

#include <string>
#include <string_view>

namespace relais::auth {

/// Bytes of randomness in a session token (256 bits).
constexpr std::size_t token_bytes = 32;

/// A new random secret (session token or CSRF token): `token_bytes` from libsodium's CSPRNG, as 64
/// lowercase hex characters. The caller keeps only its hash (hash_token) on the server side.
std::string new_token();

/// The SHA-256 of `token` as 64 lowercase hex characters: what the database stores instead of the token,
/// so a copy of the database does not let anyone take over a session.
std::string hash_token(std::string_view token);

/// Compares two strings in time that depends only on their lengths (libsodium's sodium_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

/// A new opaque id: `prefix` + 16 lowercase base32 characters (80 random bits), e.g. "usr_7kq2m9x4c3h8t1pd".
std::string new_id(std::string_view prefix);

/// True if `token` looks like one new_token() made (64 lowercase hex characters); anything else is
/// refused before touching the database.
bool well_formed_token(std::string_view token);

}  // namespace relais::auth
