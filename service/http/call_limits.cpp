#include "http/call_limits.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace relais::http {

namespace {

using std::chrono::seconds;

constexpr caller_kind kinds[] = {caller_kind::anonymous, caller_kind::volunteer, caller_kind::partner,
                                 caller_kind::staff};
constexpr call_class classes[] = {call_class::form, call_class::tracking, call_class::write,
                                  call_class::read};

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

template <class T>
bool parse_number(std::string_view s, T& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

std::invalid_argument fault(std::string_view item, std::string_view why) {
    return std::invalid_argument("'" + std::string(item) + "': " + std::string(why));
}

}  // namespace

call_limits call_limits::defaults(call_limit public_form) {
    call_limits l;
    const seconds minute{60};
    const seconds ten_minutes{600};
    // Anonymous: a person filling in a form or looking up a code a few times; the pages and public reads
    // of a browsing resident.
    l.set(caller_kind::anonymous, call_class::form, public_form);
    l.set(caller_kind::anonymous, call_class::tracking, public_form);
    l.set(caller_kind::anonymous, call_class::write, {60, minute});  // sign-ins (also throttled on failure)
    l.set(caller_kind::anonymous, call_class::read, {600, minute});
    // A volunteer on a phone: a few taps a minute, an app that refreshes.
    l.set(caller_kind::volunteer, call_class::form, {30, ten_minutes});
    l.set(caller_kind::volunteer, call_class::tracking, {30, ten_minutes});
    l.set(caller_kind::volunteer, call_class::write, {120, minute});
    l.set(caller_kind::volunteer, call_class::read, {600, minute});
    // A partner association refers residents and runs its activities.
    l.set(caller_kind::partner, call_class::form, {120, ten_minutes});
    l.set(caller_kind::partner, call_class::tracking, {120, ten_minutes});
    l.set(caller_kind::partner, call_class::write, {300, minute});
    l.set(caller_kind::partner, call_class::read, {1200, minute});
    // The desk: phone intake all morning, a live console, batch plans.
    l.set(caller_kind::staff, call_class::form, {600, ten_minutes});
    l.set(caller_kind::staff, call_class::tracking, {600, ten_minutes});
    l.set(caller_kind::staff, call_class::write, {1200, minute});
    l.set(caller_kind::staff, call_class::read, {6000, minute});
    return l;
}

void call_limits::apply_overrides(std::string_view spec) {
    spec = trim(spec);
    if (spec == "off") {
        for (auto k : kinds)
            for (auto c : classes)
                set(k, c, {0, seconds(60)});
        return;
    }
    while (!spec.empty()) {
        const auto comma = spec.find(',');
        const std::string_view item = trim(spec.substr(0, comma));
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
        if (item.empty())
            continue;
        const auto dot = item.find('.');
        const auto eq = item.find('=');
        if (dot == std::string_view::npos || eq == std::string_view::npos || eq < dot)
            throw fault(item, "expected ROLE.CLASS=N/SECONDS or ROLE.CLASS=off");
        const auto role_name = item.substr(0, dot);
        const auto class_name = item.substr(dot + 1, eq - dot - 1);
        const auto value = item.substr(eq + 1);
        std::optional<caller_kind> who;
        for (auto k : kinds)
            if (to_string(k) == role_name)
                who = k;
        if (!who)
            throw fault(item, "the role must be anonymous, volunteer, partner or staff");
        std::optional<call_class> what;
        for (auto c : classes)
            if (to_string(c) == class_name)
                what = c;
        if (!what && class_name != "*")
            throw fault(item, "the class must be form, tracking, write, read or *");
        call_limit limit{0, seconds(60)};
        if (value != "off") {
            const auto slash = value.find('/');
            std::size_t count = 0;
            long long window = 0;
            if (slash == std::string_view::npos || !parse_number(value.substr(0, slash), count) ||
                !parse_number(value.substr(slash + 1), window) || window < 1 || window > 86400 ||
                count > 100000000)
                throw fault(item, "the limit must be N/SECONDS (SECONDS from 1 to 86400) or off");
            limit = {count, seconds(window)};
        }
        if (what)
            set(*who, *what, limit);
        else
            for (auto c : classes)
                set(*who, c, limit);
    }
}

caller_kind caller_kind_of(const std::optional<auth::principal>& user) {
    if (!user)
        return caller_kind::anonymous;
    switch (user->r) {
        case auth::role::volunteer:
            return caller_kind::volunteer;
        case auth::role::partner:
            return caller_kind::partner;
        case auth::role::coordinator:
        case auth::role::admin:
            return caller_kind::staff;
    }
    return caller_kind::anonymous;
}

std::string_view to_string(caller_kind k) {
    switch (k) {
        case caller_kind::anonymous:
            return "anonymous";
        case caller_kind::volunteer:
            return "volunteer";
        case caller_kind::partner:
            return "partner";
        case caller_kind::staff:
            return "staff";
    }
    return "anonymous";
}

std::string_view to_string(call_class c) {
    switch (c) {
        case call_class::form:
            return "form";
        case call_class::tracking:
            return "tracking";
        case call_class::write:
            return "write";
        case call_class::read:
            return "read";
    }
    return "read";
}

}  // namespace relais::http
