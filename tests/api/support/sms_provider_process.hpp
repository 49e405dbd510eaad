#pragma once

#include "support/temp_dir.hpp"

#include <sys/types.h>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace relais::api_test {

/// A local SMS provider (tests/support/sms_provider.py) as a child process on a free loopback port: a
/// Twilio-compatible Messages API (or the generic JSON webhook), which reports each message's delivery to
/// the service and can send it a text "from a phone", signed as the provider signs.
class sms_provider_process {
  public:
    struct options {
        std::string mode = "twilio";  ///< or "webhook"
        std::string token = "test-sms-token-0123456789";
        std::string public_url = "https://entraide.example";  ///< the service's --public-url
        std::vector<std::string> undeliverable;               ///< numbers reported "undelivered"
        int fail_first = 0;                                   ///< answer 503 to the first messages
    };
    explicit sms_provider_process(options o);
    sms_provider_process() : sms_provider_process(options{}) {}
    ~sms_provider_process();
    sms_provider_process(const sms_provider_process&) = delete;
    sms_provider_process& operator=(const sms_provider_process&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    const std::string& account() const noexcept { return account_; }
    /// The relais options that send through this provider (its token in a file of the temporary folder).
    std::vector<std::string> server_options() const;
    /// Tells the provider where the service really listens (its public URL is not where the tests run it).
    void deliver_to(std::uint16_t service_port);
    /// The messages accepted so far, in order: {sid, to, from, body, status_callback}.
    std::vector<boost::json::value> messages() const;
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;
    /// A text from `from` to the programme's number: the service's answer (HTTP status and body).
    std::pair<unsigned, std::string> reply(const std::string& from, const std::string& text,
                                           const std::string& id = {});

  private:
    options o_;
    relais::testing::temp_dir dir_;
    std::string account_ = "AC0123456789abcdef0123456789abcdef";
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace relais::api_test
