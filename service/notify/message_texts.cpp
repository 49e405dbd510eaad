#include "notify/message_texts.hpp"

#include "store/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

namespace relais::notify {

namespace {

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::vector<std::string> placeholders_of(std::string_view text) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '{')
            continue;
        std::size_t j = i + 1;
        while (j < text.size() && name_char(text[j]))
            ++j;
        if (j < text.size() && text[j] == '}' && j > i + 1) {
            std::string name(text.substr(i + 1, j - i - 1));
            if (std::find(out.begin(), out.end(), name) == out.end())
                out.push_back(std::move(name));
            i = j;
        }
    }
    return out;
}

std::optional<std::string> check_template(std::string_view original, std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return "must not be empty";
    int depth = 0;
    for (char c : text) {
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        if (depth < 0 || depth > 1)
            return "has an unbalanced brace: placeholders are written {name}";
    }
    if (depth != 0)
        return "has an unbalanced brace: placeholders are written {name}";
    const auto known = placeholders_of(original);
    const auto used = placeholders_of(text);
    for (const auto& p : used)
        if (std::find(known.begin(), known.end(), p) == known.end())
            return "uses {" + p + "}, which this message does not have";
    // What a message is for: the code to type, the answer link, the link to act on.
    for (const char* needed : {"code", "answer", "link"})
        if (std::find(known.begin(), known.end(), needed) != known.end() &&
            std::find(used.begin(), used.end(), needed) == used.end())
            return std::string("must keep {") + needed + "}";
    return std::nullopt;
}

bool template_key(std::string_view key) {
    if (key.starts_with("sms."))
        return key.size() > 4 &&
               key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_", 4) == std::string_view::npos;
    if (!key.starts_with("msg."))
        return false;
    const bool subject = key.ends_with(".subject"), body = key.ends_with(".body");
    if (!subject && !body)
        return false;
    const auto kind = key.substr(4, key.size() - 4 - (subject ? 8 : 5));
    return !kind.empty() && kind.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos;
}

message_texts message_texts::load(SQLite::Database& db, const core::dictionaries& words) {
    std::map<std::pair<std::string, std::string>, std::string> custom;
    auto q = store::prepare(db, "SELECT lang, key, text FROM message_template");
    while (q->executeStep())
        custom[{q->getColumn(0).getString(), q->getColumn(1).getString()}] = q->getColumn(2).getString();
    return message_texts(words, std::move(custom));
}

std::string message_texts::language::operator()(
    std::string_view key, std::initializer_list<std::pair<std::string_view, std::string_view>> values) const {
    const auto found = all_.custom_.find({dict_.lang(), std::string(key)});
    if (found != all_.custom_.end())
        return core::fill_placeholders(found->second, values);
    return dict_(key, values);
}

}  // namespace relais::notify
