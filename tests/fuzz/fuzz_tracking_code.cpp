// libFuzzer target: tracking-code normalisation (what a resident types, read aloud on the phone, pasted
// from a letter). Invariants: a result is 16 characters of the Crockford base32 alphabet, normalising it
// again gives it back, and its hash is 64 hex digits.
#include "domain/ids.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    auto code = relais::domain::normalize_tracking_code(in);
    if (!code)
        return 0;
    static constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    if (code->size() != 16)
        std::abort();
    for (char c : *code)
        if (alphabet.find(c) == std::string_view::npos)
            std::abort();
    if (relais::domain::normalize_tracking_code(*code) != code)
        std::abort();
    if (relais::domain::tracking_hash(*code).size() != 64)
        std::abort();
    return 0;
}
