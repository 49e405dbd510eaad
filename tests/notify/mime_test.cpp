#include "notify/mime.hpp"

#include "support/smtp_sink_process.hpp"

#include <doctest/doctest.h>
#include <sodium.h>

#include <stdexcept>

using namespace relais::notify;

namespace {

std::string unbase64(std::string_view b64) {
    std::string bin(b64.size(), '\0');
    std::size_t len = 0;
    REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.data(),
                              b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0);
    return bin.substr(0, len);
}

/// Decodes a header value of RFC 2047 "B" words (what a mail reader shows).
std::string decode_words(const std::string& v) {
    std::string out;
    std::size_t pos = 0;
    while ((pos = v.find("=?UTF-8?B?", pos)) != std::string::npos) {
        pos += 10;
        const auto end = v.find("?=", pos);
        out += unbase64(v.substr(pos, end - pos));
        pos = end + 2;
    }
    return out;
}

mail sample() {
    mail m;
    m.from = "entraide@ville.example";
    m.from_name = "Volontaires Solidaires";
    m.to = "lea@example.org";
    m.subject = "Une mission vous est proposée";
    m.text = "Bonjour Léa,\n\nLien : https://entraide.example/benevole\n";
    m.message_id = "msg_abc123@ville.example";
    m.date = 1796299200;  // 2026-12-03T12:00:00Z
    return m;
}

}  // namespace

TEST_CASE("mime: header text is ASCII as is, otherwise UTF-8 encoded words of at most 75 characters") {
    CHECK(encode_header_text("Plain subject") == "Plain subject");
    const std::string french =
        "Une mission vous est proposée : courses, jeudi 3 décembre à 15:00 — merci ! ✓";
    const std::string enc = encode_header_text(french);
    CHECK(enc.find("=?UTF-8?B?") == 0);
    CHECK(decode_words(enc) == french);
    std::size_t start = 0;
    while (start < enc.size()) {
        auto end = enc.find("\r\n ", start);
        if (end == std::string::npos)
            end = enc.size();
        CHECK(end - start <= 75);
        // Every word decodes on its own to whole characters (never a split sequence).
        const std::string word = enc.substr(start, end - start);
        const std::string text = decode_words(word);
        CHECK((static_cast<unsigned char>(text.back()) & 0xc0) != 0xc0);
        CHECK((static_cast<unsigned char>(text.front()) & 0xc0) != 0x80);
        start = end + 3;
    }
}

TEST_CASE("mime: a whole message, text only or with an HTML alternative") {
    CHECK(rfc5322_date(1796299200) == "Thu, 03 Dec 2026 12:00:00 +0000");
    auto m = sample();
    std::string out = render_mime(m);
    CHECK(out.find("Date: Thu, 03 Dec 2026 12:00:00 +0000\r\n") != std::string::npos);
    CHECK(out.find("From: \"Volontaires Solidaires\" <entraide@ville.example>\r\n") != std::string::npos);
    CHECK(out.find("To: <lea@example.org>\r\n") != std::string::npos);
    CHECK(out.find("Message-ID: <msg_abc123@ville.example>\r\n") != std::string::npos);
    CHECK(out.find("Content-Type: text/plain; charset=UTF-8") != std::string::npos);
    CHECK(out.find("List-Unsubscribe") == std::string::npos);
    CHECK(relais::testing::decoded_bodies(out) == m.text + "\n");
    // Every line ends with CRLF and none is longer than 998 characters.
    for (std::size_t p = 0, n; (n = out.find('\n', p)) != std::string::npos; p = n + 1) {
        CHECK(n > 0);
        CHECK(out[n - 1] == '\r');
        CHECK(n - p <= 998);
    }

    m.html = "<p>Bonjour Léa</p>";
    m.list_unsubscribe = "https://entraide.example/benevole#preferences";
    out = render_mime(m);
    CHECK(out.find("Content-Type: multipart/alternative; boundary=\"=_relais_msg_abc123\"") !=
          std::string::npos);
    CHECK(out.find("--=_relais_msg_abc123--\r\n") != std::string::npos);
    CHECK(out.find("List-Unsubscribe: <https://entraide.example/benevole#preferences>\r\n") !=
          std::string::npos);
    CHECK(relais::testing::decoded_bodies(out) == m.text + "\n" + m.html + "\n");
}

TEST_CASE("mime: bodies of every length modulo 3 survive base64, in lines of at most 76 characters") {
    auto m = sample();
    for (std::size_t len : {0, 1, 2, 3, 4, 5, 56, 57, 58, 300}) {
        m.text = std::string(len, 'a');
        for (std::size_t i = 0; i < len; ++i)
            m.text[i] = static_cast<char>('a' + i % 26);
        const std::string out = render_mime(m);
        CHECK(relais::testing::decoded_bodies(out) == m.text + "\n");
        const auto body = out.find("\r\n\r\n");
        REQUIRE(body != std::string::npos);
        for (std::size_t p = body + 4, n; (n = out.find("\r\n", p)) != std::string::npos; p = n + 2)
            CHECK(n - p <= 76);
    }
}

TEST_CASE("mime: hostile values cannot add headers or recipients") {
    auto m = sample();
    m.subject = "Hello\r\nBcc: victim@example.org";
    CHECK_THROWS_AS(render_mime(m), std::invalid_argument);
    m = sample();
    m.to = "lea@example.org>\r\nRCPT TO:<other@example.org";
    CHECK_THROWS_AS(render_mime(m), std::invalid_argument);
    m = sample();
    m.from_name = "Mairie\nBcc: x@example.org";
    CHECK_THROWS_AS(render_mime(m), std::invalid_argument);
    CHECK(plausible_address("lea@example.org"));
    CHECK_FALSE(plausible_address("lea@localhost"));
    CHECK_FALSE(plausible_address("@example.org"));
    CHECK_FALSE(plausible_address("lea example@example.org"));
    CHECK_FALSE(plausible_address("lea@example.org,other@example.org"));
    CHECK_FALSE(plausible_address("erased+vol_1@invalid"));
}
