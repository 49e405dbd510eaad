#pragma once

#include <string>
#include <vector>

namespace relais::notify {

/// The HTML part of an email whose text is `text`: each paragraph a <p>, each line break a <br>, and our own
/// `links` (the service's addresses the text holds) real links; nothing else in the text becomes a link (a
/// resident's details could hold an address nobody vouches for). Built by the sender when the email goes out,
/// so the outbox keeps the text and its links only.
std::string html_body(const std::string& text, const std::vector<std::string>& links);

/// `links` kept in one outbox column (one per line: our links never hold a line break), and back.
std::string join_links(const std::vector<std::string>& links);
std::vector<std::string> split_links(const std::string& joined);

}  // namespace relais::notify
