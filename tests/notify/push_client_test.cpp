// The push client against a local push service (tests/support/push_service.py, on Debian's
// python3-cryptography) that checks the VAPID token as push services do and decrypts with the subscription's
// keys: what a browser would show is what was sent; gone, temporary and refused answers are told apart.
#include "notify/push_client.hpp"

#include "support/smtp_sink_process.hpp"
#include "support/temp_dir.hpp"

#include <curl/curl.h>
#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

using namespace relais::notify;

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

/// GET over libcurl (the unit tests have no HTTP client of their own): the body of a 200, else throws.
std::string http_get(const std::string& url, const std::string& ca_file) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> c(curl_easy_init(), curl_easy_cleanup);
    REQUIRE(c);
    std::string body;
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 10L);
    if (!ca_file.empty())
        curl_easy_setopt(c.get(), CURLOPT_CAINFO, ca_file.c_str());
    long status = 0;
    if (curl_easy_perform(c.get()) != CURLE_OK ||
        curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200)
        throw std::runtime_error("GET failed: " + url);
    return body;
}

/// The local push service as a child process on a free loopback port (as tests/api/support's
/// push_service_process starts it for the API tests).
class local_push_service {
  public:
    /// With `tls`, HTTPS with a certificate made for 127.0.0.1 (ca_file() to trust it).
    explicit local_push_service(bool tls = false) {
        port_ = relais::testing::free_loopback_port();
        std::vector<std::string> args{"/usr/bin/python3",
                                      std::string(RELAIS_SOURCE_DIR) + "/tests/support/push_service.py",
                                      "--port", std::to_string(port_)};
        if (tls) {
            ca_file_ = dir_.file("cert.pem");
            const std::string cmd =
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
                "/CN=127.0.0.1 "
                "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
                dir_.file("key.pem") + "' -out '" + ca_file_ + "' >/dev/null 2>&1";
            REQUIRE(std::system(cmd.c_str()) == 0);
            args.insert(args.end(), {"--cert", ca_file_, "--key", dir_.file("key.pem")});
        }
        pid_ = relais::testing::spawn_until_ready(std::move(args), dir_.path() / "ready", "the push service");
    }
    ~local_push_service() { relais::testing::stop_child(pid_); }
    local_push_service(const local_push_service&) = delete;
    local_push_service& operator=(const local_push_service&) = delete;

    std::string base() const {
        return (ca_file_.empty() ? "http" : "https") + std::string("://127.0.0.1:") + std::to_string(port_);
    }
    const std::string& ca_file() const noexcept { return ca_file_; }

    push_subscription subscribe(const std::string& name,
                                const std::string& application_server_key = {}) const {
        const auto v = boost::json::parse(http_get(
            base() + "/push/" + name + "/_test/subscription" +
                (application_server_key.empty() ? std::string()
                                                : "?application_server_key=" + application_server_key),
            ca_file_));
        const auto& keys = v.at("keys");
        return {std::string(v.at("endpoint").as_string()), std::string(keys.at("p256dh").as_string()),
                std::string(keys.at("auth").as_string())};
    }
    boost::json::array messages() const {
        return boost::json::parse(http_get(base() + "/_test/messages", ca_file_)).as_array();
    }
    void configure(const boost::json::object& config) const {
        http_poster http;
        REQUIRE(
            http.post(base() + "/_test/config", "application/json", boost::json::serialize(config)).status ==
            200);
    }

  private:
    relais::testing::temp_dir dir_;
    std::string ca_file_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

push_settings settings_for(const vapid_keys& keys) {
    push_settings s;
    s.vapid_private_key = keys.private_key();
    s.vapid_public_key = keys.public_key();
    s.subject = "mailto:entraide@ville.example";
    s.timeout = std::chrono::seconds(10);
    s.allow_local_http = true;
    return s;
}

push_message message(const std::string& payload) {
    push_message m;
    m.payload = payload;
    m.ttl = std::chrono::hours(1);
    return m;
}

}  // namespace

TEST_CASE("push client: a message reaches the push service, signed and decryptable, on one connection") {
    local_push_service service;
    const auto keys = vapid_keys::generate();
    push_client client(settings_for(keys));
    const auto lea = service.subscribe("lea", keys.public_key());
    const auto paul = service.subscribe("paul");
    CHECK(service.subscribe("lea").p256dh == lea.p256dh);  // the same subscription again

    const std::string payload =
        R"({"title":"Nouvelle mission","body":"Courses rue de Brest, jeudi 14 h","url":"/benevole"})";
    auto out = client.send(lea, message(payload));
    INFO(out.reason);
    REQUIRE(out.result == push_outcome::kind::sent);
    push_message urgent = message("Départ dans 10 minutes ✓");
    urgent.urgency = push_urgency::high;
    urgent.topic = "mission-7";
    out = client.send(paul, urgent);
    REQUIRE(out.result == push_outcome::kind::sent);
    out = client.send(lea, message(std::string(max_push_payload, 'z')));
    REQUIRE(out.result == push_outcome::kind::sent);

    const auto got = service.messages();
    REQUIRE(got.size() == 3);
    CHECK(got[0].at("name") == "lea");
    CHECK(got[0].at("payload").as_string() == payload);
    CHECK(got[0].at("ttl") == 3600);
    CHECK(got[0].at("urgency") == "normal");
    CHECK(got[0].at("sub") == "mailto:entraide@ville.example");
    CHECK(got[0].at("aud").as_string() == service.base());
    CHECK(got[0].at("k").as_string() == keys.public_key());
    CHECK(got[1].at("name") == "paul");
    CHECK(got[1].at("payload") == "Départ dans 10 minutes ✓");
    CHECK(got[1].at("urgency") == "high");
    CHECK(got[1].at("topic") == "mission-7");
    CHECK(got[2].at("payload").as_string().size() == max_push_payload);
    // The same token served the three messages (one origin), well within 24 h.
    const auto exp = got[0].at("exp").as_int64();
    CHECK(got[2].at("exp").as_int64() == exp);
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    CHECK(exp > now + 11 * 3600);
    CHECK(exp <= now + 12 * 3600);
}

TEST_CASE("push client: gone, temporary and refused answers; the service checks what push services check") {
    local_push_service service;
    const auto keys = vapid_keys::generate();
    push_client client(settings_for(keys));
    const auto lea = service.subscribe("lea", keys.public_key());

    // The subscription expired at the push service (410), or never existed there (404): delete it.
    service.configure({{"name", "lea"}, {"status", 410}});
    auto out = client.send(lea, message("x"));
    CHECK(out.result == push_outcome::kind::gone);
    CHECK(out.reason.find("410") != std::string::npos);
    service.configure({{"name", "lea"}, {"status", nullptr}});
    push_subscription unknown = lea;
    unknown.endpoint = service.base() + "/push/nobody";
    CHECK(client.send(unknown, message("x")).result == push_outcome::kind::gone);

    // Overloaded (503, 429) or not there at all: try later.
    service.configure({{"fail_next", 1}, {"fail_status", 503}});
    CHECK(client.send(lea, message("x")).result == push_outcome::kind::temporary);
    service.configure({{"fail_next", 1}, {"fail_status", 429}});
    CHECK(client.send(lea, message("x")).result == push_outcome::kind::temporary);
    push_subscription down = lea;
    down.endpoint = "http://127.0.0.1:" + std::to_string(relais::testing::free_loopback_port()) + "/push/lea";
    out = client.send(down, message("x"));
    CHECK(out.result == push_outcome::kind::temporary);
    CHECK(out.no_answer);
    CHECK(out.reason.find("127.0.0.1") == std::string::npos);  // never the endpoint

    // Signed by another key than the subscription's applicationServerKey: refused for good (403).
    push_client stranger(settings_for(vapid_keys::generate()));
    out = stranger.send(lea, message("x"));
    CHECK(out.result == push_outcome::kind::permanent);
    CHECK(out.reason.find("403") != std::string::npos);

    // Keys that do not match the device's: the service cannot decrypt (400), a permanent failure.
    push_subscription wrong_auth = lea;
    wrong_auth.auth = service.subscribe("paul").auth;
    CHECK(client.send(wrong_auth, message("x")).result == push_outcome::kind::permanent);

    // The service's own checks of the token, with requests built by hand.
    http_poster http;
    const auto post = [&](const push_request& r) {
        return http.post(r.url, "application/octet-stream", r.body, r.headers).status;
    };
    const auto now = std::chrono::system_clock::now();
    CHECK(post(build_push_request(keys, "mailto:a@b.example", lea, message("x"), now)) == 201);
    // Expired (a token made 13 h ago), for another audience, or without a VAPID header: 401.
    CHECK(post(build_push_request(keys, "mailto:a@b.example", lea, message("x"),
                                  now - std::chrono::hours(13))) == 401);
    auto other_aud = build_push_request(keys, "mailto:a@b.example", lea, message("x"), now);
    other_aud.headers[3] =
        "Authorization: " + keys.authorization("https://push.example/x", "mailto:a@b.example", now);
    CHECK(post(other_aud) == 401);
    auto forged = build_push_request(keys, "mailto:a@b.example", lea, message("x"), now);
    auto& k_char = forged.headers[3][forged.headers[3].size() - 10];
    k_char = k_char == 'A' ? 'B' : 'A';  // another k= than the signer's (a point off the curve, most likely)
    CHECK(post(forged) == 401);
    auto no_auth = build_push_request(keys, "mailto:a@b.example", lea, message("x"), now);
    no_auth.headers.pop_back();
    CHECK(post(no_auth) == 401);
    // A body that is not the subscription's (tampered): 400.
    auto tampered = build_push_request(keys, "mailto:a@b.example", lea, message("x"), now);
    tampered.body.back() = static_cast<char>(tampered.body.back() ^ 1);
    CHECK(post(tampered) == 400);
    // Only the good one arrived.
    CHECK(service.messages().size() == 1);
}

TEST_CASE(
    "push client: over HTTPS the push service's certificate is verified, against the CA file if given") {
    local_push_service service(true);
    const auto keys = vapid_keys::generate();
    const auto lea = service.subscribe("lea", keys.public_key());
    REQUIRE(lea.endpoint.rfind("https://127.0.0.1:", 0) == 0);
    auto s = settings_for(keys);
    s.allow_local_http = false;  // https needs no exception
    s.ca_file = service.ca_file();
    push_client trusting(s);
    auto out = trusting.send(lea, message("chiffré et authentifié"));
    INFO(out.reason);
    CHECK(out.result == push_outcome::kind::sent);
    const auto got = service.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].at("payload") == "chiffré et authentifié");
    CHECK(got[0].at("aud").as_string() == service.base());
    // With the system's authorities only, the test certificate is refused: nothing is sent, try again later.
    s.ca_file.clear();
    push_client strict(s);
    out = strict.send(lea, message("x"));
    CHECK(out.result == push_outcome::kind::temporary);
    CHECK(out.no_answer);
    CHECK(service.messages().size() == 1);
}
