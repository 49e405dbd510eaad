#include "notify/http_poster.hpp"

#include <curl/curl.h>

#include <stdexcept>

namespace relais::notify {

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user) {
    auto* out = static_cast<std::string*>(user);
    // A provider's answer is small; a runaway one is cut (its status still counts).
    if (out->size() < 64 * 1024)
        out->append(data, std::min(size * n, 64 * 1024 - out->size()));
    return size * n;
}

}  // namespace

http_poster::http_poster(std::string ca_file, std::chrono::seconds timeout)
    : ca_file_(std::move(ca_file)), timeout_(timeout) {
    curl_ = curl_easy_init();
    if (!curl_)
        throw std::runtime_error("libcurl could not start");
}

http_poster::~http_poster() {
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

http_answer http_poster::post(const std::string& url, const std::string& content_type,
                              const std::string& body, const std::vector<std::string>& headers,
                              const std::string& user, const std::string& password) {
    CURL* c = static_cast<CURL*>(curl_);
    curl_easy_reset(c);  // keeps the connection cache: the next post to the same host reuses it
    http_answer out;
    curl_slist* list = nullptr;
    list = curl_slist_append(list, ("Content-Type: " + content_type).c_str());
    list = curl_slist_append(list, "Accept: application/json");
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    for (const auto& h : headers)
        list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (!ca_file_.empty())
        curl_easy_setopt(c, CURLOPT_CAINFO, ca_file_.c_str());
    if (!user.empty()) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
    }
    const CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
        out.error = curl_easy_strerror(rc);
        return out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    auto add = [&](const std::string& s) {
        for (unsigned char ch : s) {
            if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                ch == '-' || ch == '_' || ch == '.' || ch == '~') {
                out += static_cast<char>(ch);
            } else {
                out += '%';
                out += hex[ch >> 4];
                out += hex[ch & 15];
            }
        }
    };
    for (const auto& [k, v] : fields) {
        if (!out.empty())
            out += '&';
        add(k);
        out += '=';
        add(v);
    }
    return out;
}

}  // namespace relais::notify
