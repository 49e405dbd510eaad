#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace relais::http {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/')
        return out;
    path.remove_prefix(1);
    for (;;) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

namespace {

bool is_capture(std::string_view seg) {
    return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

router::router(const wire::route_table& table) {
    for (const auto& r : table.routes())
        add(r);
}

void router::add(const wire::route& r) {
    for (const auto& e : entries_)
        if (e.method == r.method && e.pattern == r.pattern)
            throw std::logic_error("duplicate route " + r.pattern);
    std::vector<std::string> segments;
    for (auto s : split_path(r.pattern))
        segments.emplace_back(s);
    entries_.push_back(entry{r.method, r.pattern, std::move(segments), &r});
}

namespace {

/// The number of literal segments of `segments` if it matches `parts`, or -1.
int literal_score(const std::vector<std::string>& segments, const std::vector<std::string_view>& parts) {
    if (segments.size() != parts.size())
        return -1;
    int literals = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (is_capture(segments[i])) {
            if (parts[i].empty())
                return -1;
        } else if (segments[i] == parts[i]) {
            ++literals;
        } else {
            return -1;
        }
    }
    return literals;
}

}  // namespace

route_match router::match(verb method, std::string_view path) const {
    route_match m;
    const auto parts = split_path(path);
    if (parts.empty())
        return m;
    // Literal segments win over captures: "/volunteers/idle" beats "/volunteers/{id}". The most specific
    // matching shape decides; its methods make the Allow header when the method is not among them.
    int shape = -1;
    for (const auto& e : entries_)
        shape = std::max(shape, literal_score(e.segments, parts));
    if (shape < 0)
        return m;
    m.path_known = true;
    const entry* best = nullptr;
    for (const auto& e : entries_) {
        if (literal_score(e.segments, parts) != shape)
            continue;
        if (!m.allow.empty())
            m.allow += ", ";
        m.allow += std::string(to_string(e.method));
        if (e.method == method)
            best = &e;
    }
    if (best) {
        m.target = best->target;
        m.pattern = best->pattern;
        for (std::size_t i = 0; i < parts.size(); ++i)
            if (is_capture(best->segments[i]))
                m.params.emplace_back(best->segments[i].substr(1, best->segments[i].size() - 2),
                                      std::string(parts[i]));
    }
    return m;
}

}  // namespace relais::http
