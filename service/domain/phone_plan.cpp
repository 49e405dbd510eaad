#include "domain/phone_plan.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <set>

namespace relais::domain {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

bool allowed_characters(std::string_view in) {
    for (char c : in)
        if (!((c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' ||
              c == '/' || c == '+'))
            return false;
    return true;
}

}  // namespace

std::optional<std::string> normalize_phone(std::string_view in, std::string_view region) {
    if (in.empty() || in.size() > 30 || !allowed_characters(in))
        return std::nullopt;
    // A '+' anywhere but first is a typing error, not a country code.
    if (auto plus = in.find('+');
        plus != std::string_view::npos &&
        (in.find_first_not_of(' ') != plus || in.find('+', plus + 1) != std::string_view::npos))
        return std::nullopt;
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(in), std::string(region), &number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return std::nullopt;
    // Possible (the right length for its country), not necessarily valid: a number of a range allocated after
    // this library's metadata must still be written down. Mobile or not is asked of valid numbers only.
    if (util.IsPossibleNumberWithReason(number) != PhoneNumberUtil::IS_POSSIBLE)
        return std::nullopt;
    std::string out;
    util.Format(number, PhoneNumberUtil::E164, &out);
    return out;
}

line_type line_type_of(std::string_view e164) {
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (e164.empty() || e164.front() != '+' ||
        util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
        !util.IsValidNumber(number))
        return line_type::unknown;
    switch (util.GetNumberType(number)) {
        case PhoneNumberUtil::MOBILE:
        case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
            return line_type::mobile;
        case PhoneNumberUtil::FIXED_LINE:
        case PhoneNumberUtil::VOIP:
        case PhoneNumberUtil::TOLL_FREE:
        case PhoneNumberUtil::SHARED_COST:
        case PhoneNumberUtil::PREMIUM_RATE:
        case PhoneNumberUtil::UAN:
            return line_type::landline;
        default:
            return line_type::unknown;
    }
}

bool known_region(std::string_view region) {
    if (region.size() != 2)
        return false;
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    return regions.count(std::string(region)) > 0;
}

}  // namespace relais::domain
