#include "core/dictionary.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace relais::core {

namespace json = boost::json;

namespace {

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

json::object read_object(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + file.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (ec || !v.is_object())
        throw std::runtime_error(file.string() + " is not a JSON object");
    return std::move(v.as_object());
}

}  // namespace

std::string fill_placeholders(std::string_view text,
                              std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
    std::string out;
    out.reserve(text.size() + 32);
    std::size_t i = 0;
    while (i < text.size()) {
        // The plain text up to the next brace in one piece (messages are rendered in commits).
        const std::size_t brace = std::min(text.find('{', i), text.size());
        out.append(text, i, brace - i);
        i = brace;
        if (i == text.size())
            break;
        if (text[i] == '{') {
            std::size_t j = i + 1;
            while (j < text.size() && name_char(text[j]))
                ++j;
            if (j < text.size() && text[j] == '}' && j > i + 1) {
                const auto name = text.substr(i + 1, j - i - 1);
                const std::pair<std::string_view, std::string_view>* found = nullptr;
                for (const auto& v : values)
                    if (v.first == name)
                        found = &v;
                if (found) {
                    out += found->second;
                    i = j + 1;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    return out;
}

std::string dictionary::operator()(std::string_view key) const {
    if (auto* v = own_->if_contains(key); v && v->is_string())
        return std::string(v->as_string());
    if (auto* v = french_->if_contains(key); v && v->is_string())
        return std::string(v->as_string());
    return std::string(key);
}

std::string dictionary::operator()(
    std::string_view key, std::initializer_list<std::pair<std::string_view, std::string_view>> values) const {
    return fill_placeholders((*this)(key), values);
}

std::shared_ptr<const dictionaries> dictionaries::load(const std::filesystem::path& dir) {
    auto d = std::make_shared<dictionaries>();
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto& p = entry.path();
        if (entry.is_regular_file() && p.extension() == ".json")
            d->by_lang_.emplace(p.stem().string(), std::make_shared<const json::object>(read_object(p)));
    }
    if (!d->by_lang_.count("fr"))
        throw std::runtime_error("the French dictionary " + (dir / "fr.json").string() + " is missing");
    return d;
}

std::shared_ptr<const dictionaries> dictionaries::none() {
    auto d = std::make_shared<dictionaries>();
    d->by_lang_.emplace("fr", std::make_shared<const json::object>());
    return d;
}

dictionary dictionaries::get(std::string_view lang) const {
    const auto& french = by_lang_.find("fr")->second;
    auto it = by_lang_.find(lang);
    if (it == by_lang_.end())
        return dictionary("fr", french, french);
    return dictionary(it->first, it->second, french);
}

std::string dictionaries::pick(std::string_view asked) const {
    return asked == "en" && by_lang_.count("en") ? "en" : "fr";
}

std::vector<std::string> dictionaries::languages() const {
    std::vector<std::string> out;
    for (const auto& [lang, texts] : by_lang_)
        out.push_back(lang);
    return out;
}

const boost::json::object* dictionaries::texts_of(std::string_view lang) const {
    auto it = by_lang_.find(lang);
    return it == by_lang_.end() ? nullptr : it->second.get();
}

}  // namespace relais::core
