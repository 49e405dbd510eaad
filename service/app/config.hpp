#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace relais::app {

/// Everything the server can be told at start. Each option is a flag; `RELAIS_<NAME>` in the environment
/// (dashes as underscores, upper case) provides it when the flag is absent.
struct config {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string db = "var/relais.db";
    std::string web_root = "web";
    unsigned threads = 2;
    unsigned readers = 2;
    std::string log_level = "info";
    bool demo = false;
    std::string synchronous = "full";       ///< full | normal
    std::size_t body_limit = 64 * 1024;     ///< bytes
    std::size_t header_limit = 16 * 1024;   ///< bytes
    std::chrono::seconds read_timeout{15};  ///< whole request, including an idle keep-alive wait
    std::chrono::seconds write_timeout{15};
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_address =
        256;  ///< per client key (wire::client_key); forwarded one behind a proxy
    std::size_t write_queue = 10000;
    std::chrono::seconds shutdown_grace{10};
    std::chrono::seconds tick{30};  ///< between matching maintenance runs (expiry, auto-dispatch)
    bool test_clock = false;        ///< allow the programme clock to be moved (tests, replay)
    std::optional<std::int64_t>
        test_clock_start;  ///< with test_clock: the programme time at start (Unix seconds)
    // Accounts and sessions (auth/).
    std::chrono::seconds session_idle{30 * 60};        ///< a session unused this long ends
    std::chrono::seconds session_lifetime{12 * 3600};  ///< a session ends this long after login, used or not
    bool secure_cookies = false;                       ///< `Secure` + `__Host-` cookie (TLS here or in front)
    bool behind_proxy = false;  ///< trust X-Forwarded-For / X-Forwarded-Host (a proxy is in front)
    std::size_t login_limit =
        10;  ///< failed logins per (account, address) and per address in login_window; 0 = off
    std::chrono::seconds login_window{15 * 60};
    std::size_t login_account_limit =
        100;                             ///< failed logins per account in login_window before delays; 0 = off
    std::size_t hash_threads = 0;        ///< password-hashing threads; 0 = from the cores and memory
    std::size_t hash_queue = 64;         ///< password hashes waiting for a thread before 503
    std::size_t public_post_limit = 30;  ///< anonymous public-form posts per address in the window; 0 = off
    std::chrono::seconds public_post_window{10 * 60};
    std::size_t live_per_session = 8;  ///< live-feed WebSockets one session may hold open
    std::size_t live_per_user = 16;    ///< live-feed WebSockets one account may hold open (all sessions)
    std::string tls_cert;              ///< PEM certificate chain: serve HTTPS (with tls_key)
    std::string tls_key;               ///< PEM private key
    bool allow_shared_db = false;      ///< start even if the database files are readable by others
    /// Host names (with or without a port) requests may address; "*" = any. Empty: the defaults (the bind
    /// address, localhost and loopback addresses, the host of public_url).
    std::vector<std::string> allowed_hosts;
    std::string public_url;  ///< the address people reach the service at (https://...)
    // Email (notify/): off without smtp_url.
    std::string smtp_url, smtp_user, smtp_password_file, smtp_ca_file, mail_from;
    int outbox_retention_days = 30;
    // Text messages (notify/): off without sms_provider.
    std::string sms_provider, sms_url, sms_account, sms_token_file, sms_from, sms_ca_file;
    // Web push (notify/push_client): on when --public-url is given unless --push off.
    std::optional<bool> push;
    std::string push_subject, push_ca_file;
    bool push_local_http = false;
    std::string rate_limits;  ///< overrides of the per-role, per-class rate limits (see --help)
    bool show_help = false;
};

class config_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

/// Parses `args` (without the program name and subcommand) over the environment. Pure: no I/O.
/// Throws config_error naming the faulty option.
config parse_config(const std::vector<std::string>& args, const env_lookup& env);

/// The text of `relais --help`.
std::string help_text();

/// The process environment as an env_lookup.
env_lookup process_env();

}  // namespace relais::app
