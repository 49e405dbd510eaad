#include "api/support/sms_provider_process.hpp"

#include "api/support/http_client.hpp"
#include "support/smtp_sink_process.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace relais::api_test {

namespace json = boost::json;
using relais::testing::free_loopback_port;

sms_provider_process::sms_provider_process(options o) : o_(std::move(o)) {
    port_ = free_loopback_port();
    std::ofstream(dir_.path() / "token") << o_.token << "\n";
    std::vector<std::string> args{"/usr/bin/python3",
                                  std::string(RELAIS_SOURCE_DIR) + "/tests/support/sms_provider.py",
                                  "--port",
                                  std::to_string(port_),
                                  "--dir",
                                  (dir_.path() / "sms").string(),
                                  "--mode",
                                  o_.mode,
                                  "--account",
                                  account_,
                                  "--token",
                                  o_.token,
                                  "--inbound-url",
                                  o_.public_url + "/api/v1/sms/inbound"};
    for (const auto& n : o_.undeliverable)
        args.insert(args.end(), {"--undeliverable", n});
    if (o_.fail_first > 0)
        args.insert(args.end(), {"--fail-first", std::to_string(o_.fail_first)});
    pid_ = relais::testing::spawn_until_ready(std::move(args), dir_.path() / "ready", "the SMS provider");
}

sms_provider_process::~sms_provider_process() {
    relais::testing::stop_child(pid_);
}

std::vector<std::string> sms_provider_process::server_options() const {
    const std::string base = "http://127.0.0.1:" + std::to_string(port_);
    return {"--sms-provider", o_.mode,        "--sms-url",        o_.mode == "twilio" ? base : base + "/send",
            "--sms-account",  account_,       "--sms-token-file", (dir_.path() / "token").string(),
            "--sms-from",     "+33700000000", "--public-url",     o_.public_url};
}

void sms_provider_process::deliver_to(std::uint16_t service_port) {
    http_client c(port_);
    const auto r = c.post_json(
        "/_test/config", json::object{{"deliver_to", "http://127.0.0.1:" + std::to_string(service_port)}});
    if (r.status != 200)
        throw std::runtime_error("the SMS provider did not take its configuration");
}

std::vector<json::value> sms_provider_process::messages() const {
    std::vector<json::value> out;
    for (const auto& text : relais::testing::numbered(dir_.path() / "sms", ".json"))
        out.push_back(json::parse(text));
    return out;
}

bool sms_provider_process::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (messages().size() >= n)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return messages().size() >= n;
}

std::pair<unsigned, std::string> sms_provider_process::reply(const std::string& from, const std::string& text,
                                                             const std::string& id) {
    http_client c(port_);
    json::object body{{"from", from}, {"text", text}};
    if (!id.empty())
        body["id"] = id;
    const auto r = c.post_json("/_test/reply", body);
    if (r.status != 200)
        throw std::runtime_error("the SMS provider could not deliver the reply");
    const auto v = json::parse(r.body);
    return {static_cast<unsigned>(v.at("status").as_int64()), std::string(v.at("body").as_string())};
}

}  // namespace relais::api_test
