#pragma once

// The HTTP vocabulary shared by the handlers (api/) and the server (http/): Beast's request and response
// with string bodies. wire/ sits below api/ so that handlers never include the server.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace relais::wire {

namespace bhttp = boost::beast::http;
using request = bhttp::request<bhttp::string_body>;
using response = bhttp::response<bhttp::string_body>;
using verb = bhttp::verb;
using status = bhttp::status;

}  // namespace relais::wire
