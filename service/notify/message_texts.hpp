#pragma once

#include "core/dictionary.hpp"

#include <SQLiteCpp/Database.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The texts of messages: the dictionaries' `msg.*` and `sms.*` keys (web/i18n), unless an admin rewrote one
// for the city (`message_template`, migration 14; PUT /api/v1/message-templates/{lang}/{key}). A rewrite may
// use only the placeholders of the text it replaces, and must keep the ones a message cannot do without
// (check_template).
namespace relais::notify {

/// The placeholders ("{name}") of a text, in order of first use.
std::vector<std::string> placeholders_of(std::string_view text);

/// Why `text` cannot replace `original` (nullopt: it can): an unknown placeholder, one that must stay
/// ({code}, {answer}, {link}) left out, an unbalanced brace, an empty text.
std::optional<std::string> check_template(std::string_view original, std::string_view text);

/// True for the keys admins may rewrite: `msg.<kind>.subject|body` and `sms.<kind>`.
bool template_key(std::string_view key);

/// The texts of one batch of messages: the dictionaries with the city's rewrites (read once per batch).
class message_texts {
  public:
    message_texts(const core::dictionaries& words,
                  std::map<std::pair<std::string, std::string>, std::string> custom)
        : words_(words), custom_(std::move(custom)) {}

    /// The rewrites in `db` over `words`.
    static message_texts load(SQLite::Database& db, const core::dictionaries& words);

    /// One language's texts.
    class language {
      public:
        language(const message_texts& all, std::string_view lang) : all_(all), dict_(all.words_.get(lang)) {}
        std::string operator()(std::string_view key) const { return (*this)(key, {}); }
        std::string operator()(
            std::string_view key,
            std::initializer_list<std::pair<std::string_view, std::string_view>> values) const;

      private:
        const message_texts& all_;
        core::dictionary dict_;
    };
    language get(std::string_view lang) const { return language(*this, lang); }

  private:
    const core::dictionaries& words_;
    std::map<std::pair<std::string, std::string>, std::string> custom_;  ///< (lang, key) -> text
};

}  // namespace relais::notify
