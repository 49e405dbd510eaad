#pragma once

#include <string>
#include <string_view>

// The secrets of one-tap links (a proposal's answer link, a reserve campaign's link): 32 random bytes as 43
// characters of URL-safe base64; the database keeps only their hash.
namespace relais::domain {

/// A fresh token.
std::string new_link_token();

/// What the database keeps of `token` (hex of its BLAKE2b hash).
std::string link_token_hash(std::string_view token);

/// Whether `token` has the shape of an issued token (checked before any lookup).
bool link_token_well_formed(std::string_view token);

}  // namespace relais::domain
