#include "support/smtp_sink_process.hpp"

#include <sodium.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace relais::testing {

namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

std::vector<std::string> numbered(const std::filesystem::path& dir, const char* ext) {
    std::vector<std::string> out;
    for (int i = 1;; ++i) {
        const auto p = dir / (std::to_string(i) + ext);
        if (!std::filesystem::exists(p))
            return out;
        out.push_back(read_file(p));
    }
}

std::uint16_t free_loopback_port() {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

smtp_sink_process::smtp_sink_process(options o) : o_(std::move(o)) {
    port_ = o_.port ? o_.port : free_loopback_port();
    if (o_.tls) {
        const std::string cmd =
            "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
            "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
            (dir_.path() / "key.pem").string() + "' -out '" + ca_file() + "' >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0)
            throw std::runtime_error("openssl could not make the SMTP sink's certificate");
    }
    start();
}

smtp_sink_process::~smtp_sink_process() {
    stop();
}

void smtp_sink_process::start() {
    if (pid_ > 0)
        return;
    std::vector<std::string> args{"/usr/bin/python3",
                                  std::string(RELAIS_SOURCE_DIR) + "/tests/support/smtp_sink.py",
                                  "--port",
                                  std::to_string(port_),
                                  "--dir",
                                  (dir_.path() / "mail").string()};
    if (o_.tls) {
        args.insert(args.end(), {"--cert", ca_file(), "--key", (dir_.path() / "key.pem").string()});
        if (o_.implicit_tls)
            args.emplace_back("--implicit-tls");
    }
    if (!o_.user.empty())
        args.insert(args.end(), {"--user", o_.user, "--password", o_.password});
    if (o_.fail_first > 0 && !started_once_)
        args.insert(args.end(), {"--fail-first", std::to_string(o_.fail_first)});
    started_once_ = true;
    if (o_.delay_ms > 0)
        args.insert(args.end(), {"--delay-ms", std::to_string(o_.delay_ms)});
    pid_ = spawn_until_ready(std::move(args), dir_.path() / "ready", "the SMTP sink");
}

pid_t spawn_until_ready(std::vector<std::string> args, const std::filesystem::path& ready, const char* what) {
    std::filesystem::remove(ready);
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string out = ready.string();
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    // "ready" once it listens.
    for (int i = 0; i < 200; ++i) {
        if (read_file(ready).find("ready") != std::string::npos)
            return pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const std::string log = read_file(ready);
    stop_child(pid);
    throw std::runtime_error(std::string(what) + " did not start: " + log);
}

void stop_child(pid_t& pid) {
    if (pid <= 0)
        return;
    ::kill(pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    pid = -1;
}

void smtp_sink_process::stop() {
    stop_child(pid_);
}

std::vector<std::string> smtp_sink_process::messages() const {
    return numbered(dir_.path() / "mail", ".eml");
}

std::vector<std::string> smtp_sink_process::envelopes() const {
    return numbered(dir_.path() / "mail", ".env");
}

int smtp_sink_process::connections() const {
    const std::string n = read_file(dir_.path() / "mail" / "connections");
    return n.empty() ? 0 : std::stoi(n);
}

bool smtp_sink_process::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (std::filesystem::exists(dir_.path() / "mail" / (std::to_string(n) + ".eml")))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

std::string decoded_bodies(const std::string& message) {
    // Each part: headers, a blank line, base64 lines up to the next boundary or the end.
    std::string out;
    std::size_t pos = 0;
    while ((pos = message.find("Content-Transfer-Encoding: base64\r\n\r\n", pos)) != std::string::npos) {
        pos += std::strlen("Content-Transfer-Encoding: base64\r\n\r\n");
        auto end = message.find("\r\n--", pos);
        if (end == std::string::npos)
            end = message.size();
        std::string b64;
        for (char c : message.substr(pos, end - pos))
            if (c != '\r' && c != '\n')
                b64 += c;
        std::string bin(b64.size(), '\0');
        std::size_t len = 0;
        if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.data(),
                              b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0)
            out += bin.substr(0, len) + "\n";
        pos = end;
    }
    return out;
}

}  // namespace relais::testing
