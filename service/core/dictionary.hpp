#pragma once

#include <boost/json/object.hpp>

#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relais::core {

/// The placeholder rule of every text of the dictionaries, shared with the browser (web/js/lib.js, `fill`):
/// "{name}" (letters, digits, underscores) is replaced by the value named `name`, every occurrence, in one
/// pass (a value is never read again for placeholders); a name without a value stays as written.
std::string fill_placeholders(std::string_view text,
                              std::initializer_list<std::pair<std::string_view, std::string_view>> values);

/// One language's texts, with French as the fallback, then the key itself.
class dictionary {
  public:
    dictionary(std::string lang, std::shared_ptr<const boost::json::object> own,
               std::shared_ptr<const boost::json::object> french)
        : lang_(std::move(lang)), own_(std::move(own)), french_(std::move(french)) {}

    const std::string& lang() const noexcept { return lang_; }

    /// The text of `key`.
    std::string operator()(std::string_view key) const;

    /// The text of `key` with its placeholders filled (fill_placeholders).
    std::string operator()(std::string_view key,
                           std::initializer_list<std::pair<std::string_view, std::string_view>> values) const;

  private:
    std::string lang_;
    std::shared_ptr<const boost::json::object> own_, french_;
};

/// The dictionaries the browser uses too (web/i18n/<lang>.json), read once at start: a page never reads a
/// file. Immutable once loaded: thread-safe.
class dictionaries {
  public:
    /// Reads every `<lang>.json` of `dir`; throws std::runtime_error naming the file if one is unreadable
    /// or not a JSON object, or if French (the fallback) is missing.
    static std::shared_ptr<const dictionaries> load(const std::filesystem::path& dir);

    /// No texts at all: every lookup answers its key (a server started without its web root still serves
    /// the API; its pages show keys).
    static std::shared_ptr<const dictionaries> none();

    /// The dictionary of `lang` if there is one, else French's.
    dictionary get(std::string_view lang) const;

    /// "en" when asked for and present, French otherwise (French first).
    std::string pick(std::string_view asked) const;

    /// The languages that have a dictionary, in order.
    std::vector<std::string> languages() const;
    /// The texts of `lang` (null if it has none).
    const boost::json::object* texts_of(std::string_view lang) const;

  private:
    std::map<std::string, std::shared_ptr<const boost::json::object>, std::less<>> by_lang_;
};

}  // namespace relais::core
