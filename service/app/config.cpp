#include "app/config.hpp"

#include "domain/time_format.hpp"
#include "http/call_limits.hpp"

#include <charconv>
#include <cstdlib>
#include <map>

namespace relais::app {

namespace {

struct option_spec {
    const char* name;
    const char* help;
    bool is_flag;  // takes no value
    std::function<void(config&, const std::string&)> apply;
};

template <class T>
T parse_number(const std::string& name, const std::string& v, T min, T max) {
    T out{};
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc{} || p != v.data() + v.size() || out < min || out > max)
        throw config_error("--" + name + " must be a number between " + std::to_string(min) + " and " +
                           std::to_string(max) + " (got '" + v + "')");
    return out;
}

bool parse_bool(const std::string& name, const std::string& v) {
    if (v == "1" || v == "true" || v == "yes" || v == "on")
        return true;
    if (v == "0" || v == "false" || v == "no" || v == "off")
        return false;
    throw config_error("--" + name + " must be true or false (got '" + v + "')");
}

/// scheme://host[:port][/path] with scheme http or https and a non-empty host of URL characters.
bool valid_public_url(const std::string& v) {
    std::string_view rest = v;
    if (rest.starts_with("https://"))
        rest.remove_prefix(8);
    else if (rest.starts_with("http://"))
        rest.remove_prefix(7);
    else
        return false;
    const auto host = rest.substr(0, rest.find('/'));
    if (host.empty())
        return false;
    for (char ch : v)
        if (static_cast<unsigned char>(ch) <= 0x20 || ch == '"' || ch == '<' || ch == '>' || ch == '\\')
            return false;
    return host.find('@') == std::string_view::npos;
}

const std::vector<option_spec>& specs() {
    static const std::vector<option_spec> s{
        {"bind", "address to listen on (default 127.0.0.1)", false,
         [](config& c, const std::string& v) { c.bind = v; }},
        {"port", "TCP port, 0 for any free port (default 8080)", false,
         [](config& c, const std::string& v) { c.port = parse_number<std::uint16_t>("port", v, 0, 65535); }},
        {"db", "SQLite database file (default var/relais.db)", false,
         [](config& c, const std::string& v) {
             if (v.empty())
                 throw config_error("--db must not be empty");
             c.db = v;
         }},
        {"web-root", "folder of the web app (default web)", false,
         [](config& c, const std::string& v) { c.web_root = v; }},
        {"threads", "I/O threads (default 2)", false,
         [](config& c, const std::string& v) { c.threads = parse_number<unsigned>("threads", v, 1, 256); }},
        {"readers", "database reader threads (default 2)", false,
         [](config& c, const std::string& v) { c.readers = parse_number<unsigned>("readers", v, 1, 64); }},
        {"log-level", "trace, debug, info, warn, error or off (default info)", false,
         [](config& c, const std::string& v) {
             static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
             for (auto* l : levels)
                 if (v == l) {
                     c.log_level = v;
                     return;
                 }
             throw config_error("--log-level must be one of trace, debug, info, warn, error, off (got '" + v +
                                "')");
         }},
        {"demo", "seed a demo city into an empty database", true,
         [](config& c, const std::string& v) { c.demo = parse_bool("demo", v); }},
        {"synchronous", "full (default: acknowledged writes survive power loss) or normal", false,
         [](config& c, const std::string& v) {
             if (v != "full" && v != "normal")
                 throw config_error("--synchronous must be full or normal (got '" + v + "')");
             c.synchronous = v;
         }},
        {"body-limit", "largest request body in bytes (default 65536)", false,
         [](config& c, const std::string& v) {
             c.body_limit = parse_number<std::size_t>("body-limit", v, 1024, 64 * 1024 * 1024);
         }},
        {"header-limit", "largest request header block in bytes (default 16384)", false,
         [](config& c, const std::string& v) {
             c.header_limit = parse_number<std::size_t>("header-limit", v, 1024, 1024 * 1024);
         }},
        {"read-timeout", "seconds to receive a whole request, idle keep-alive included (default 15)", false,
         [](config& c, const std::string& v) {
             c.read_timeout = std::chrono::seconds(parse_number<unsigned>("read-timeout", v, 1, 3600));
         }},
        {"write-timeout", "seconds to send a response (default 15)", false,
         [](config& c, const std::string& v) {
             c.write_timeout = std::chrono::seconds(parse_number<unsigned>("write-timeout", v, 1, 3600));
         }},
        {"max-connections",
         "simultaneous connections; when all are taken the longest-idle keep-alive one is closed for a new "
         "one, "
         "or the new one if none is idle (default 10000)",
         false,
         [](config& c, const std::string& v) {
             c.max_connections = parse_number<std::size_t>("max-connections", v, 1, 1000000);
         }},
        {"max-connections-per-address",
         "simultaneous connections per client address (IPv6: per /64; behind a proxy: per forwarded "
         "address), "
         "0 = no cap (default 256)",
         false,
         [](config& c, const std::string& v) {
             c.max_connections_per_address =
                 parse_number<std::size_t>("max-connections-per-address", v, 0, 1000000);
         }},
        {"write-queue", "pending database writes before 503 (default 10000)", false,
         [](config& c, const std::string& v) {
             c.write_queue = parse_number<std::size_t>("write-queue", v, 1, 10000000);
         }},
        {"shutdown-grace", "seconds to finish in-flight requests on SIGTERM (default 10)", false,
         [](config& c, const std::string& v) {
             c.shutdown_grace = std::chrono::seconds(parse_number<unsigned>("shutdown-grace", v, 0, 600));
         }},
        {"tick",
         "seconds between two runs of the matching maintenance: proposal expiry and auto-dispatch (default "
         "30)",
         false,
         [](config& c, const std::string& v) {
             c.tick = std::chrono::seconds(parse_number<unsigned>("tick", v, 1, 3600));
         }},
        {"test-clock", "allow tests to move the programme clock (never in production)", true,
         [](config& c, const std::string& v) { c.test_clock = parse_bool("test-clock", v); }},
        {"test-clock-start",
         "with --test-clock: the programme clock starts at this UTC time (a demo season played "
         "up to now); with --demo, the demo season ends at this time",
         false,
         [](config& c, const std::string& v) {
             c.test_clock_start = domain::parse_iso8601(v);
             if (!c.test_clock_start)
                 throw config_error("--test-clock-start must be a UTC time like 2026-03-02T09:00:00Z (got '" +
                                    v + "')");
         }},
        {"session-idle", "seconds after which an unused session ends (default 1800)", false,
         [](config& c, const std::string& v) {
             c.session_idle =
                 std::chrono::seconds(parse_number<unsigned>("session-idle", v, 1, 7 * 24 * 3600));
         }},
        {"session-lifetime", "seconds after which a session ends even if used (default 43200)", false,
         [](config& c, const std::string& v) {
             c.session_lifetime =
                 std::chrono::seconds(parse_number<unsigned>("session-lifetime", v, 1, 30 * 24 * 3600));
         }},
        {"secure-cookies", "mark the session cookie Secure with the __Host- prefix (HTTPS in front)", true,
         [](config& c, const std::string& v) { c.secure_cookies = parse_bool("secure-cookies", v); }},
        {"behind-proxy", "trust X-Forwarded-For/-Host from a reverse proxy (only with one in front)", true,
         [](config& c, const std::string& v) { c.behind_proxy = parse_bool("behind-proxy", v); }},
        {"login-limit",
         "failed logins per account and client address, and per client address, in the window, 0 = off "
         "(default 10)",
         false,
         [](config& c, const std::string& v) {
             c.login_limit = parse_number<std::size_t>("login-limit", v, 0, 1000000);
         }},
        {"login-window", "seconds of the failed-login window (default 900)", false,
         [](config& c, const std::string& v) {
             c.login_window = std::chrono::seconds(parse_number<unsigned>("login-window", v, 1, 24 * 3600));
         }},
        {"login-account-limit",
         "failed logins per account in the window after which addresses that failed on it wait increasing "
         "delays, 0 = off (default 100)",
         false,
         [](config& c, const std::string& v) {
             c.login_account_limit = parse_number<std::size_t>("login-account-limit", v, 0, 1000000);
         }},
        {"hash-threads", "password-hashing threads, 0 = from the cores and memory (default 0)", false,
         [](config& c, const std::string& v) {
             c.hash_threads = parse_number<std::size_t>("hash-threads", v, 0, 256);
         }},
        {"hash-queue", "password hashes waiting for a hashing thread before 503 (default 64)", false,
         [](config& c, const std::string& v) {
             c.hash_queue = parse_number<std::size_t>("hash-queue", v, 0, 100000);
         }},
        {"public-post-limit",
         "anonymous calls per client address and route in the window to the public forms (requests, "
         "volunteer sign-ups) and tracking-code routes, 0 = off (default 30)",
         false,
         [](config& c, const std::string& v) {
             c.public_post_limit = parse_number<std::size_t>("public-post-limit", v, 0, 100000000);
         }},
        {"public-post-window", "seconds of the public-post window (default 600)", false,
         [](config& c, const std::string& v) {
             c.public_post_window =
                 std::chrono::seconds(parse_number<unsigned>("public-post-window", v, 1, 24 * 3600));
         }},
        {"live-per-session", "live-feed WebSockets one session may hold open, 0 = no cap (default 8)", false,
         [](config& c, const std::string& v) {
             c.live_per_session = parse_number<std::size_t>("live-per-session", v, 0, 10000);
         }},
        {"live-per-user",
         "live-feed WebSockets one account may hold open over its sessions, 0 = no cap (default 16)", false,
         [](config& c, const std::string& v) {
             c.live_per_user = parse_number<std::size_t>("live-per-user", v, 0, 10000);
         }},
        {"tls-cert", "PEM certificate chain: serve HTTPS (with --tls-key; implies --secure-cookies)", false,
         [](config& c, const std::string& v) { c.tls_cert = v; }},
        {"tls-key", "PEM private key of --tls-cert", false,
         [](config& c, const std::string& v) { c.tls_key = v; }},
        {"allow-shared-db",
         "start even if the database files can be read by other users (by default they must be mode 0600)",
         true, [](config& c, const std::string& v) { c.allow_shared_db = parse_bool("allow-shared-db", v); }},
        {"public-url", "the address people reach the service at, e.g. https://entraide.example.org", false,
         [](config& c, const std::string& v) {
             if (!v.empty() && !valid_public_url(v))
                 throw config_error("--public-url must be an http:// or https:// URL with a host (got '" + v +
                                    "')");
             c.public_url = v;
         }},
        {"smtp-url",
         "send email through this SMTP server: smtp://host:port (STARTTLS, required except to this machine) "
         "or smtps://host:port (implicit TLS); without it email is off",
         false,
         [](config& c, const std::string& v) {
             if (!v.empty() && v.rfind("smtp://", 0) != 0 && v.rfind("smtps://", 0) != 0)
                 throw config_error("--smtp-url must start with smtp:// or smtps:// (got '" + v + "')");
             c.smtp_url = v;
         }},
        {"smtp-user", "user name for SMTP authentication (with --smtp-password-file)", false,
         [](config& c, const std::string& v) { c.smtp_user = v; }},
        {"smtp-password-file", "file holding the SMTP password (its first line)", false,
         [](config& c, const std::string& v) { c.smtp_password_file = v; }},
        {"smtp-ca-file", "PEM certificate authorities to trust for the SMTP server instead of the system's",
         false, [](config& c, const std::string& v) { c.smtp_ca_file = v; }},
        {"mail-from", "the sender address of the email sent (required with --smtp-url)", false,
         [](config& c, const std::string& v) { c.mail_from = v; }},
        {"sms-provider",
         "send text messages through this provider's API: twilio (a Twilio-compatible Messages API) or "
         "webhook (a JSON POST); without it SMS are off",
         false,
         [](config& c, const std::string& v) {
             if (!v.empty() && v != "twilio" && v != "webhook")
                 throw config_error("--sms-provider must be twilio or webhook (got '" + v + "')");
             c.sms_provider = v;
         }},
        {"sms-url",
         "the provider's address: for twilio the API's base (https://api.twilio.com), for webhook the "
         "endpoint that takes each message",
         false, [](config& c, const std::string& v) { c.sms_url = v; }},
        {"sms-account", "the provider's account id (twilio: the account SID)", false,
         [](config& c, const std::string& v) { c.sms_account = v; }},
        {"sms-token-file",
         "file holding the provider's secret token (its first line): it authenticates our calls and signs "
         "the provider's calls to /api/v1/sms/inbound and /api/v1/sms/status",
         false, [](config& c, const std::string& v) { c.sms_token_file = v; }},
        {"sms-from", "the sender of text messages: a number in international form (+33...) or a name", false,
         [](config& c, const std::string& v) { c.sms_from = v; }},
        {"sms-ca-file", "PEM certificate authorities to trust for the SMS provider instead of the system's",
         false, [](config& c, const std::string& v) { c.sms_ca_file = v; }},
        {"push",
         "web push to the volunteer app's devices: on (default when --public-url is given) or off; the VAPID "
         "key pair is made once and kept in the database",
         false, [](config& c, const std::string& v) { c.push = parse_bool("push", v); }},
        {"push-subject",
         "the contact push services may use (RFC 8292): mailto:... or https://... (default: mailto: "
         "--mail-from, else --public-url)",
         false,
         [](config& c, const std::string& v) {
             if (!v.starts_with("mailto:") && !v.starts_with("https://"))
                 throw config_error("--push-subject must start with mailto: or https://");
             c.push_subject = v;
         }},
        {"push-ca-file", "PEM certificate authorities to trust for push services instead of the system's",
         false, [](config& c, const std::string& v) { c.push_ca_file = v; }},
        {"push-local-http", "accept http:// push endpoints on this machine (for tests only)", true,
         [](config& c, const std::string& v) { c.push_local_http = parse_bool("push-local-http", v); }},
        {"outbox-retention-days", "days a message and its delivery log are kept (default 30)", false,
         [](config& c, const std::string& v) {
             c.outbox_retention_days = parse_number<int>("outbox-retention-days", v, 1, 3650);
         }},
        {"allowed-hosts",
         "comma-separated host names requests may address (Host header), * for any; others get 421 "
         "(default: the bind address, localhost, loopback addresses and the host of --public-url)",
         false,
         [](config& c, const std::string& v) {
             c.allowed_hosts.clear();
             std::size_t start = 0;
             while (start <= v.size()) {
                 auto comma = v.find(',', start);
                 auto item = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                 while (!item.empty() && item.front() == ' ')
                     item.erase(0, 1);
                 while (!item.empty() && item.back() == ' ')
                     item.pop_back();
                 if (!item.empty())
                     c.allowed_hosts.push_back(item);
                 if (comma == std::string::npos)
                     break;
                 start = comma + 1;
             }
             if (c.allowed_hosts.empty())
                 throw config_error("--allowed-hosts needs at least one host name (or *)");
         }},
        {"rate-limits",
         "overrides of the per-caller rate limits, e.g. 'anonymous.read=600/60,staff.write=off': "
         "ROLE.CLASS=N/SECONDS "
         "with ROLE anonymous, volunteer, partner or staff and CLASS form, tracking, write or read (defaults "
         "in the "
         "README)",
         false,
         [](config& c, const std::string& v) {
             try {
                 http::call_limits::defaults({}).apply_overrides(v);
             } catch (const std::invalid_argument& e) {
                 throw config_error(std::string("--rate-limits: ") + e.what());
             }
             c.rate_limits = v;
         }},
    };
    return s;
}

std::string env_name(const std::string& opt) {
    std::string out = "RELAIS_";
    for (char ch : opt)
        out += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
}

}  // namespace

config parse_config(const std::vector<std::string>& args, const env_lookup& env) {
    config c;
    std::map<std::string, std::string> given;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            c.show_help = true;
            continue;
        }
        if (a.rfind("--", 0) != 0)
            throw config_error("unexpected argument '" + a + "' (see --help)");
        std::string name = a.substr(2);
        std::optional<std::string> value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        const option_spec* spec = nullptr;
        for (const auto& s : specs())
            if (name == s.name)
                spec = &s;
        if (!spec)
            throw config_error("unknown option --" + name + " (see --help)");
        if (!value) {
            if (spec->is_flag)
                value = "true";
            else if (i + 1 < args.size())
                value = args[++i];
            else
                throw config_error("--" + name + " needs a value");
        }
        given[name] = *value;
    }
    for (const auto& s : specs()) {
        if (auto it = given.find(s.name); it != given.end())
            s.apply(c, it->second);
        else if (auto v = env ? env(env_name(s.name)) : std::nullopt)
            s.apply(c, *v);
    }
    if (!c.smtp_url.empty() && c.mail_from.find('@') == std::string::npos)
        throw config_error("--smtp-url needs --mail-from (the sender address)");
    if (c.smtp_user.empty() != c.smtp_password_file.empty())
        throw config_error("--smtp-user and --smtp-password-file go together");
    if (!c.sms_provider.empty()) {
        if (c.sms_url.empty() || c.sms_token_file.empty() || c.sms_from.empty())
            throw config_error("--sms-provider needs --sms-url, --sms-token-file and --sms-from");
        if (c.sms_provider == "twilio" && c.sms_account.empty())
            throw config_error("--sms-provider twilio needs --sms-account");
        // The provider signs its calls with the address it calls: ours must be known.
        if (c.public_url.empty())
            throw config_error("--sms-provider needs --public-url (the provider calls the service there)");
    }
    if (c.test_clock_start && !c.test_clock)
        throw config_error("--test-clock-start needs --test-clock");
    if (c.tls_cert.empty() != c.tls_key.empty())
        throw config_error("--tls-cert and --tls-key go together");
    if (!c.tls_cert.empty())
        c.secure_cookies = true;  // cookies over HTTPS are always Secure
    if (c.allowed_hosts.empty()) {
        // The names a browser on this machine or a visitor of the public address would use; nothing else
        // (a name of another site pointed at us by DNS rebinding) is served.
        c.allowed_hosts = {c.bind, "localhost", "127.0.0.1", "::1"};
        if (!c.public_url.empty()) {
            std::string_view rest = c.public_url;
            rest.remove_prefix(rest.find("://") + 3);
            c.allowed_hosts.emplace_back(rest.substr(0, rest.find('/')));
        }
    }
    return c;
}

std::string help_text() {
    std::string out =
        "relais: volunteer dispatch for a city's solidarity scheme\n\n"
        "usage: relais [options]            start the server\n"
        "       relais user add --db PATH --role ROLE --email EMAIL   (password on standard input)\n"
        "       relais backup --db PATH --out FILE\n"
        "       relais replay (--db PATH | --url URL) [--seed N] [--scale X] [--weeks W]\n"
        "                                   play a synthetic season through the API and compare the "
        "server's\n"
        "                                   statistics with its ground truth (exit 0 equal, 1 differ, 2 "
        "failed,\n"
        "                                   64 usage; `relais replay --help` for details)\n\n"
        "options (each also read from the environment as RELAIS_<NAME>):\n";
    for (const auto& s : specs()) {
        std::string flag = std::string("  --") + s.name + (s.is_flag ? "" : " VALUE");
        if (flag.size() < 28)
            flag.resize(28, ' ');
        out += flag + " " + s.help + "   [" + env_name(s.name) + "]\n";
    }
    out += "  -h, --help                 this text\n";
    return out;
}

env_lookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        if (const char* v = std::getenv(name.c_str()))
            return std::string(v);
        return std::nullopt;
    };
}

}  // namespace relais::app
