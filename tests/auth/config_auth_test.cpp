#include "app/config.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace relais::app;
using namespace std::chrono_literals;

namespace {

env_lookup env_of(std::map<std::string, std::string> m) {
    return [m](const std::string& k) -> std::optional<std::string> {
        auto it = m.find(k);
        return it == m.end() ? std::nullopt : std::optional(it->second);
    };
}

}  // namespace

TEST_CASE("auth settings: defaults, flags and RELAIS_* environment") {
    auto d = parse_config({}, env_of({}));
    CHECK(d.session_idle == 1800s);
    CHECK(d.session_lifetime == 43200s);
    CHECK_FALSE(d.secure_cookies);
    CHECK_FALSE(d.behind_proxy);
    CHECK(d.login_limit == 10);
    CHECK(d.login_window == 900s);
    CHECK(d.public_post_limit == 30);
    CHECK(d.public_post_window == 600s);

    auto c = parse_config({"--session-idle", "2", "--login-limit=0", "--behind-proxy", "--public-post-limit", "0"},
                          env_of({{"RELAIS_SESSION_LIFETIME", "60"}, {"RELAIS_SECURE_COOKIES", "true"},
                                  {"RELAIS_LOGIN_LIMIT", "99"}}));
    CHECK(c.session_idle == 2s);
    CHECK(c.session_lifetime == 60s);
    CHECK(c.secure_cookies);
    CHECK(c.behind_proxy);
    CHECK(c.login_limit == 0);  // the flag wins over the environment
    CHECK(c.public_post_limit == 0);

    CHECK_THROWS_AS(parse_config({"--session-idle", "0"}, env_of({})), config_error);
    CHECK_THROWS_AS(parse_config({"--login-window", "x"}, env_of({})), config_error);
    CHECK_THROWS_AS(parse_config({"--tls-cert", "c.pem"}, env_of({})), config_error);
    auto t = parse_config({"--tls-cert", "c.pem", "--tls-key", "k.pem"}, env_of({}));
    CHECK(t.secure_cookies);  // HTTPS here: the cookie is always Secure

    for (auto opt : {"--session-idle", "--session-lifetime", "--secure-cookies", "--behind-proxy", "--login-limit",
                     "--login-window", "--public-post-limit", "--public-post-window", "--tls-cert", "--tls-key",
                     "RELAIS_PUBLIC_POST_LIMIT"})
        CHECK_MESSAGE(help_text().find(opt) != std::string::npos, opt);
}
