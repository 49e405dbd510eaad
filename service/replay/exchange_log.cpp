#include "replay/exchange_log.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace relais::replay {

namespace json = boost::json;

namespace {

std::string lower_media_type(std::string_view content_type) {
    content_type = content_type.substr(0, content_type.find(';'));
    while (!content_type.empty() && content_type.back() == ' ')
        content_type.remove_suffix(1);
    while (!content_type.empty() && content_type.front() == ' ')
        content_type.remove_prefix(1);
    std::string out(content_type);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

json::value body_json(std::string_view content_type, std::string_view body) {
    if (body.empty() || !is_json_media_type(content_type))
        return nullptr;
    return json::string(body);
}

}  // namespace

bool is_json_media_type(std::string_view content_type) {
    const auto media = lower_media_type(content_type);
    return media == "application/json" || media.ends_with("+json");
}

std::string exchange_line(const exchange_record& e) {
    const json::object o{{"source", e.source},
                         {"context", e.context},
                         {"method", e.method},
                         {"target", e.target},
                         {"status", e.status},
                         {"request_content_type", e.request_content_type},
                         {"request_body", body_json(e.request_content_type, e.request_body)},
                         {"request_body_bytes", e.request_body.size()},
                         {"response_content_type", e.response_content_type},
                         {"response_body", body_json(e.response_content_type, e.response_body)},
                         {"response_body_bytes", e.response_body.size()}};
    return json::serialize(o);
}

void record_exchange(const exchange_record& e) noexcept {
    static std::atomic<bool> reported{false};
    const char* path = std::getenv(exchange_log_variable);
    if (path == nullptr || *path == '\0')
        return;
    try {
        const std::string line = exchange_line(e) + "\n";
        const int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        bool ok = fd >= 0;
        for (std::size_t done = 0; ok && done < line.size();) {
            const auto n = ::write(fd, line.data() + done, line.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            ok = n > 0;
            done += ok ? static_cast<std::size_t>(n) : 0;
        }
        if (fd >= 0)
            ::close(fd);
        if (!ok && !reported.exchange(true))
            std::cerr << exchange_log_variable << ": cannot append to " << path << ": "
                      << std::strerror(errno) << "\n";
    } catch (const std::exception& ex) {
        if (!reported.exchange(true))
            std::cerr << exchange_log_variable << ": " << ex.what() << "\n";
    }
}

}  // namespace relais::replay
