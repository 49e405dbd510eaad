#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace relais::domain {

/// The text at `key` of an event's data (or any JSON object); empty when absent or not a string.
std::string text_of(const boost::json::object& o, std::string_view key);

}  // namespace relais::domain
