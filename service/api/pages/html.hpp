#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

// The server-rendered pages' HTML. Every value goes in through `format`, which escapes it unless it is
// already `markup`; markup itself is made only from the program's string literals and from `format`. So a
// resident's name, a typed address or a dictionary text cannot become markup by forgetting a call: the type
// does not allow concatenating a plain string into a page.
namespace relais::api::html {

class markup;
namespace detail {
struct argument {
    std::string_view text;
    bool is_markup;
};
markup format(std::string_view pattern, std::span<const argument> args);
markup trusted(std::string text);
}  // namespace detail

/// Text that is HTML: literal markup of the program, escaped values, or compositions of those.
class markup {
  public:
    markup() = default;

    const std::string& str() const noexcept { return text_; }
    std::string release() && { return std::move(text_); }
    bool empty() const noexcept { return text_.empty(); }

    markup& operator+=(const markup& more) {
        text_ += more.text_;
        return *this;
    }
    friend markup operator+(markup a, const markup& b) { return a += b; }

  private:
    explicit markup(std::string text) : text_(std::move(text)) {}
    friend markup detail::trusted(std::string text);

    std::string text_;
};

/// `text` with &, <, >, " and ' replaced by their character references.
std::string escape(std::string_view text);

/// Markup the program wrote itself (only a string literal can be passed).
template <std::size_t N>
markup literal(const char (&text)[N]) {
    return detail::trusted(std::string(text, N - 1));
}

/// The same text as markup, escaped.
markup text(std::string_view value);

namespace detail {

inline argument to_argument(const markup& m) {
    return {m.str(), true};
}
inline argument to_argument(std::string_view value) {
    return {value, false};
}

}  // namespace detail

/// `m` with its first <h1> element made an <h2> (a page shown inside another, under that one's heading).
markup demote_first_h1(markup m);

/// `pattern` (a string literal of markup) with each "{}" replaced by the next argument: strings escaped,
/// markup as it is. A count of "{}" that differs from the arguments' is a programming error
/// (std::logic_error).
template <std::size_t N, class... Args>
markup format(const char (&pattern)[N], const Args&... args) {
    if constexpr (sizeof...(Args) == 0) {
        return detail::format(std::string_view(pattern, N - 1), {});
    } else {
        const detail::argument list[] = {detail::to_argument(args)...};
        return detail::format(std::string_view(pattern, N - 1), list);
    }
}

}  // namespace relais::api::html
