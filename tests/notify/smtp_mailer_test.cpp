// The email channel against a real SMTP server (aiosmtpd, tests/support/smtp_sink.py): STARTTLS with a
// certificate or implicit TLS, authentication, temporary and permanent failures, one connection for
// consecutive messages (counted at the sink).
#include "notify/smtp_mailer.hpp"

#include "support/smtp_sink_process.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace relais::notify;
using relais::testing::smtp_sink_process;

namespace {

mail sample(const std::string& to, const std::string& subject) {
    mail m;
    m.from_name = "Volontaires Solidaires";
    m.to = to;
    m.subject = subject;
    m.text = "Bonjour,\n\nUne mission : https://entraide.example/benevole\n";
    m.html = "<p>Bonjour</p>";
    m.message_id = "msg_test" + std::to_string(subject.size()) + "@ville.example";
    m.date = 1796299200;
    return m;
}

smtp_settings settings_for(const smtp_sink_process& sink, const std::string& user,
                           const std::string& password) {
    smtp_settings s;
    s.url = sink.url();
    s.user = user;
    s.password = password;
    s.from = "entraide@ville.example";
    s.ca_file = sink.ca_file();
    s.timeout = std::chrono::seconds(10);
    return s;
}

}  // namespace

TEST_CASE("smtp: delivered over STARTTLS with authentication, UTF-8 intact, envelope as configured") {
    smtp_sink_process sink({true, "relais", "s3cret-pass"});
    smtp_mailer mailer(settings_for(sink, "relais", "s3cret-pass"));
    auto out = mailer.send(sample("lea@example.org", "Une mission vous est proposée"));
    INFO(out.reason);
    REQUIRE(out.result == send_outcome::kind::sent);
    out = mailer.send(sample("paul@example.org", "Second message"));
    REQUIRE(out.result == send_outcome::kind::sent);
    REQUIRE(sink.wait_for(2, std::chrono::seconds(5)));
    const auto msgs = sink.messages();
    const auto envs = sink.envelopes();
    CHECK(envs.at(0) == "entraide@ville.example\nlea@example.org\n");
    CHECK(envs.at(1) == "entraide@ville.example\npaul@example.org\n");
    CHECK(msgs.at(0).find("Subject: =?UTF-8?B?") != std::string::npos);
    CHECK(relais::testing::decoded_bodies(msgs.at(0)).find("https://entraide.example/benevole") !=
          std::string::npos);
    // Both on one connection (one TLS handshake, one AUTH).
    CHECK(sink.connections() == 1);
}

TEST_CASE("smtp: a batch goes over one connection; implicit TLS (smtps://) too") {
    for (const bool implicit : {false, true}) {
        CAPTURE(implicit);
        smtp_sink_process::options o;
        o.implicit_tls = implicit;
        smtp_sink_process sink(o);
        CHECK(sink.url().rfind(implicit ? "smtps://" : "smtp://", 0) == 0);
        smtp_mailer mailer(settings_for(sink, "", ""));
        for (int i = 0; i < 20; ++i) {
            const auto out =
                mailer.send(sample("lea" + std::to_string(i) + "@example.org", "n" + std::string(i, 'x')));
            INFO(out.reason);
            REQUIRE(out.result == send_outcome::kind::sent);
        }
        REQUIRE(sink.wait_for(20, std::chrono::seconds(10)));
        CHECK(sink.envelopes().at(19) == "entraide@ville.example\nlea19@example.org\n");
        CHECK(sink.connections() == 1);
    }
}

TEST_CASE("smtp: a wrong password, a server down and a 451 are temporary; a bad address is permanent") {
    smtp_sink_process sink({true, "relais", "s3cret-pass", 1});
    {
        smtp_mailer wrong(settings_for(sink, "relais", "not-the-password"));
        const auto out = wrong.send(sample("lea@example.org", "x"));
        CHECK(out.result == send_outcome::kind::temporary);
        INFO(out.reason);
        CHECK(out.reason.find("535") != std::string::npos);
        CHECK(out.reason.find("lea@") == std::string::npos);
    }
    smtp_mailer mailer(settings_for(sink, "relais", "s3cret-pass"));
    // The sink answers 451 to its first message.
    CHECK(mailer.send(sample("lea@example.org", "first")).result == send_outcome::kind::temporary);
    CHECK(mailer.send(sample("lea@example.org", "again")).result == send_outcome::kind::sent);
    CHECK(mailer.send(sample("not an address", "x")).result == send_outcome::kind::permanent);
    sink.stop();
    const auto down = mailer.send(sample("lea@example.org", "down"));
    CHECK(down.result == send_outcome::kind::temporary);
    sink.start();
    const auto back = mailer.send(sample("lea@example.org", "back"));
    INFO(back.reason);
    CHECK(back.result == send_outcome::kind::sent);
    CHECK(sink.connections() == 1);  // the restarted server: a new connection, once
    CHECK(sink.wait_for(2, std::chrono::seconds(5)));
    CHECK(sink.messages().size() == 2);
}

TEST_CASE("smtp: a server on another machine must offer TLS; URLs are checked") {
    CHECK(smtp_url_is_local("smtp://127.0.0.1:2525"));
    CHECK(smtp_url_is_local("smtp://localhost"));
    CHECK(smtp_url_is_local("smtps://[::1]:465"));
    CHECK_FALSE(smtp_url_is_local("smtp://mail.example.org:587"));
    CHECK_FALSE(smtp_url_is_local("smtp://127.0.0.1.example.org"));
    smtp_settings s;
    s.url = "http://example.org";
    CHECK_THROWS(smtp_mailer(s));
}
