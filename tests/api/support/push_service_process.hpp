#pragma once

#include "support/temp_dir.hpp"

#include <sys/types.h>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace relais::api_test {

/// A local Web Push service (tests/support/push_service.py, on Debian's python3-cryptography) as a child
/// process on a free loopback port. It makes subscriptions as a browser would (its own P-256 keys and auth
/// secret per name), checks each push's VAPID token (ES256 signature with the k= key, aud = its origin, exp
/// within 24 h) and decrypts the aes128gcm body, recording the plain payload. Its endpoints are
/// http://127.0.0.1:PORT/push/NAME, so the service must accept http:// endpoints on this machine
/// (notify::push_settings::allow_local_http) when it sends to it.
///
///     push_service_process push;
///     const auto sub = push.subscription("lea", vapid_public_key);  // what the app would post
///     ... the volunteer subscribes with `sub`, something is pushed to her ...
///     REQUIRE(push.wait_for(1, 5s));
///     CHECK(push.messages()[0].at("payload") == ...);
///     push.set_status("lea", 410);  // her subscription expired: the service must drop it
class push_service_process {
  public:
    push_service_process();
    ~push_service_process();
    push_service_process(const push_service_process&) = delete;
    push_service_process& operator=(const push_service_process&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    /// http://127.0.0.1:PORT, the audience a VAPID token for this service names.
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

    /// The subscription of the device `name` (made on the first call, the same afterwards), as
    /// PushSubscription.toJSON() gives it: {"endpoint", "keys": {"p256dh", "auth"}}. With
    /// `application_server_key` (base64url), it is bound to that VAPID key as pushManager.subscribe() binds
    /// it: a push signed by another key is answered 403.
    boost::json::value subscription(const std::string& name,
                                    const std::string& application_server_key = {}) const;
    /// The pushes accepted so far, in order: {name, payload, ttl, urgency, topic, sub, aud, exp, k}.
    std::vector<boost::json::value> messages() const;
    /// Waits until at least `n` pushes arrived; false on timeout.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;
    /// Makes /push/NAME answer `status` from now on (410: the subscription expired); 0 restores it.
    void set_status(const std::string& name, unsigned status) const;
    /// Answers the next `n` pushes, to any endpoint, with `status` (503, 429: temporary failures).
    void fail_next(int n, unsigned status = 503) const;

  private:
    relais::testing::temp_dir dir_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace relais::api_test
