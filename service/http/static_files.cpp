#include "http/static_files.hpp"

#include "core/error.hpp"
#include "core/offload.hpp"
#include "http/server_context.hpp"
#include "http/static_cache.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace relais::http {

namespace fs = std::filesystem;

std::string_view mime_type(std::string_view path) {
    auto dot = path.rfind('.');
    if (dot == std::string_view::npos)
        return "application/octet-stream";
    auto ext = path.substr(dot + 1);
    if (ext == "html")
        return "text/html; charset=utf-8";
    if (ext == "css")
        return "text/css; charset=utf-8";
    if (ext == "js" || ext == "mjs")
        return "text/javascript; charset=utf-8";
    if (ext == "json")
        return "application/json";
    if (ext == "webmanifest")
        return "application/manifest+json";
    if (ext == "svg")
        return "image/svg+xml";
    if (ext == "png")
        return "image/png";
    if (ext == "ico")
        return "image/x-icon";
    if (ext == "txt")
        return "text/plain; charset=utf-8";
    if (ext == "woff2")
        return "font/woff2";
    if (ext == "yaml")
        return "application/yaml";
    return "application/octet-stream";
}

std::optional<std::string> static_relative_path(std::string_view url_path) {
    auto decoded = wire::percent_decode(url_path, false);
    if (!decoded || decoded->empty() || decoded->front() != '/')
        return std::nullopt;
    std::string rel;
    for (auto seg : split_path(*decoded)) {
        if (seg.empty())
            continue;  // "//" or a trailing slash
        if (seg.front() == '.' || seg.find('\\') != std::string_view::npos ||
            seg.find(':') != std::string_view::npos)
            return std::nullopt;  // "..", ".env", "C:", "a\..\b"
        if (!rel.empty())
            rel += '/';
        rel += seg;
    }
    if (rel.empty())
        return "index.html";
    auto last = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
    if (last.find('.') == std::string::npos)
        rel += ".html";
    return rel;
}

namespace {

struct file_result {
    bool found = false;
    std::string body;
    std::string etag;
    std::string last_modified;
};

file_result read_file(const fs::path& root, const std::string& rel, bool want_body) {  // NOLINT
    file_result r;
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(root, ec);
    if (ec)
        return r;
    const fs::path full = fs::weakly_canonical(base / rel, ec);
    if (ec)
        return r;
    // Defence in depth: even after the path filter, a symlink must not lead outside the web root.
    auto [root_end, nothing] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
    if (root_end != base.end() || !fs::is_regular_file(full, ec))
        return r;
    const auto size = fs::file_size(full, ec);
    const auto mtime = fs::last_write_time(full, ec);
    if (ec)
        return r;
    const auto sys = std::chrono::file_clock::to_sys(mtime);
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
    r.etag = static_etag(size, secs);
    r.last_modified = http_date(secs);
    if (want_body) {
        std::ifstream in(full, std::ios::binary);
        if (!in)
            return r;
        std::ostringstream ss;
        ss << in.rdbuf();
        r.body = ss.str();
    }
    r.found = true;
    return r;
}

response static_response(const wire::request_context& ctx, const std::string& rel, const std::string& inm,
                         const std::string& etag, const std::string& last_modified, std::string body) {
    response res{inm == etag ? status::not_modified : status::ok, ctx.req.version()};
    res.keep_alive(ctx.req.keep_alive());
    res.set(bhttp::field::etag, etag);
    res.set(bhttp::field::last_modified, last_modified);
    // Revalidate every time: the app is small and must update as soon as it is deployed.
    res.set(bhttp::field::cache_control, "no-cache");
    if (res.result() == status::not_modified)
        return res;
    res.set(bhttp::field::content_type, mime_type(rel));
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

}  // namespace

boost::asio::awaitable<response> serve_static(server_context& app, wire::request_context& ctx) {
    std::string_view target = ctx.req.target();
    auto path = target.substr(0, target.find('?'));
    auto rel = static_relative_path(path);
    if (!rel)
        throw not_found("No such page.");
    const std::string inm(ctx.req[bhttp::field::if_none_match]);
    // The usual case: the file is in memory (read at start), answered here without touching the disk or
    // the worker pool.
    if (const auto* cache = app.statics.get())
        if (const auto* entry = cache->find(*rel))
            co_return static_response(ctx, *rel, inm, entry->etag, entry->last_modified, entry->body);
    // The callable is a named local: GCC 12 mishandles lambda temporaries with captures inside co_await.
    auto load = [root = fs::path(app.cfg.web_root), r = *rel] { return read_file(root, r, true); };
    auto file = co_await core::offload(app.workers, std::move(load));
    if (!file.found)
        throw not_found("No such page.");
    co_return static_response(ctx, *rel, inm, file.etag, file.last_modified, std::move(file.body));
}

}  // namespace relais::http
