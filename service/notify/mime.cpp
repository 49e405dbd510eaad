#include "notify/mime.hpp"

#include <openssl/evp.h>

#include <ctime>
#include <stdexcept>

namespace relais::notify {

namespace {

// OpenSSL's encoder, not libsodium's: libsodium's is constant-time (for secrets) and took a fifth of the
// sender's instructions per email; a message body is no secret from its own sender's timing.
std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

/// Base64 in lines of 76 characters (RFC 2045).
std::string base64_lines(std::string_view bytes) {
    const std::string b = base64(bytes);
    std::string out;
    out.reserve(b.size() + b.size() / 38 + 2);
    for (std::size_t i = 0; i < b.size(); i += 76) {
        out.append(b, i, 76);
        out += "\r\n";
    }
    return out;
}

bool is_ascii_printable(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e)
            return false;
    return true;
}

void refuse_line_breaks(std::string_view what, std::string_view value) {
    if (value.find_first_of("\r\n") != std::string_view::npos)
        throw std::invalid_argument(std::string(what) + " must not contain a line break");
}

/// Length of the UTF-8 sequence starting with byte `c` (1 for a stray continuation byte).
std::size_t sequence_length(unsigned char c) {
    if (c >= 0xf0)
        return 4;
    if (c >= 0xe0)
        return 3;
    if (c >= 0xc0)
        return 2;
    return 1;
}

}  // namespace

std::string encode_header_text(std::string_view utf8) {
    if (is_ascii_printable(utf8))
        return std::string(utf8);
    // "=?UTF-8?B?" + base64 + "?=" is at most 75 characters: 12 of framing leave 63, i.e. 45 bytes of text.
    constexpr std::size_t max_bytes = 45;
    std::string out;
    std::size_t i = 0;
    while (i < utf8.size()) {
        std::size_t end = i;
        while (end < utf8.size()) {
            const std::size_t n = sequence_length(static_cast<unsigned char>(utf8[end]));
            if (end + n - i > max_bytes)
                break;
            end += n;
        }
        if (end == i)  // cannot happen with sequences of at most 4 bytes; guards the loop
            end = std::min(utf8.size(), i + 1);
        end = std::min(end, utf8.size());
        if (!out.empty())
            out += "\r\n ";
        out += "=?UTF-8?B?" + base64(utf8.substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string rfc5322_date(std::int64_t unix_seconds) {
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

bool plausible_address(std::string_view a) {
    const auto at = a.rfind('@');
    if (a.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 >= a.size())
        return false;
    for (unsigned char c : a)
        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' ||
            c == '"' || c == '\\')
            return false;
    return a.substr(at + 1).find('.') != std::string_view::npos;
}

std::string render_mime(const mail& m) {
    if (!plausible_address(m.from) || !plausible_address(m.to))
        throw std::invalid_argument("the sender or recipient is not an email address");
    refuse_line_breaks("the sender's name", m.from_name);
    refuse_line_breaks("the subject", m.subject);
    refuse_line_breaks("the message id", m.message_id);
    refuse_line_breaks("the unsubscribe link", m.list_unsubscribe);

    std::string h;
    h += "Date: " + rfc5322_date(m.date) + "\r\n";
    if (m.from_name.empty())
        h += "From: <" + m.from + ">\r\n";
    else if (is_ascii_printable(m.from_name) && m.from_name.find('"') == std::string::npos &&
             m.from_name.find('\\') == std::string::npos)
        h += "From: \"" + m.from_name + "\" <" + m.from + ">\r\n";
    else
        h += "From: " + encode_header_text(m.from_name) + " <" + m.from + ">\r\n";
    h += "To: <" + m.to + ">\r\n";
    h += "Subject: " + encode_header_text(m.subject) + "\r\n";
    h += "Message-ID: <" + m.message_id + ">\r\n";
    if (!m.list_unsubscribe.empty()) {
        h += "List-Unsubscribe: <" + m.list_unsubscribe + ">\r\n";
        h += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";  // RFC 8058: a POST opts out
    }
    h += "MIME-Version: 1.0\r\n";
    h += "Auto-Submitted: auto-generated\r\n";

    if (m.html.empty()) {
        h += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        return h + base64_lines(m.text);
    }
    // A boundary that cannot occur in base64 bodies ("=" only at their end, never "_").
    const std::string boundary = "=_relais_" + m.message_id.substr(0, m.message_id.find('@'));
    h += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    h += "--" + boundary + "\r\n";
    h += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    h += base64_lines(m.text);
    h += "--" + boundary + "\r\n";
    h += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    h += base64_lines(m.html);
    h += "--" + boundary + "--\r\n";
    return h;
}

}  // namespace relais::notify
