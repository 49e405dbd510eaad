#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relais::domain {

/// A new opaque id: `prefix` + "_" + 9 base32 characters of the creation time in milliseconds + 11 random
/// ones (55 bits), e.g. "vol_1kf3w8q0ab7kq2m9x4c3". The time prefix makes new rows land at the right edge
/// of the id indexes (a random id dirties a random page of every index it is in, which is most of the cost
/// of a write in a large database); ids reveal when they were made, but not how many there are.
std::string new_id(std::string_view prefix);

/// A new tracking code for a resident: 16 Crockford base32 characters (80 bits) in four groups,
/// e.g. "K7QM-3RTA-9XWD-2HPF", easy to read aloud on the phone.
std::string new_tracking_code();

/// A typed-in tracking code in canonical form (upper case, no separators, O->0, I/L->1), or nullopt if it
/// cannot be one.
std::optional<std::string> normalize_tracking_code(std::string_view typed);

/// The stored form of a tracking code (hex hash of the canonical form): the database never holds the code.
std::string tracking_hash(std::string_view canonical_code);

/// Lower-case hex of `bytes`.
std::string to_hex(const unsigned char* bytes, std::size_t n);

}  // namespace relais::domain
