// The exchange log (RELAIS_EXCHANGE_LOG) the contract check of bodies reads: one JSON line per exchange, JSON
// bodies kept whole, other bodies only by their size.

#include "replay/exchange_log.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <boost/json.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

using namespace relais;
namespace json = boost::json;

namespace {

/// Sets RELAIS_EXCHANGE_LOG for a scope and puts back what was there (scripts/test sets it for ctest).
class log_variable {
  public:
    explicit log_variable(const std::optional<std::string>& value) {
        if (const char* old = std::getenv(replay::exchange_log_variable))
            old_ = old;
        if (value)
            ::setenv(replay::exchange_log_variable, value->c_str(), 1);
        else
            ::unsetenv(replay::exchange_log_variable);
    }
    ~log_variable() {
        if (old_)
            ::setenv(replay::exchange_log_variable, old_->c_str(), 1);
        else
            ::unsetenv(replay::exchange_log_variable);
    }
    log_variable(const log_variable&) = delete;
    log_variable& operator=(const log_variable&) = delete;

  private:
    std::optional<std::string> old_;
};

std::vector<json::object> lines_of(const std::string& path) {
    std::vector<json::object> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        out.push_back(json::parse(line).as_object());
    return out;
}

const replay::exchange_record patch_programme{.source = "api-tests",
                                              .context = "a test",
                                              .method = "PATCH",
                                              .target = "/api/v1/programme?x=1",
                                              .status = 200,
                                              .request_content_type = "application/json",
                                              .request_body = R"({"name":"Relais"})",
                                              .response_content_type = "application/json; charset=utf-8",
                                              .response_body = R"({"name":"Relais"})"};

}  // namespace

TEST_CASE("exchange log: JSON media types") {
    CHECK(replay::is_json_media_type("application/json"));
    CHECK(replay::is_json_media_type("Application/JSON; charset=utf-8"));
    CHECK(replay::is_json_media_type("application/problem+json"));
    CHECK_FALSE(replay::is_json_media_type("text/html; charset=utf-8"));
    CHECK_FALSE(replay::is_json_media_type("text/csv"));
    CHECK_FALSE(replay::is_json_media_type(""));
}

TEST_CASE(
    "exchange log: one JSON line per exchange, appended, owner-only; JSON bodies whole, others by size") {
    relais::testing::temp_dir dir;
    const auto path = dir.file("exchanges.jsonl");
    log_variable set(path);
    replay::record_exchange(patch_programme);
    auto page = patch_programme;
    page.method = "GET";
    page.target = "/demande";
    page.request_content_type = "";
    page.request_body = "";
    page.response_content_type = "text/html; charset=utf-8";
    page.response_body = "<!doctype html><p>personal data would not be kept</p>";
    replay::record_exchange(page);

    const auto lines = lines_of(path);
    REQUIRE(lines.size() == 2);
    const auto& first = lines[0];
    CHECK(first.at("source") == "api-tests");
    CHECK(first.at("context") == "a test");
    CHECK(first.at("method") == "PATCH");
    CHECK(first.at("target") == "/api/v1/programme?x=1");
    CHECK(first.at("status") == 200);
    CHECK(first.at("request_body") == R"({"name":"Relais"})");
    CHECK(first.at("response_content_type") == "application/json; charset=utf-8");
    CHECK(first.at("response_body") == R"({"name":"Relais"})");
    const auto& second = lines[1];
    CHECK(second.at("request_body").is_null());
    CHECK(second.at("request_body_bytes") == 0);
    CHECK(second.at("response_body").is_null());
    CHECK(second.at("response_body_bytes") == page.response_body.size());

    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("exchange log: a file that cannot be written is no failure of the exchange itself") {
    relais::testing::temp_dir dir;
    log_variable unwritable(dir.file("missing-folder/exchanges.jsonl"));
    CHECK_NOTHROW(replay::record_exchange(patch_programme));
    CHECK_FALSE(std::filesystem::exists(dir.file("missing-folder")));
}
