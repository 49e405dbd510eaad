#pragma once

#include <string>
#include <string_view>

namespace relais::core {

/// Appends `text` to `out` with &, <, >, " and ' as character references: safe in HTML text and in quoted
/// attribute values. The one escaping of the server's HTML (the resident pages, the HTML part of emails).
void html_escape_into(std::string& out, std::string_view text);

/// `text` escaped (html_escape_into).
std::string html_escape(std::string_view text);

}  // namespace relais::core
