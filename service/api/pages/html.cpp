#include "api/pages/html.hpp"

#include "core/html_escape.hpp"

#include <stdexcept>

namespace relais::api::html {

std::string escape(std::string_view text) {
    return core::html_escape(text);
}

markup text(std::string_view value) {
    return detail::trusted(escape(value));
}

markup demote_first_h1(markup m) {
    std::string s = std::move(m).release();
    if (auto at = s.find("<h1>"); at != std::string::npos) {
        s.replace(at, 4, "<h2>");
        if (auto end = s.find("</h1>", at); end != std::string::npos)
            s.replace(end, 5, "</h2>");
    }
    return detail::trusted(std::move(s));
}

namespace detail {

// Only this file and `literal` (string literals) call it: markup's constructor is private to keep it so.
markup trusted(std::string text) {
    return markup(std::move(text));
}

markup format(std::string_view pattern, std::span<const argument> args) {
    std::string out;
    out.reserve(pattern.size() + 64);
    std::size_t next = 0, at = 0;
    for (std::size_t hole; (hole = pattern.find("{}", at)) != std::string_view::npos; at = hole + 2) {
        out.append(pattern.substr(at, hole - at));
        if (next == args.size())
            throw std::logic_error("html::format: more {} than arguments");
        const auto& a = args[next++];
        if (a.is_markup)
            out.append(a.text);
        else
            core::html_escape_into(out, a.text);
    }
    if (next != args.size())
        throw std::logic_error("html::format: more arguments than {}");
    out.append(pattern.substr(at));
    return trusted(std::move(out));
}

}  // namespace detail

}  // namespace relais::api::html
