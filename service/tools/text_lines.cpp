#include "tools/text_lines.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace relais::tools {

text_lines::text_lines(const std::string& path) {
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) {
        problem_ = errno != 0 ? std::strerror(errno) : "cannot open the file";
        return;
    }
    gzbuffer(file_, 1 << 17);
}

text_lines::~text_lines() {
    if (file_ != nullptr)
        gzclose(file_);
}

bool text_lines::next(std::string& line) {
    line.clear();
    if (!ok())
        return false;
    char chunk[8192];
    for (;;) {
        if (gzgets(file_, chunk, sizeof chunk) == nullptr) {
            int code = Z_OK;
            const char* message = gzerror(file_, &code);
            if (code != Z_OK && code != Z_STREAM_END) {
                problem_ = std::string("the file cannot be read to its end: ") + message;
                return false;
            }
            return !line.empty();  // the end; a last line without a line end is still a line
        }
        line += chunk;
        if (!line.empty() && line.back() == '\n') {
            line.pop_back();
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            return true;
        }
    }
}

}  // namespace relais::tools
