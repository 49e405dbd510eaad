#include "auth/password_policy.hpp"

#include <doctest/doctest.h>

#include <string>

using relais::auth::common_passwords;
using relais::auth::password_problem;

TEST_CASE("new passwords: 12 code points, at most 256 bytes, UTF-8, taken byte for byte") {
    CHECK_FALSE(password_problem("correct horse battery"));
    CHECK(password_problem("12345678901"));
    // 11 code points in 22 bytes is still too short: length is what a person sees.
    CHECK(password_problem(
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
    CHECK_FALSE(password_problem("caf\xc3\xa9 au lait, mardi"));
    CHECK(password_problem(std::string(250, 'x') + "abcdefg"));  // 257 bytes
    CHECK_FALSE(password_problem("a quiet river under the old bridge at dawn"));
    CHECK(password_problem("abcdefghijk\xff"));
    // Spaces are part of the password: not trimmed, not refused.
    CHECK_FALSE(password_problem("  phrase with spaces  "));
    auto msg = password_problem("tiny");
    REQUIRE(msg);
    CHECK(msg->find("tiny") == std::string::npos);
}

TEST_CASE("the common-password list is the shipped one, loaded once") {
    const auto& list = common_passwords();
    CHECK(list.size() > 29000);
    CHECK(list.contains("password"));
    CHECK(list.contains("123456"));
    CHECK_FALSE(list.contains("# Common passwords: the"));
    CHECK(&list == &common_passwords());
}

TEST_CASE("common and breached passwords are refused, even decorated") {
    for (const char* pw : {"password1234", "Password1234", "PASSWORD1234!", "!!password!!!!", "qwertyuiop123",
                           "iloveyou2024!", "football1234", "1234567890123"}) {
        auto why = password_problem(pw);
        REQUIRE_MESSAGE(why, pw);
        CHECK(why->find(pw) == std::string::npos);
    }
    CHECK(password_problem("password1234")->find("common") != std::string::npos);
}

TEST_CASE("repetitive and sequential passwords are refused (NIST: 'aaaaaa', '1234abcd')") {
    for (const char* pw : {"aaaaaaaaaaaa", "abababababab", "abcabcabcabc", "1234abcd5678", "abcdefghijklm",
                           "zyxwvutsrqpo", "aaaabbbbcccc", "aaaaaabbbbbb", "123456789012", "xy!!!!!!!!!!"}) {
        auto why = password_problem(pw);
        REQUIRE_MESSAGE(why, pw);
        CHECK_MESSAGE(why->find("predictable") != std::string::npos, pw);
    }
    CHECK_FALSE(password_problem("abc123 walks the dog"));
}

TEST_CASE("passwords made of the email, its local part or the service's name are refused") {
    CHECK(password_problem("marie.dupont@example.org", "marie.dupont@example.org"));
    CHECK(password_problem("Marie.Dupont2024", "marie.dupont@example.org"));
    CHECK(password_problem("marie.dupont!!!!", "marie.dupont@example.org"));
    CHECK_FALSE(password_problem("marie.dupont goes skiing", "marie.dupont@example.org"));
    CHECK(password_problem("Relais2026!!!!"));
    CHECK(password_problem("volontaires solidaires"));
    CHECK(password_problem("VolontairesSolidaires1"));
}
