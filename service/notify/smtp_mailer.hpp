#pragma once

#include "notify/mime.hpp"

#include <chrono>
#include <string>

namespace relais::notify {

/// Where and how email goes (--smtp-url, --smtp-user, --smtp-password-file, --mail-from).
struct smtp_settings {
    std::string url;  ///< smtp://host:port (STARTTLS) or smtps://host:port (implicit TLS); empty: email off
    std::string user, password;  ///< empty user: no authentication
    std::string from;            ///< the envelope and header sender
    std::string ca_file;         ///< certificate authorities to trust instead of the system's (tests)
    std::chrono::seconds timeout{30};
};

/// What became of one delivery.
struct send_outcome {
    enum class kind { sent, temporary, permanent } result = kind::sent;
    std::string reason;      ///< for the delivery log: a code and a category, never the address or the text
    bool no_answer = false;  ///< the server answered nothing (a dead connection)
};

/// An SMTP client over libcurl, for the sender's thread only (blocking). One handle for its lifetime, so
/// consecutive messages reuse the connection (and its TLS session). TLS is required (STARTTLS, or smtps://),
/// except to a server on this machine (a local relay), where STARTTLS is used when offered; credentials are
/// therefore never sent in clear over a network.
class smtp_mailer {
  public:
    explicit smtp_mailer(smtp_settings s);
    ~smtp_mailer();
    smtp_mailer(const smtp_mailer&) = delete;
    smtp_mailer& operator=(const smtp_mailer&) = delete;

    /// Sends `m` (its From replaced by the configured sender). 5xx answers other than authentication
    /// failures are permanent (the address is refused); connection, TLS and 4xx failures are temporary.
    send_outcome send(mail m);

    const smtp_settings& settings() const noexcept { return s_; }

  private:
    send_outcome attempt(const mail& m, const std::string& body, bool fresh);

    smtp_settings s_;
    bool reused_ = false;   ///< the last message went out: its connection is kept for the next
    void* curl_ = nullptr;  ///< CURL*
};

/// True if the host of an smtp:// or smtps:// URL is this machine (localhost, 127.0.0.0/8, ::1).
bool smtp_url_is_local(const std::string& url);

}  // namespace relais::notify
