// service/api/pages/dictionary: the dictionaries the browser uses, read once; the one placeholder rule.
#include "core/dictionary.hpp"

#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

using relais::core::dictionaries;
using relais::core::fill_placeholders;

TEST_CASE("placeholders: every occurrence, one pass, unknown names kept (the rule of web/js/lib.js)") {
    CHECK(fill_placeholders("Call {phone}, or {phone} again", {{"phone", "02 99"}}) ==
          "Call 02 99, or 02 99 again");
    CHECK(fill_placeholders("{a} and {b}", {{"a", "1"}, {"b", "2"}}) == "1 and 2");
    CHECK(fill_placeholders("{a} stays {unknown}", {{"a", "1"}}) == "1 stays {unknown}");
    // A value is not read again for placeholders.
    CHECK(fill_placeholders("{a}", {{"a", "{b}"}, {"b", "no"}}) == "{b}");
    // Not names: empty braces, spaces, punctuation, an unclosed brace.
    CHECK(fill_placeholders("{} { a } {a-b} {a", {{"a", "1"}}) == "{} { a } {a-b} {a");
    CHECK(fill_placeholders("{count_2}", {{"count_2", "3"}}) == "3");
}

TEST_CASE("the web app's dictionaries load; English falls back to French, then to the key") {
    auto d = dictionaries::load(std::string(RELAIS_SOURCE_DIR) + "/web/i18n");
    CHECK(d->pick("en") == "en");
    CHECK(d->pick("de") == "fr");
    CHECK(d->pick("") == "fr");
    const auto fr = d->get("fr"), en = d->get("en");
    CHECK(fr.lang() == "fr");
    CHECK(en.lang() == "en");
    CHECK(fr("demande.title") != "demande.title");
    CHECK(en("demande.title") != fr("demande.title"));
    CHECK(en("no.such.key") == "no.such.key");
    CHECK(fr("common.footer_phone", {{"phone", "02 23 62 10 10"}}).find("02 23 62 10 10") !=
          std::string::npos);
    CHECK(d->get("xx").lang() == "fr");
}

TEST_CASE("dictionaries: a broken or missing file is refused at start, naming it") {
    relais::testing::temp_dir dir;
    std::ofstream(dir.file("en.json")) << "{\"a\": \"b\"}";
    CHECK_THROWS_WITH_AS(dictionaries::load(dir.path()), doctest::Contains("fr.json"), std::runtime_error);
    std::ofstream(dir.file("fr.json")) << "[1, 2]";
    CHECK_THROWS_WITH_AS(dictionaries::load(dir.path()), doctest::Contains("fr.json"), std::runtime_error);
    std::ofstream(dir.file("fr.json")) << "{\"a\": \"c\"}";
    auto d = dictionaries::load(dir.path());
    CHECK(d->get("en")("a") == "b");
    CHECK(d->get("fr")("a") == "c");
    // No dictionaries at all: keys.
    CHECK(dictionaries::none()->get("en")("demande.title") == "demande.title");
    CHECK(dictionaries::none()->pick("en") == "fr");
}

namespace {

/// The {names} a text uses, as fill_placeholders reads them (letters, digits, underscores).
std::set<std::string> placeholders_of(const std::string& text) {
    std::set<std::string> out;
    for (std::size_t at = text.find('{'); at != std::string::npos; at = text.find('{', at + 1)) {
        const auto end = text.find('}', at);
        if (end == std::string::npos)
            break;
        const std::string name = text.substr(at + 1, end - at - 1);
        if (!name.empty() &&
            name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos)
            out.insert(name);
    }
    return out;
}

}  // namespace

TEST_CASE("the messages' texts: every one in French and English, with the same placeholders") {
    // A message is rendered in its recipient's language with the values the planner gives: a text missing in
    // one language falls back to French, and a placeholder only one language has is left unfilled ("{when}").
    auto d = dictionaries::load(std::string(RELAIS_SOURCE_DIR) + "/web/i18n");
    const auto* fr = d->texts_of("fr");
    const auto* en = d->texts_of("en");
    REQUIRE(fr);
    REQUIRE(en);
    int messages = 0;
    for (const auto& [one, other] : {std::pair{fr, en}, std::pair{en, fr}})
        for (const auto& [key, text] : *one) {
            const std::string k(key);
            if (!k.starts_with("msg.") && !k.starts_with("sms."))
                continue;
            ++messages;
            INFO(k);
            REQUIRE(other->contains(key));
            CHECK(placeholders_of(std::string(text.as_string())) ==
                  placeholders_of(std::string(other->at(key).as_string())));
        }
    CHECK(messages > 60);  // both ways: every message of either language was looked at
}
