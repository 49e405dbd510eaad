#include "notify/http_poster.hpp"
#include "notify/inbound_sms.hpp"
#include "notify/sms_provider.hpp"
#include "notify/sms_signature.hpp"

#include <doctest/doctest.h>

using namespace relais::notify;

TEST_CASE("sms: Twilio's signature, checked against the worked example of its security documentation") {
    // https://www.twilio.com/docs/usage/webhooks/webhooks-security: auth token 12345, this URL and these
    // parameters sign as "0/KCTR6DLpKmkAf8muzZqo1nDgQ=".
    const std::vector<std::pair<std::string, std::string>> params{{"CallSid", "CA1234567890ABCDE"},
                                                                  {"Caller", "+12349013030"},
                                                                  {"Digits", "1234"},
                                                                  {"From", "+12349013030"},
                                                                  {"To", "+18005551212"}};
    const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    CHECK(twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    // Order of the fields as posted does not matter; any change of value, URL or token does.
    auto shuffled = params;
    std::swap(shuffled[0], shuffled[4]);
    CHECK(twilio_signature("12345", url, shuffled) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    auto changed = params;
    changed[2].second = "1235";
    CHECK(twilio_signature("12345", url, changed) != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    CHECK(twilio_signature("12346", url, params) != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    CHECK(twilio_signature("12345", "https://mycompany.com/myapp.php", params) !=
          "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
}

TEST_CASE("sms: the generic webhook's signature and the constant-time comparison") {
    // RFC 4231 test case 2: HMAC-SHA256 with key "Jefe" of "what do ya want for nothing?".
    CHECK(webhook_signature("Jefe", "what do ya want for nothing?") ==
          "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    const std::string good = webhook_signature("token", "{}");
    CHECK(signature_matches(good, good));
    CHECK_FALSE(signature_matches(good.substr(0, good.size() - 1), good));
    CHECK_FALSE(signature_matches("", good));
    CHECK_FALSE(signature_matches("", ""));
    CHECK_FALSE(signature_matches(webhook_signature("other", "{}"), good));
}

TEST_CASE("sms: what a reply says") {
    for (const char* yes : {"OUI", "oui", " Oui ! ", "o", "1", "yes", "Y", "ok", "d'accord"}) {
        const std::string w = yes;
        INFO(w);
        CHECK(word_of(yes) == reply_word::yes);
    }
    for (const char* no : {"NON", "non.", "N", "2", "no", " Non!"}) {
        const std::string w = no;
        INFO(w);
        CHECK(word_of(no) == reply_word::no);
    }
    for (const char* stop : {"STOP", "stop", "Arrêt", "ARRET", "unsubscribe"})
        CHECK(word_of(stop) == reply_word::stop);
    CHECK(word_of("START") == reply_word::start);
    CHECK(word_of("Démarrer") == reply_word::start);
    for (const char* other : {"", "oui mais demain", "12", "peut-être", "non merci je ne peux pas",
                              "OUI OUI OUI OUI OUI OUI OUI OUI OUI OUI OUI", "\xff\xfe", "👍"}) {
        const std::string w = other;
        INFO(w);
        CHECK(word_of(other) == reply_word::other);
    }
}

TEST_CASE("sms: how a provider's answer counts") {
    CHECK(outcome_of_status(201, "", "").result == send_outcome::kind::sent);
    CHECK(outcome_of_status(200, "", "").result == send_outcome::kind::sent);
    CHECK(outcome_of_status(400, "", "21211").result == send_outcome::kind::permanent);
    CHECK(outcome_of_status(400, "", "21211").reason.find("21211") != std::string::npos);
    CHECK(outcome_of_status(401, "", "20003").result == send_outcome::kind::temporary);  // our token: fixable
    CHECK(outcome_of_status(429, "", "").result == send_outcome::kind::temporary);
    CHECK(outcome_of_status(503, "", "").result == send_outcome::kind::temporary);
    const auto none = outcome_of_status(0, "Couldn't connect to server", "");
    CHECK(none.result == send_outcome::kind::temporary);
    CHECK(none.no_answer);
    CHECK(form_encode({{"To", "+33612345678"}, {"Body", "Oui & non = é"}}) ==
          "To=%2B33612345678&Body=Oui%20%26%20non%20%3D%20%C3%A9");
}

TEST_CASE("sms: a provider needs its settings, and its token never travels in clear to another machine") {
    sms_settings s;
    s.provider = "twilio";
    s.url = "https://api.twilio.example";
    s.account = "AC1";
    s.token = "t";
    s.from = "+33700000000";
    CHECK(make_sms_provider(s) != nullptr);
    auto no_account = s;
    no_account.account.clear();
    CHECK_THROWS_AS(make_sms_provider(no_account), std::invalid_argument);
    auto clear = s;
    clear.url = "http://api.twilio.example";
    CHECK_THROWS_AS(make_sms_provider(clear), std::invalid_argument);
    clear.url = "http://127.0.0.1:9999";
    CHECK(make_sms_provider(clear) != nullptr);
    auto unknown = s;
    unknown.provider = "pigeon";
    CHECK_THROWS_AS(make_sms_provider(unknown), std::invalid_argument);
    auto webhook = s;
    webhook.provider = "webhook";
    webhook.account.clear();
    CHECK(make_sms_provider(webhook) != nullptr);
}
