#include "replay/child_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace relais::replay {

namespace fs = std::filesystem;

child_server::child_server(const std::string& db, const std::string& log_path,
                           const std::vector<std::string>& extra_args) {
    std::string self = fs::read_symlink("/proc/self/exe").string();
    std::vector<std::string> args{"relais",
                                  "--db",
                                  db,
                                  "--bind",
                                  "127.0.0.1",
                                  "--port",
                                  "0",
                                  "--test-clock",
                                  "--public-post-limit",
                                  "0",
                                  "--login-limit",
                                  "0",
                                  "--rate-limits",
                                  "off",
                                  "--synchronous",
                                  "normal",
                                  "--log-level",
                                  "info"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    // Its configuration is its command line only: RELAIS_* variables meant for the parent (a port, TLS files,
    // --demo...) must not reach it.
    std::vector<char*> envp;
    for (char** e = environ; *e; ++e)
        if (std::string_view(*e).rfind("RELAIS_", 0) != 0)
            envp.push_back(*e);
    envp.push_back(nullptr);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd < 0)
        throw std::runtime_error("cannot write " + log_path);
    pid_ = ::fork();
    if (pid_ < 0) {
        ::close(log_fd);
        throw std::runtime_error("cannot start the server: " + std::string(std::strerror(errno)));
    }
    if (pid_ == 0) {
        // The child: dies with its parent if the parent is killed, writes its log to the file.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        const int null_fd = ::open("/dev/null", O_RDONLY);
        ::dup2(null_fd, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        ::execve(self.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(log_fd);
    // Its port: from the "listening on http://127.0.0.1:PORT" line of its log.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(log_path);
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string text = ss.str();
        if (auto at = text.find("listening on http://127.0.0.1:"); at != std::string::npos) {
            const char* p = text.data() + at + std::string_view("listening on http://127.0.0.1:").size();
            std::from_chars(p, text.data() + text.size(), port_);
            if (port_ != 0)
                return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("the server exited at start; see " + log_path);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop();
    throw std::runtime_error("the server did not start listening within 30 s; see " + log_path);
}

bool child_server::stop() {
    if (pid_ <= 0)
        return false;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 300; ++i) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return false;
}

}  // namespace relais::replay
