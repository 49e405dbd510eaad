#include "api/support/server_process.hpp"
#include "support/demo_map.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace relais::api_test {

namespace fs = std::filesystem;

namespace {

void add_demo_city_if_none(const std::string& path) {
    const auto level = spdlog::get_level();
    spdlog::set_level(spdlog::level::warn);  // the migrations' lines would only clutter the test's output
    try {
        relais::store::migrate(path);
        auto db = relais::store::open_writer(path, relais::store::sync_mode::full);
        if (db.execAndGet("SELECT COUNT(*) FROM neighbourhood").getInt() == 0) {
            relais::testing::add_demo_map(db);
            // And the demo's name and phone, when none was set (the resident pages show the number).
            db.exec(
                "UPDATE programme SET name = 'Volontaires Solidaires', coordination_phone = '02 23 62 10 10' "
                "WHERE coordination_phone = ''");
        }
    } catch (const std::exception&) {
        // A database the server must refuse (newer than the binary...): the server says why.
    }
    spdlog::set_level(level);
}

}  // namespace

server_process::server_process(server_options opts) {
    if (opts.dir) {
        dir_ = *opts.dir;
        fs::create_directories(dir_);
    } else {
        owned_dir_ = std::make_unique<relais::testing::temp_dir>();
        dir_ = owned_dir_->path();
    }
    log_path_ = dir_ / "relais.log";
    if (opts.demo_city)
        add_demo_city_if_none(db_path());
    std::error_code ec;
    log_offset_ = fs::exists(log_path_, ec) ? fs::file_size(log_path_, ec) : 0;

    std::vector<std::string> args{RELAIS_BINARY,
                                  "--port",
                                  "0",
                                  "--db",
                                  db_path(),
                                  "--web-root",
                                  std::string(RELAIS_SOURCE_DIR) + "/web",
                                  "--log-level",
                                  "info"};
    args.insert(args.end(), opts.args.begin(), opts.args.end());
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log_file = log_path_.string();

    pid_ = ::fork();
    if (pid_ < 0)
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid_ == 0) {
        // Child: only async-signal-safe calls until exec (the test process has threads).
        int null_fd = ::open("/dev/null", O_RDONLY);
        int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (null_fd < 0 || log_fd < 0)
            ::_exit(126);
        ::dup2(null_fd, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        // The test's own sockets must not leak into the server (they would keep connections alive).
        ::close_range(3, ~0U, 0);
        ::execve(argv[0], argv.data(), environ);
        ::_exit(127);
    }
    if (opts.wait_ready)
        wait_ready(opts.ready_timeout);
}

server_process::~server_process() {
    if (pid_ > 0 && !exit_code_)
        kill();
}

std::string server_process::log() const {
    std::ifstream in(log_path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(log_offset_));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool server_process::wait_for_log(std::string_view text, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (log().find(text) != std::string::npos)
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(20ms);
    }
}

void server_process::wait_ready(std::chrono::milliseconds timeout) {
    static constexpr std::string_view marker = "listening on http://";
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const std::string text = log();
        if (auto at = text.find(marker); at != std::string::npos) {
            // "... listening on http://127.0.0.1:PORT (database ...": the port ends the address.
            const auto start = at + marker.size();
            const auto end = text.find_first_of(" \n", start);
            const std::string address = text.substr(start, end - start);
            const auto colon = address.rfind(':');
            if (colon != std::string::npos) {
                port_ = static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1)));
                return;
            }
        }
        if (!running())
            throw std::runtime_error("relais exited with code " + std::to_string(*exit_code_) +
                                     " before listening; its log:\n" + text);
        if (std::chrono::steady_clock::now() >= deadline) {
            kill();
            throw std::runtime_error("relais did not listen within the timeout; its log:\n" + text);
        }
        std::this_thread::sleep_for(20ms);
    }
}

bool server_process::running() {
    if (exit_code_ || pid_ <= 0)
        return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0)
        return true;
    if (r == pid_)
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    else
        exit_code_ = -1;  // not our child any more (should not happen)
    return false;
}

std::optional<int> server_process::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(10ms);
    }
    return exit_code_;
}

void server_process::signal(int sig) {
    if (running())
        ::kill(pid_, sig);
}

int server_process::stop(int sig, std::chrono::milliseconds timeout) {
    signal(sig);
    if (auto code = wait_exit(timeout))
        return *code;
    kill();
    return -1;
}

void server_process::kill() {
    if (!running())
        return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_code_ = 128 + SIGKILL;
}

}  // namespace relais::api_test
