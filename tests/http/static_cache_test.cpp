// The web root in memory: files and validators loaded once, the byte budget, hidden files and symlinks out of
// the root left out, the dictionaries parsed. Lookups are plain map reads: no file I/O and no thread.
#include "http/static_cache.hpp"

#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using relais::http::static_cache;

namespace {

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("static cache: files with their validators, served from memory") {
    relais::testing::temp_dir dir;
    const auto root = dir.path() / "web";
    write(root / "index.html", "<!doctype html><p>hello</p>");
    write(root / "js" / "app.js", "console.log(1);");
    write(root / "i18n" / "fr.json", R"({"title":"Bonjour"})");
    write(root / ".env", "SECRET=1");
    write(root / ".git" / "config", "[core]");
    write(dir.path() / "outside.txt", "outside the root");
    fs::create_symlink(dir.path() / "outside.txt", root / "link.txt");

    auto cache = static_cache::load(root, 1 << 20);
    REQUIRE(cache);
    CHECK(cache->files() == 3);
    const auto* page = cache->find("index.html");
    REQUIRE(page);
    CHECK(page->body == "<!doctype html><p>hello</p>");
    CHECK(page->mime == "text/html; charset=utf-8");
    // The same validators as the disk path: "size-mtime", quoted.
    const auto mtime =
        std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::file_clock::to_sys(fs::last_write_time(root / "index.html")).time_since_epoch())
            .count();
    CHECK(page->etag == relais::http::static_etag(page->body.size(), mtime));
    CHECK(page->etag.front() == '"');
    CHECK(page->last_modified.ends_with(" GMT"));
    REQUIRE(cache->find("js/app.js"));
    CHECK(cache->find("js/app.js")->mime == "text/javascript; charset=utf-8");

    // Hidden files, and a symlink leading out of the root, are never loaded.
    CHECK_FALSE(cache->find(".env"));
    CHECK_FALSE(cache->find(".git/config"));
    CHECK_FALSE(cache->find("link.txt"));
    CHECK_FALSE(cache->find("../outside.txt"));
    CHECK_FALSE(cache->find("missing.html"));

    // The dictionaries are kept parsed.
    const auto* fr = cache->json_object("i18n/fr.json");
    REQUIRE(fr);
    CHECK(fr->at("title").as_string() == "Bonjour");
    CHECK_FALSE(cache->json_object("index.html"));

    // Once loaded, the cache does not read the disk again: removing the files changes nothing.
    fs::remove_all(root);
    REQUIRE(cache->find("index.html"));
    CHECK(cache->find("index.html")->body == "<!doctype html><p>hello</p>");
}

TEST_CASE("static cache: the byte budget keeps the small files and leaves the large ones on disk") {
    relais::testing::temp_dir dir;
    const auto root = dir.path() / "web";
    write(root / "a.txt", std::string(100, 'a'));
    write(root / "b.txt", std::string(200, 'b'));
    write(root / "big.bin", std::string(10000, 'x'));
    auto cache = static_cache::load(root, 1000);
    CHECK(cache->files() == 2);
    CHECK(cache->bytes() == 300);
    CHECK(cache->skipped() == 1);
    CHECK(cache->find("a.txt"));
    CHECK(cache->find("b.txt"));
    CHECK_FALSE(cache->find("big.bin"));

    // A missing root is an empty cache (everything then goes to the disk path, which answers 404).
    auto none = static_cache::load(dir.path() / "nope", 1000);
    CHECK(none->files() == 0);
}
