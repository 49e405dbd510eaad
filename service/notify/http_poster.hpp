#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace relais::notify {

/// One HTTP answer: its status (0: no answer, `error` says why) and body.
struct http_answer {
    long status = 0;
    std::string body;
    std::string error;  ///< transport failure (connection, TLS, timeout), without the URL's secrets
};

/// A blocking HTTPS client over libcurl for the sender's thread: one handle kept for its lifetime, so
/// consecutive posts to a provider reuse the connection and its TLS session. Certificates are verified
/// (`ca_file` replaces the system's authorities, for tests).
class http_poster {
  public:
    explicit http_poster(std::string ca_file = {}, std::chrono::seconds timeout = std::chrono::seconds(30));
    ~http_poster();
    http_poster(const http_poster&) = delete;
    http_poster& operator=(const http_poster&) = delete;

    /// POSTs `body` (of `content_type`) to `url` with these extra headers and, if `user` is not empty,
    /// HTTP basic authentication.
    http_answer post(const std::string& url, const std::string& content_type, const std::string& body,
                     const std::vector<std::string>& headers = {}, const std::string& user = {},
                     const std::string& password = {});

  private:
    std::string ca_file_;
    std::chrono::seconds timeout_;
    void* curl_ = nullptr;  ///< CURL*
};

/// `application/x-www-form-urlencoded` of `fields` (RFC 3986 unreserved characters kept, the rest %XX).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace relais::notify
