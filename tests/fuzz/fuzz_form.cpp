// libFuzzer target: the application/x-www-form-urlencoded parser (wire::parse_form, used for query strings
// and the no-JavaScript forms) and percent_decode. Invariants: no crash, no NUL byte in any decoded name or
// value, and decoding never makes a string longer than its input.
#include "wire/request_context.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    if (auto pairs = relais::wire::parse_form(in)) {
        std::size_t total = 0;
        for (const auto& [name, value] : *pairs) {
            if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos)
                std::abort();
            total += name.size() + value.size();
        }
        if (total > in.size())
            std::abort();
    }
    for (bool plus : {false, true})
        if (auto d = relais::wire::percent_decode(in, plus);
            d && (d->size() > in.size() || d->find('\0') != std::string::npos))
            std::abort();
    return 0;
}
