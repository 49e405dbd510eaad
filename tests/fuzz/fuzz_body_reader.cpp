// libFuzzer target: the JSON body reader on its own (fast, no database): bytes parsed with the options of
// request_context::json_body, then read field by field the way the decoders do (text, numbers, booleans,
// times, enums, nested objects and arrays). Every fault must come out as a validation error naming a
// field; any other exception, or a text accepted with control characters or invalid UTF-8, is a bug.
#include "api/body_reader.hpp"
#include "api/decode.hpp"
#include "core/error.hpp"
#include "domain/phone_plan.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

namespace api = relais::api;
namespace json = boost::json;

void check_text(const std::optional<std::string>& s, bool multiline) {
    if (!s)
        return;
    if (!api::valid_utf8(*s))
        std::abort();
    for (unsigned char c : *s)
        if (c == 0x7F || (c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))))
            std::abort();
}

void read_all(api::body_reader& r, int depth) {
    check_text(r.text("first_name", api::name_rule, false), false);
    check_text(r.text("details", api::details_rule, false), true);
    r.integer("max_missions_per_week", 1, 14, false);
    r.number("lat", -90, 90, false);
    r.boolean("consent", false);
    r.time("starts_at", false);
    r.one_of("urgency", {"today", "48h", "week"}, false);
    api::read_email(r, "email", false);
    // A phone number that is accepted is canonical: "+" and digits only (libphonenumber's E.164).
    static const relais::domain::phone_plan phones("FR");
    if (auto p = api::read_phone(r, "phone", false, phones))
        if (p->size() < 2 || (*p)[0] != '+' || p->find_first_not_of("0123456789", 1) != std::string::npos)
            std::abort();
    api::read_location(r, "location");
    api::read_availability(r, "availability", false);
    api::read_codes(r, "skills", 20, false, false);
    api::read_codes(r, "languages", 10, false, true);
    api::read_needs(r, "needs");
    if (const auto* a = r.array("items", 50, false))
        for (std::size_t i = 0; i < a->size(); ++i) {
            if ((*a)[i].is_object()) {
                if (auto e = r.element_object("items", i, (*a)[i]); e && depth < 4)
                    read_all(*e, depth + 1);
            } else {
                check_text(r.element_text("items", i, (*a)[i]), false);
            }
        }
    if (depth < 4)
        if (auto nested = r.object("resident", false))
            read_all(*nested, depth + 1);
    r.check_unknown();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    boost::system::error_code ec;
    json::parse_options opts;
    opts.max_depth = 32;
    opts.allow_invalid_utf8 = true;
    json::value v = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, opts);
    if (ec)
        return 0;
    try {
        api::body_reader r(std::move(v));
        read_all(r, 0);
        r.done();
    } catch (const relais::error& e) {
        if (e.kind() != relais::error_kind::validation && e.kind() != relais::error_kind::bad_request)
            std::abort();
    }
    return 0;
}
