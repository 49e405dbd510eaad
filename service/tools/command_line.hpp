#pragma once

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace relais::tools {

/// The options of a `relais <command>`: `--name value` or `--name=value`, from a known list. Faults are
/// reported on the error stream as "relais <command>: ..." followed by the usage, with exit code 64
/// (EX_USAGE); `--help` prints the usage and stops with 0.
class command_line {
  public:
    command_line(std::string_view command, const std::vector<std::string>& args,
                 std::initializer_list<std::string_view> known, std::string_view usage, std::ostream& out,
                 std::ostream& err);

    /// True when the command must return exit_code() at once (help shown or a fault reported).
    bool stop() const noexcept { return exit_code_.has_value(); }
    int exit_code() const noexcept { return exit_code_.value_or(0); }

    /// The value given for `name`, if any.
    std::optional<std::string> get(std::string_view name) const;

    /// Reads `name` as a whole number from `min` to `max` into `target` (left alone when absent). False,
    /// with the fault reported (exit 64), if it is not one.
    template <class T>
    bool number(std::string_view name, T& target, std::uint64_t min, std::uint64_t max) {
        auto v = get(name);
        if (!v)
            return true;
        std::uint64_t n = 0;
        auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
        if (ec != std::errc{} || end != v->data() + v->size() || n < min || n > max) {
            fail("--" + std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + " (got '" + *v + "')",
                 false);
            return false;
        }
        target = static_cast<T>(n);
        return true;
    }

    /// Reports a fault (with the usage unless `with_usage` is false) and returns 64.
    int fail(const std::string& message, bool with_usage = true);

  private:
    std::string command_;
    std::string usage_;
    std::ostream& err_;
    std::map<std::string, std::string, std::less<>> values_;
    std::optional<int> exit_code_;
};

}  // namespace relais::tools
