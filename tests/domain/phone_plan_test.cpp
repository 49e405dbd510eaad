#include "domain/phone_plan.hpp"

#include <doctest/doctest.h>

using namespace relais::domain;

TEST_CASE("phone numbers: French ways of writing them give one canonical form") {
    for (const char* t : {"06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
                          "+33 (0)6 12 34 56 78", "0033612345678", "0612345678"}) {
        const std::string typed = t;
        INFO(typed);
        CHECK(normalize_phone(typed, "FR") == "+33612345678");
    }
    CHECK(normalize_phone("+44 20 7946 0958", "FR") == "+442079460958");
    CHECK(normalize_phone("02 99 12 34 56", "FR") == "+33299123456");
}

TEST_CASE("phone numbers: the region decides what a number without a country code is") {
    // A Belgian mobile written the Belgian way, in a Belgian city; the same digits mean nothing in France.
    CHECK(normalize_phone("0470 12 34 56", "BE") == "+32470123456");
    CHECK_FALSE(normalize_phone("0470 12 34 56", "FR") == std::optional<std::string>("+32470123456"));
    // A Canadian number in a Canadian city (no trunk zero there).
    CHECK(normalize_phone("(514) 555-0123", "CA") == "+15145550123");
    phone_plan plan;
    CHECK(plan.region() == "FR");
    plan.set_region("BE");
    CHECK(plan.normalize("0470 12 34 56") == "+32470123456");
}

TEST_CASE("phone numbers: hostile and impossible input is refused") {
    for (const char* bad :
         {"", "12", "06 12 34 56", "phone", "06-12-34-56-78-90-12", "+33 6 12 34 56 78 9", "06 12 34 56 7x",
          "'; DROP TABLE resident; --", "06 12 34 56 78 ext 12", "1-800-FLOWERS", "06 12 + 34 56 78",
          "0000000000000000000000000000000000", "+", "++33612345678", "\xc3\xa9\xc3\xa9"}) {
        const std::string typed = bad;
        INFO(typed);
        CHECK_FALSE(normalize_phone(bad, "FR"));
    }
}

TEST_CASE("phone numbers: mobiles get SMS, landlines do not") {
    CHECK(line_type_of("+33612345678") == line_type::mobile);
    CHECK(line_type_of("+33781234567") == line_type::mobile);
    CHECK(line_type_of("+33299123456") == line_type::landline);
    CHECK(line_type_of("+32470123456") == line_type::mobile);
    CHECK(line_type_of("0612345678") == line_type::unknown);  // not canonical
    CHECK(line_type_of("") == line_type::unknown);
    CHECK(line_type_of("+3312") == line_type::unknown);
}

TEST_CASE("phone numbers: the regions an admin may choose") {
    CHECK(known_region("FR"));
    CHECK(known_region("BE"));
    CHECK(known_region("CA"));
    CHECK_FALSE(known_region("fr"));
    CHECK_FALSE(known_region("XX"));
    CHECK_FALSE(known_region("FRA"));
    CHECK_FALSE(known_region(""));
}
