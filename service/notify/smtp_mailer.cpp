#include "notify/smtp_mailer.hpp"

#include <curl/curl.h>

#include <cstring>
#include <stdexcept>

namespace relais::notify {

namespace {

struct upload {
    const std::string& data;
    std::size_t pos = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t n, void* user) {
    auto* u = static_cast<upload*>(user);
    const std::size_t len = std::min(size * n, u->data.size() - u->pos);
    std::memcpy(buffer, u->data.data() + u->pos, len);
    u->pos += len;
    return len;
}

std::string host_of(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    if (auto at = url.find('@', start); at != std::string::npos && at < url.find('/', start))
        start = at + 1;
    if (start < url.size() && url[start] == '[')
        return url.substr(start + 1, url.find(']', start) - start - 1);
    const auto end = url.find_first_of(":/", start);
    return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

bool smtp_url_is_local(const std::string& url) {
    const std::string host = host_of(url);
    const bool dotted_digits = !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
    return host == "localhost" || host == "::1" || (dotted_digits && host.rfind("127.", 0) == 0);
}

smtp_mailer::smtp_mailer(smtp_settings s) : s_(std::move(s)) {
    if (s_.url.rfind("smtp://", 0) != 0 && s_.url.rfind("smtps://", 0) != 0)
        throw std::invalid_argument("--smtp-url must start with smtp:// or smtps://");
    curl_ = curl_easy_init();
    if (!curl_)
        throw std::runtime_error("libcurl could not start");
}

smtp_mailer::~smtp_mailer() {
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

send_outcome smtp_mailer::send(mail m) {
    m.from = s_.from;
    std::string body;
    try {
        body = render_mime(m);
    } catch (const std::invalid_argument& e) {
        return {send_outcome::kind::permanent, std::string("not sendable: ") + e.what()};
    }
    // A connection kept from the last message may have been closed by the server meanwhile: one more try
    // on a new connection when the first got no answer at all.
    send_outcome out = attempt(m, body, false);
    if (out.result == send_outcome::kind::temporary && out.no_answer && reused_)
        out = attempt(m, body, true);
    reused_ = out.result == send_outcome::kind::sent;
    return out;
}

send_outcome smtp_mailer::attempt(const mail& m, const std::string& body, bool fresh) {
    auto* c = static_cast<CURL*>(curl_);
    curl_easy_reset(c);  // keeps the connection cache: the next message reuses the connection
    upload up{body};
    const std::string from = "<" + s_.from + ">";
    const std::string to = "<" + m.to + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, to.c_str());
    curl_easy_setopt(c, CURLOPT_URL, s_.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(s_.timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    if (fresh)
        curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(
        c, CURLOPT_USE_SSL,
        smtp_url_is_local(s_.url) ? static_cast<long>(CURLUSESSL_TRY) : static_cast<long>(CURLUSESSL_ALL));
    if (!s_.ca_file.empty())
        curl_easy_setopt(c, CURLOPT_CAINFO, s_.ca_file.c_str());
    if (!s_.user.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, s_.user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, s_.password.c_str());
    }
    const CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    if (rc == CURLE_OK)
        return {send_outcome::kind::sent, {}};
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    // curl's own message names the failure's category; the server's text (which may quote the address)
    // is not kept.
    std::string reason = "smtp " + std::to_string(code) + ": " + curl_easy_strerror(rc);
    const bool refused = code >= 500 && code < 600 && code != 530 && code != 535 && code != 534;
    send_outcome out{refused ? send_outcome::kind::permanent : send_outcome::kind::temporary,
                     std::move(reason)};
    out.no_answer = code == 0 && rc != CURLE_COULDNT_CONNECT;
    return out;
}

}  // namespace relais::notify
