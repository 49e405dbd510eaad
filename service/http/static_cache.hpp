#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace relais::http {

/// One file of the web root as it is served: body and validators.
struct static_entry {
    std::string body;
    std::string etag;           ///< "size-mtime" in hex and decimal, quoted
    std::string last_modified;  ///< HTTP date
    std::string_view mime;
};

/// The web root's files read once at start, so that serving one needs neither file I/O nor a worker
/// thread (a burst of page loads must not queue behind password hashing on the shared pool, nor hit the
/// disk). The web app is small; files beyond the byte budget are left out and served from disk as before.
/// Hidden files and anything a symlink takes outside the root are never loaded. The `.json` files are also
/// kept parsed (the page dictionaries of the server-rendered forms). Immutable once built: thread-safe.
/// A deployment restarts the server, which reloads it.
class static_cache {
  public:
    /// Reads the regular files under `root` (smallest first) while their total stays within `max_bytes`.
    static std::shared_ptr<const static_cache> load(const std::filesystem::path& root, std::size_t max_bytes);

    /// The file at `rel` (a static_relative_path result: "index.html", "i18n/fr.json"), or null if it was
    /// not loaded (absent, or beyond the budget).
    const static_entry* find(std::string_view rel) const;

    /// The parsed JSON object of a cached `.json` file, or null.
    const boost::json::object* json_object(std::string_view rel) const;

    std::size_t bytes() const { return bytes_; }
    std::size_t files() const { return files_.size(); }
    /// Files left out because of the budget.
    std::size_t skipped() const { return skipped_; }

  private:
    std::map<std::string, static_entry, std::less<>> files_;
    std::map<std::string, boost::json::object, std::less<>> json_;
    std::size_t bytes_ = 0;
    std::size_t skipped_ = 0;
};

/// The validators of a file as serve_static computes them: ETag from size and modification time.
std::string static_etag(std::uintmax_t size, std::int64_t mtime_s);
/// An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT").
std::string http_date(std::int64_t unix_s);

}  // namespace relais::http
