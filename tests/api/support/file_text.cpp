#include "api/support/file_text.hpp"

#include <fstream>
#include <sstream>

namespace relais::api_test {

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace relais::api_test
