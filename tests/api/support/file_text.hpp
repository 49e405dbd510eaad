#pragma once

#include <string>

namespace relais::api_test {

/// The whole content of the file at `path` (empty if it cannot be read).
std::string file_text(const std::string& path);

}  // namespace relais::api_test
