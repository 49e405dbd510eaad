#pragma once

#include "wire/types.hpp"

namespace relais::http {

// The server speaks the handlers' vocabulary (wire/types.hpp).
namespace bhttp = boost::beast::http;
using wire::request;
using wire::response;
using wire::status;
using wire::verb;

}  // namespace relais::http
