#include "http/static_cache.hpp"

#include "http/static_files.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

namespace relais::http {

namespace fs = std::filesystem;

std::string static_etag(std::uintmax_t size, std::int64_t mtime_s) {
    std::ostringstream tag;
    tag << '"' << std::hex << size << '-' << std::dec << mtime_s << '"';
    return tag.str();
}

std::string http_date(std::int64_t unix_s) {
    char buf[64];
    std::tm tm{};
    const auto t = static_cast<std::time_t>(unix_s);
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

namespace {

struct candidate {
    std::string rel;
    fs::path full;
    std::uintmax_t size;
    std::int64_t mtime_s;
};

bool hidden_component(const fs::path& rel) {
    return std::any_of(rel.begin(), rel.end(), [](const fs::path& p) {
        const auto s = p.string();
        return !s.empty() && s.front() == '.';
    });
}

}  // namespace

std::shared_ptr<const static_cache> static_cache::load(const fs::path& root, std::size_t max_bytes) {
    auto cache = std::make_shared<static_cache>();
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(root, ec);
    if (ec || !fs::is_directory(base, ec))
        return cache;
    std::vector<candidate> found;
    for (auto it = fs::recursive_directory_iterator(base, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path rel = it->path().lexically_relative(base);
        if (hidden_component(rel)) {
            if (it->is_directory(ec))
                it.disable_recursion_pending();
            continue;
        }
        std::error_code fec;
        const fs::path full = fs::weakly_canonical(it->path(), fec);
        if (fec || !fs::is_regular_file(full, fec))
            continue;
        // A symlink must not bring a file from outside the web root in.
        auto [root_end, rest] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
        if (root_end != base.end())
            continue;
        const auto size = fs::file_size(full, fec);
        const auto mtime = fs::last_write_time(full, fec);
        if (fec)
            continue;
        const auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::file_clock::to_sys(mtime).time_since_epoch())
                              .count();
        found.push_back({rel.generic_string(), full, size, secs});
    }
    // Smallest first: the budget then keeps as many files as possible in memory.
    std::sort(found.begin(), found.end(), [](const candidate& a, const candidate& b) {
        return a.size < b.size || (a.size == b.size && a.rel < b.rel);
    });
    for (const auto& c : found) {
        if (cache->bytes_ + c.size > max_bytes) {
            cache->skipped_++;
            continue;
        }
        std::ifstream in(c.full, std::ios::binary);
        if (!in)
            continue;
        std::ostringstream ss;
        ss << in.rdbuf();
        static_entry e{ss.str(), static_etag(c.size, c.mtime_s), http_date(c.mtime_s), mime_type(c.rel)};
        if (e.body.size() != c.size)
            continue;  // changed while being read: left to the disk path
        if (c.rel.ends_with(".json")) {
            boost::system::error_code jec;
            auto v = boost::json::parse(e.body, jec);
            if (!jec && v.is_object())
                cache->json_.emplace(c.rel, std::move(v.as_object()));
        }
        cache->bytes_ += e.body.size();
        cache->files_.emplace(c.rel, std::move(e));
    }
    return cache;
}

const static_entry* static_cache::find(std::string_view rel) const {
    auto it = files_.find(rel);
    return it == files_.end() ? nullptr : &it->second;
}

const boost::json::object* static_cache::json_object(std::string_view rel) const {
    auto it = json_.find(rel);
    return it == json_.end() ? nullptr : &it->second;
}

}  // namespace relais::http
