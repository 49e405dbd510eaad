#pragma once

// A small reader of ZIP archives (an XLSX workbook is one) for the tests: the central directory's entries,
// each entry's bytes inflated with zlib. Throws std::runtime_error on anything it does not understand, so
// a malformed archive fails the test that reads it.

#include <zlib.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace relais::testing {

/// Every file of a ZIP archive by name, its content inflated (stored and deflated entries).
inline std::map<std::string, std::string> unzip(std::string_view zip) {
    auto u16 = [&](std::size_t at) {
        if (at + 2 > zip.size())
            throw std::runtime_error("zip: truncated");
        return static_cast<std::uint32_t>(static_cast<unsigned char>(zip[at])) |
               static_cast<std::uint32_t>(static_cast<unsigned char>(zip[at + 1])) << 8;
    };
    auto u32 = [&](std::size_t at) { return u16(at) | u16(at + 2) << 16; };
    // The end of central directory record: the last 22 bytes when there is no archive comment.
    if (zip.size() < 22)
        throw std::runtime_error("zip: too short");
    std::size_t end = zip.size() - 22;
    while (u32(end) != 0x06054b50) {
        if (end == 0)
            throw std::runtime_error("zip: no end of central directory");
        --end;
    }
    const std::uint32_t count = u16(end + 10);
    std::size_t at = u32(end + 16);
    std::map<std::string, std::string> files;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (u32(at) != 0x02014b50)
            throw std::runtime_error("zip: bad central directory entry");
        const std::uint32_t method = u16(at + 10), packed = u32(at + 20), size = u32(at + 24);
        const std::uint32_t name_len = u16(at + 28), extra_len = u16(at + 30), comment_len = u16(at + 32);
        const std::size_t local = u32(at + 42);
        const std::string name(zip.substr(at + 46, name_len));
        at += 46 + name_len + extra_len + comment_len;
        if (u32(local) != 0x04034b50)
            throw std::runtime_error("zip: bad local header for " + name);
        const std::size_t data = local + 30 + u16(local + 26) + u16(local + 28);
        if (data + packed > zip.size())
            throw std::runtime_error("zip: truncated data for " + name);
        const std::string_view bytes = zip.substr(data, packed);
        std::string out;
        if (method == 0) {
            out = std::string(bytes);
        } else if (method == 8) {
            out.resize(size);
            z_stream z{};
            if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
                throw std::runtime_error("zip: inflateInit2");
            z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
            z.avail_in = static_cast<uInt>(bytes.size());
            z.next_out = reinterpret_cast<Bytef*>(out.data());
            z.avail_out = static_cast<uInt>(out.size());
            const int rc = inflate(&z, Z_FINISH);
            inflateEnd(&z);
            if (rc != Z_STREAM_END || z.total_out != size)
                throw std::runtime_error("zip: cannot inflate " + name);
        } else {
            throw std::runtime_error("zip: unknown method for " + name);
        }
        files.emplace(name, std::move(out));
    }
    return files;
}

}  // namespace relais::testing
