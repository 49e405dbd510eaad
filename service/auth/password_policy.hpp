#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace relais::auth {

/// The common and breached passwords new passwords are checked against (data/common-passwords.txt, compiled
/// in), lower case. Built once, on first use; the server calls it at start so no request pays for it.
const std::unordered_set<std::string>& common_passwords();

/// Why `password` cannot be a new password, or nullopt if it can (NIST SP 800-63B, 5.1.1.2): valid UTF-8,
/// at least min_password_length code points and at most max_password_bytes bytes; not a
/// common or breached password, even once lower-cased and stripped of leading and trailing digits, symbols
/// and spaces (`Password1234!`); not a repetitive or sequential pattern (`aaaaaaaaaaaa`, `1234abcd5678`);
/// not made of `email`, its local part or the service's name. No composition rules. The message is a plain
/// reason that repeats no part of the password. The password is taken byte for byte: never trimmed.
std::optional<std::string> password_problem(std::string_view password, std::string_view email = {});

}  // namespace relais::auth
