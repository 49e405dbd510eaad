#include "notify/html_body.hpp"

#include "core/html_escape.hpp"

namespace relais::notify {

std::string html_body(const std::string& text, const std::vector<std::string>& links) {
    std::string out = "<!DOCTYPE html><html><body style=\"font-family:sans-serif;font-size:16px\">";
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find("\n\n", start);
        if (end == std::string::npos)
            end = text.size();
        std::string para = core::html_escape(text.substr(start, end - start));
        for (std::size_t p = para.find('\n'); p != std::string::npos; p = para.find('\n', p))
            para.replace(p, 1, "<br>");
        for (const auto& link : links) {
            if (link.empty())
                continue;
            const std::string shown = core::html_escape(link);
            const std::string a = "<a href=\"" + shown + "\">" + shown + "</a>";
            for (std::size_t p = para.find(shown); p != std::string::npos; p = para.find(shown, p)) {
                // Not inside a link made from a longer one (the space's address is a prefix of others).
                const bool whole = p + shown.size() == para.size() || para[p + shown.size()] == '<' ||
                                   para[p + shown.size()] == ' ' || para[p + shown.size()] == '.';
                const bool in_anchor = (p >= 6 && para.compare(p - 6, 6, "href=\"") == 0) ||
                                       (p >= 2 && para.compare(p - 2, 2, "\">") == 0);
                if (whole && !in_anchor) {
                    para.replace(p, shown.size(), a);
                    p += a.size();
                } else {
                    p += shown.size();
                }
            }
        }
        out += "<p>" + para + "</p>";
        start = end + 2;
    }
    return out + "</body></html>";
}

std::string join_links(const std::vector<std::string>& links) {
    std::string out;
    for (const auto& l : links) {
        if (l.empty())
            continue;
        if (!out.empty())
            out += '\n';
        out += l;
    }
    return out;
}

std::vector<std::string> split_links(const std::string& joined) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < joined.size()) {
        auto end = joined.find('\n', start);
        if (end == std::string::npos)
            end = joined.size();
        if (end > start)
            out.push_back(joined.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace relais::notify
