#include "auth/password_policy.hpp"

#include "auth/password.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <vector>

namespace relais::auth {

namespace generated {
extern const char* const common_password_lines[];
extern const std::size_t common_password_line_count;
}  // namespace generated

namespace {

// Why a list in the repository rather than Debian's cracklib/libpwquality: libpwquality's checks include
// composition rules (character classes, "too simplistic") that NIST SP 800-63B tells us not to impose, and
// cracklib's dictionary is a system package the server would depend on at run time; zxcvbn's list (MIT) is
// the 30,000 most frequent passwords of real breaches, small enough to compile in and the same everywhere.

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2))
            return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

/// The code points of valid UTF-8 `s`.
std::vector<std::uint32_t> code_points(std::string_view s) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : 3;
        std::uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
        for (std::size_t k = 1; k <= n; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(cp);
        i += n + 1;
    }
    return out;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& ch : out)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

bool is_decoration(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x80 && (std::isdigit(c) || std::ispunct(c) || std::isspace(c));
}

/// `s` without its leading and trailing digits, ASCII symbols and spaces (`!!Password1234` -> `Password`).
std::string_view strip_decorations(std::string_view s) {
    while (!s.empty() && is_decoration(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_decoration(s.back()))
        s.remove_suffix(1);
    return s;
}

std::string without_spaces(std::string_view s) {
    std::string out;
    for (char ch : s)
        if (!std::isspace(static_cast<unsigned char>(ch)))
            out += ch;
    return out;
}

/// True if `cps` is predictable: few distinct characters (`aaaaaabbbbbb`), one short unit repeated
/// (`abcabcabcabc`), or made only of runs of at least three equal or consecutive characters
/// (`aaaaaa`, `1234abcd`, `zyxw9876`).
bool predictable(const std::vector<std::uint32_t>& cps) {
    if (cps.empty())
        return true;
    if (std::set<std::uint32_t>(cps.begin(), cps.end()).size() < 4)
        return true;
    for (std::size_t unit = 1; unit <= 4 && unit * 2 <= cps.size(); ++unit) {
        bool repeats = true;
        for (std::size_t i = unit; i < cps.size() && repeats; ++i)
            repeats = cps[i] == cps[i - unit];
        if (repeats)
            return true;
    }
    std::size_t i = 0;
    while (i < cps.size()) {
        std::size_t j = i + 1;
        if (j < cps.size()) {
            const auto step = static_cast<std::int64_t>(cps[j]) - static_cast<std::int64_t>(cps[i]);
            if (step < -1 || step > 1)
                return false;
            while (j + 1 < cps.size() &&
                   static_cast<std::int64_t>(cps[j + 1]) - static_cast<std::int64_t>(cps[j]) == step)
                ++j;
        }
        if (j - i + 1 < 3)
            return false;
        i = j + 1;
    }
    return true;
}

constexpr std::string_view service_names[] = {"relais", "volontairessolidaires", "volontaires solidaires",
                                              "relaisvolontairessolidaires"};

}  // namespace

const std::unordered_set<std::string>& common_passwords() {
    static const std::unordered_set<std::string> list = [] {
        std::unordered_set<std::string> s;
        s.reserve(generated::common_password_line_count);
        for (std::size_t i = 0; i < generated::common_password_line_count; ++i) {
            std::string_view line = generated::common_password_lines[i];
            if (line.empty() || line.starts_with("# "))
                continue;
            s.insert(ascii_lower(line));
        }
        return s;
    }();
    return list;
}

std::optional<std::string> password_problem(std::string_view password, std::string_view email) {
    if (!valid_utf8(password))
        return "must be valid UTF-8 text";
    if (password.size() > max_password_bytes)
        return "must be at most " + std::to_string(max_password_bytes) + " bytes long";
    if (utf8_length(password) < min_password_length)
        return "must be at least " + std::to_string(min_password_length) + " characters long";

    const std::string lower = ascii_lower(password);
    const std::string core(strip_decorations(lower));
    const auto& common = common_passwords();
    for (const std::string& form : {lower, core, without_spaces(lower), without_spaces(core)})
        if (common.contains(form))
            return "is too common: it is on the lists of passwords attackers try first";

    // The core is judged too (`abcd2024!!!!`), unless the password is all digits and symbols: a long
    // random number has no letters to strip down to.
    if (predictable(code_points(lower)) || (!core.empty() && predictable(code_points(core))))
        return "is too predictable: it repeats characters or follows a sequence";

    const std::string mail = ascii_lower(email);
    const std::string local = mail.substr(0, mail.find('@'));
    const std::string bare = without_spaces(core);
    auto made_of = [&](std::string_view word) {
        return !word.empty() && (core == word || bare == word || lower == word);
    };
    if (made_of(mail) || made_of(local) || made_of(std::string(strip_decorations(local))))
        return "must not be made of the email address";
    for (auto name : service_names)
        if (made_of(name))
            return "must not be made of the service's name";
    return std::nullopt;
}

}  // namespace relais::auth
