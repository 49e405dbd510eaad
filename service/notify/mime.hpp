#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace relais::notify {

/// One email as the channel sends it: UTF-8 throughout.
struct mail {
    std::string from;       ///< the sender's address (--mail-from)
    std::string from_name;  ///< its display name (the programme's name)
    std::string to;         ///< the recipient's address
    std::string subject;
    std::string text;              ///< the plain-text part
    std::string html;              ///< the HTML part (empty: text only)
    std::string message_id;        ///< without angle brackets: "<outbox id>@<domain of from>"
    std::int64_t date = 0;         ///< Unix seconds
    std::string list_unsubscribe;  ///< optional messages: where to opt out (empty: none)
};

/// An RFC 2047 header value: ASCII text as is; anything else as UTF-8 "B" encoded words of at most 75
/// characters, never splitting a character, separated by folding whitespace.
std::string encode_header_text(std::string_view utf8);

/// "Thu, 03 Dec 2026 13:40:00 +0000" (RFC 5322, in UTC).
std::string rfc5322_date(std::int64_t unix_seconds);

/// The whole message (RFC 5322 + MIME, CRLF line ends): Date, From, To, Subject, Message-ID, MIME-Version,
/// List-Unsubscribe when given, then a text/plain part alone or multipart/alternative with text/html; bodies
/// in base64 so no line is ever too long and no character is mangled by a relay. Header values containing a
/// line break are refused (std::invalid_argument): no header can be injected through a value.
std::string render_mime(const mail& m);

/// True if `address` is a plausible mailbox (local@domain, printable ASCII, no spaces, angle brackets or
/// line breaks): what may go into an SMTP envelope.
bool plausible_address(std::string_view address);

}  // namespace relais::notify
