// libFuzzer target: path handling. split_path, the static-file mapping (static_relative_path: never a way
// out of the web root) and route matching against the real route table.
// Input: one byte choosing the method, then the path.
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "support/temp_dir.hpp"
#include "support/wired_server.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

namespace http = relais::http;

/// The service's own route table (declared on a store that is never used: routing touches nothing).
const http::router& routes() {
    static relais::testing::temp_dir dir;
    static const auto db = [] {
        relais::store::store_options so;
        so.path = dir.file("routes.db");
        so.readers = 1;
        return std::make_unique<relais::store::store>(so);
    }();
    static relais::testing::wired_server wired(*db);
    return wired.web->routes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    static constexpr http::verb methods[] = {http::verb::get, http::verb::post,    http::verb::patch,
                                             http::verb::put, http::verb::delete_, http::verb::head};
    const auto method = methods[data[0] % std::size(methods)];
    const std::string_view path(reinterpret_cast<const char*>(data + 1), size - 1);

    // split_path: the segments, joined back with '/', are the path after its first '/'.
    if (!path.empty() && path.front() == '/') {
        std::string joined;
        auto segments = http::split_path(path);
        for (std::size_t i = 0; i < segments.size(); ++i)
            joined += (i ? "/" : "") + std::string(segments[i]);
        if (joined != path.substr(1))
            std::abort();
    }

    // A static path is relative, and no segment can climb, hide or switch drive.
    if (auto rel = http::static_relative_path(path)) {
        if (rel->empty() || rel->front() == '/' || rel->find('\0') != std::string::npos ||
            rel->find('\\') != std::string::npos || rel->find(':') != std::string::npos)
            std::abort();
        const std::string absolute = "/" + *rel;  // split_path returns views into it
        for (auto seg : http::split_path(absolute))
            if (seg.empty() || seg.front() == '.')
                std::abort();
    }

    // A match names a registered pattern, with one parameter per {capture}.
    auto m = routes().match(method, path);
    if (m.target) {
        if (m.target->pattern != m.pattern || m.target->method != method || m.target->access.allowed == 0)
            std::abort();
        std::size_t captures = 0;
        for (char c : m.pattern)
            captures += c == '{';
        if (m.params.size() != captures)
            std::abort();
    }
    return 0;
}
