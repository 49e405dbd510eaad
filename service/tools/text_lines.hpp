#pragma once

#include <cstddef>
#include <string>

// zlib's file handle, without its header here.
struct gzFile_s;

namespace relais::tools {

/// The lines of a text file read one at a time, plain or gzip-compressed (`adresses-35.csv.gz`: zlib reads
/// either), so a file of any size is never held in memory. A last line without a line end is a line; line
/// ends (LF or CRLF) are not part of a line.
class text_lines {
  public:
    /// Opens `path`; `ok()` says whether it could be, `problem()` why not.
    explicit text_lines(const std::string& path);
    ~text_lines();
    text_lines(const text_lines&) = delete;
    text_lines& operator=(const text_lines&) = delete;

    bool ok() const noexcept { return file_ != nullptr && problem_.empty(); }
    /// Why the file could not be opened or read to its end (a damaged compressed file), or "".
    const std::string& problem() const noexcept { return problem_; }

    /// The next line into `line`; false at the end of the file or on a read error (then `problem()`).
    bool next(std::string& line);

  private:
    gzFile_s* file_ = nullptr;
    std::string problem_;
};

}  // namespace relais::tools
