#pragma once

#include "http/types.hpp"
#include "wire/request_context.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace relais::http {

struct server_context;

/// The MIME type for a file name's extension.
std::string_view mime_type(std::string_view path);

/// Maps a URL path to a file path relative to the web root, or nullopt if the path is unsafe (traversal,
/// hidden files, NUL, backslashes, bad escapes). Pure; "/" maps to "index.html" and an extension-less path
/// to "<path>.html" (so /demande serves demande.html).
std::optional<std::string> static_relative_path(std::string_view url_path);

/// Serves a file of the web root for GET/HEAD, with ETag/Last-Modified validators (304 on a match).
/// From memory when the file is in app.statics (static_cache, read at start); otherwise the file work runs
/// on the worker pool, never on the I/O thread.
boost::asio::awaitable<response> serve_static(server_context& app, wire::request_context& ctx);

}  // namespace relais::http
