// service/api/pages/dictionary: the dictionaries the browser uses, read once; the one placeholder rule.
#include "core/dictionary.hpp"

#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <stdexcept>

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
