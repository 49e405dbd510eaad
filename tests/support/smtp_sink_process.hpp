#pragma once

#include "support/temp_dir.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace relais::testing {

/// A real SMTP server (tests/support/smtp_sink.py, on Debian's python3-aiosmtpd) as a child process on a
/// free loopback port, writing what it accepts to a folder. With `tls`, it offers STARTTLS with a
/// certificate made for 127.0.0.1 (ca_file() to trust it) and requires it; with a user, it requires AUTH.
class smtp_sink_process {
  public:
    struct options {
        bool tls = true;
        std::string user, password;
        int fail_first = 0;         ///< answer 451 to the first messages
        std::uint16_t port = 0;     ///< 0: a free one
        int delay_ms = 0;           ///< wait before answering each message
        bool implicit_tls = false;  ///< TLS from the first byte (smtps://), not STARTTLS; needs tls
    };
    explicit smtp_sink_process(options o);
    smtp_sink_process() : smtp_sink_process(options{}) {}
    ~smtp_sink_process();
    smtp_sink_process(const smtp_sink_process&) = delete;
    smtp_sink_process& operator=(const smtp_sink_process&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    std::string url() const {
        return (o_.implicit_tls ? "smtps://127.0.0.1:" : "smtp://127.0.0.1:") + std::to_string(port_);
    }
    std::string ca_file() const { return (dir_.path() / "cert.pem").string(); }
    /// Stops the server (a later start() on the same port and folder brings it back).
    void stop();
    void start();

    /// Messages accepted so far (whole files, in order).
    std::vector<std::string> messages() const;
    /// Envelopes: the sender then the recipients, per message.
    std::vector<std::string> envelopes() const;
    /// Connections accepted since the sink last started.
    int connections() const;
    /// Waits until at least `n` messages arrived; false on timeout.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;

  private:
    options o_;
    temp_dir dir_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
    bool started_once_ = false;
};

/// Starts `args` (argv[0] a full path) with its output in `ready` and waits until that output says "ready"
/// (throws with the output after 10 s, naming `what`); returns its pid.
pid_t spawn_until_ready(std::vector<std::string> args, const std::filesystem::path& ready, const char* what);
/// SIGTERM, then SIGKILL after 5 s; sets `pid` to -1.
void stop_child(pid_t& pid);
/// The files DIR/1EXT, DIR/2EXT... that exist, in order.
std::vector<std::string> numbered(const std::filesystem::path& dir, const char* ext);

/// A TCP port of 127.0.0.1 free at the time of the call.
std::uint16_t free_loopback_port();

/// The bodies of a MIME message's base64 parts, decoded (what a reader sees).
std::string decoded_bodies(const std::string& message);

}  // namespace relais::testing
