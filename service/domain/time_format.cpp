#include "domain/time_format.hpp"

#include <chrono>
#include <cstdio>

namespace relais::domain {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size())
        return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

std::optional<std::int64_t> days_from_civil(int y, int m, int d) {
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok())
        return std::nullopt;
    return sys_days{ymd}.time_since_epoch().count();
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view s) {
    int y, mo, d;
    if (s.size() != 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d))
        return std::nullopt;
    auto days = days_from_civil(y, mo, d);
    if (!days)
        return std::nullopt;
    return *days * 86400;
}

std::optional<std::int64_t> parse_iso8601(std::string_view s) {
    if (s.size() < 20 || s.size() > 40)
        return std::nullopt;
    auto date = parse_date(s.substr(0, 10));
    int h, mi, sec;
    if (!date || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
        !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
        return std::nullopt;
    if (h > 23 || mi > 59 || sec > 60)
        return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
            ++pos;
        if (pos == start || pos - start > 9)
            return std::nullopt;
    }
    if (pos >= s.size())
        return std::nullopt;  // an offset is mandatory
    std::int64_t offset = 0;
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
        offset = 0;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh, om;
        if (pos + 6 != s.size() || !digits(s, pos + 1, 2, oh) || s[pos + 3] != ':' ||
            !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    } else {
        return std::nullopt;
    }
    return *date + h * 3600 + mi * 60 + std::min(sec, 59) - offset;
}

std::string format_iso8601(std::int64_t t) {
    using namespace std::chrono;
    const auto days = static_cast<int>((t >= 0 ? t : t - 86399) / 86400);
    const std::int64_t rem = t - static_cast<std::int64_t>(days) * 86400;
    year_month_day ymd{sys_days{std::chrono::days{days}}};
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", year,
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                      static_cast<int>(rem % 60));
        return buf;
    }
    // Written digit by digit: this runs for every timestamp of every list (snprintf was a visible cost).
    std::string out = "0000-00-00T00:00:00Z";
    auto two = [&out](std::size_t at, int v) {
        out[at] = static_cast<char>('0' + v / 10);
        out[at + 1] = static_cast<char>('0' + v % 10);
    };
    two(0, year / 100);
    two(2, year % 100);
    two(5, static_cast<int>(static_cast<unsigned>(ymd.month())));
    two(8, static_cast<int>(static_cast<unsigned>(ymd.day())));
    two(11, static_cast<int>(rem / 3600));
    two(14, static_cast<int>(rem % 3600 / 60));
    two(17, static_cast<int>(rem % 60));
    return out;
}

std::optional<int> parse_hhmm(std::string_view s) {
    int h, m;
    if (s.size() != 5 || !digits(s, 0, 2, h) || s[2] != ':' || !digits(s, 3, 2, m) || m > 59)
        return std::nullopt;
    if (h > 24 || (h == 24 && m != 0))
        return std::nullopt;
    return h * 60 + m;
}

int weekday_utc(std::int64_t t) {
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    return static_cast<int>(((days + 3) % 7 + 7) % 7);
}

}  // namespace relais::domain
