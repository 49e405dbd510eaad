#include "api/decode.hpp"

#include "domain/time_format.hpp"
#include "domain/validate.hpp"

#include <algorithm>

namespace relais::api {

const std::vector<std::string> message_languages{"fr", "en"};

std::optional<domain::geo> read_location(body_reader& r, std::string_view key) {
    auto loc = r.object(key, false);
    if (!loc)
        return std::nullopt;
    auto lat = loc->number("lat", -90, 90);
    auto lon = loc->number("lon", -180, 180);
    loc->check_unknown();
    if (!lat || !lon)
        return std::nullopt;
    return domain::geo{*lat, *lon};
}

std::optional<std::vector<domain::availability_slot>> read_availability(body_reader& r, std::string_view key,
                                                                        bool required) {
    const auto* arr = r.array(key, 50, required);
    if (!arr)
        return std::nullopt;
    std::vector<domain::availability_slot> out;
    bool ok = true;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        auto e = r.element_object(key, i, (*arr)[i]);
        if (!e) {
            ok = false;
            continue;
        }
        std::vector<std::string> days(domain::day_names, domain::day_names + 7);
        auto day = e->one_of("day", days);
        auto start = e->text("start", {5, 5});
        auto end = e->text("end", {5, 5});
        e->check_unknown();
        std::optional<int> s, t;
        if (start && !(s = domain::parse_hhmm(*start)))
            e->fail("start", "must be a time like 09:30");
        if (end && !(t = domain::parse_hhmm(*end)))
            e->fail("end", "must be a time like 17:00");
        if (s && t && *t <= *s)
            e->fail("end", "must be after start");
        if (!day || !s || !t || *t <= *s) {
            ok = false;
            continue;
        }
        int d = static_cast<int>(std::find(days.begin(), days.end(), *day) - days.begin());
        out.push_back({d, *s, *t});
    }
    if (!ok)
        return std::nullopt;
    return out;
}

std::optional<std::vector<std::string>> read_codes(body_reader& r, std::string_view key,
                                                   std::size_t max_items, bool required, bool languages) {
    const auto* arr = r.array(key, max_items, required);
    if (!arr)
        return std::nullopt;
    std::vector<std::string> out;
    bool ok = true;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        auto s = r.element_text(key, i, (*arr)[i], {1, 40});
        if (!s) {
            ok = false;
            continue;
        }
        if (languages && !domain::valid_language(*s)) {
            r.fail(std::string(key) + "[" + std::to_string(i) + "]",
                   "must be a two-letter language code like fr");
            ok = false;
            continue;
        }
        if (std::find(out.begin(), out.end(), *s) == out.end())
            out.push_back(*s);
    }
    if (!ok)
        return std::nullopt;
    return out;
}

std::optional<std::string> read_email(body_reader& r, std::string_view key, bool required) {
    auto s = r.text(key, {3, 254}, required);
    if (!s)
        return std::nullopt;
    auto e = domain::normalize_email(*s);
    if (!e)
        r.fail(key, "must be an email address like name@example.org");
    return e;
}

std::optional<std::string> read_phone(body_reader& r, std::string_view key, bool required,
                                      const domain::phone_plan& phones) {
    auto s = r.text(key, {6, 30}, required);
    if (!s)
        return std::nullopt;
    auto p = phones.normalize(*s);
    if (!p)
        r.fail(key,
               "must be a phone number: a local one like 06 12 34 56 78, or with its country code like "
               "+33 6 12 34 56 78");
    return p;
}

std::optional<domain::resident_needs> read_needs(body_reader& r, std::string_view key) {
    auto n = r.object(key, false);
    if (!n)
        return std::nullopt;
    domain::resident_needs out;
    out.isolated = n->boolean("isolated", false).value_or(false);
    out.reduced_mobility = n->boolean("reduced_mobility", false).value_or(false);
    out.visually_impaired = n->boolean("visually_impaired", false).value_or(false);
    out.not_french_speaking = n->boolean("not_french_speaking", false).value_or(false);
    n->check_unknown();
    return out;
}

domain::call_outcome read_call_outcome(body_reader& r) {
    domain::call_outcome o;
    o.outcome = r.one_of("outcome", domain::call_outcomes).value_or("");
    o.note = r.text("note", note_rule, false);
    if (o.note && o.note->empty())
        o.note.reset();
    if (auto need = r.object("need", false)) {
        o.need_category = need->text("category", {2, 40});
        o.need_details = need->text("details", details_rule, false);
        need->check_unknown();
    }
    return o;
}

}  // namespace relais::api
