#include "domain/address_record.hpp"

namespace relais::domain {

namespace {

void append_word(std::string& out, const std::string& word) {
    if (word.empty())
        return;
    if (!out.empty())
        out += ' ';
    out += word;
}

}  // namespace

std::string door_number(const address_record& a) {
    std::string out = a.number;
    append_word(out, a.suffix);
    return out;
}

std::string address_label(const address_record& a) {
    std::string out = door_number(a);
    for (const auto* part : {&a.street, &a.postcode, &a.city})
        append_word(out, *part);
    return out;
}

}  // namespace relais::domain
