#include "domain/city_time.hpp"

#include "domain/time_format.hpp"

#include <date/tz.h>

#include <cstdio>
#include <stdexcept>

namespace relais::domain {

namespace {

constexpr std::int64_t day_s = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

const date::time_zone* find_zone(std::string_view name) noexcept {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return nullptr;  // unknown name, or no database on this machine
    }
}

}  // namespace

city_time::city_time(std::string_view zone) : zone_(find_zone(zone)), name_(zone) {
    if (!zone_)
        throw std::invalid_argument("unknown time zone (not in the system's time zone database)");
}

bool city_time::known(std::string_view zone) noexcept {
    return !zone.empty() && zone.size() <= 64 && find_zone(zone) != nullptr;
}

std::int64_t city_time::offset(std::int64_t utc) const {
    const auto info = zone_->get_info(date::sys_seconds{std::chrono::seconds{utc}});
    return info.offset.count();
}

std::int64_t city_time::day_of(std::int64_t utc) const {
    return floor_div(utc + offset(utc), day_s);
}

std::int64_t city_time::to_utc(std::int64_t local) const {
    const auto info = zone_->get_info(date::local_seconds{std::chrono::seconds{local}});
    // unique: the one offset; nonexistent: `first` is the offset before the gap, which carries the time
    // past it by the gap's length; ambiguous: `first` is the earlier of the two instants.
    return local - info.first.offset.count();
}

std::int64_t city_time::midnight(std::int64_t day) const {
    return to_utc(day * day_s);
}

std::optional<std::int64_t> city_time::midnight_of(std::string_view date) const {
    auto utc_midnight = parse_date(date);  // the date's 00:00 as if local were UTC
    if (!utc_midnight)
        return std::nullopt;
    return midnight(floor_div(*utc_midnight, day_s));
}

int city_time::week_minute(std::int64_t utc) const {
    const std::int64_t local = utc + offset(utc);
    const std::int64_t d = floor_div(local, day_s);
    return weekday_of_day(d) * 1440 + static_cast<int>((local - d * day_s) / 60);
}

std::string city_time::date_time(std::int64_t utc) const {
    const std::int64_t local = utc + offset(utc);
    const std::int64_t d = floor_div(local, day_s);
    const date::year_month_day ymd{date::sys_days{date::days{d}}};
    const std::int64_t secs = local - d * day_s;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04d %02lld:%02lld", static_cast<unsigned>(ymd.day()),
                  static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()),
                  static_cast<long long>(secs / 3600), static_cast<long long>(secs % 3600 / 60));
    return buf;
}

int city_time::weekday(std::int64_t utc) const {
    return static_cast<int>(weekday_of_day(day_of(utc)));
}

std::string_view city_time::weekday_code(std::int64_t utc) const {
    static constexpr std::string_view codes[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    return codes[weekday(utc)];
}

std::vector<city_time::day> city_time::days(std::int64_t from, std::int64_t until, int max_days) const {
    std::vector<day> out;
    if (until <= from)
        return out;
    const std::int64_t first = day_of(from);
    const std::int64_t last = day_of(until - 1);
    for (std::int64_t d = first; d <= last && static_cast<int>(out.size()) < max_days; ++d) {
        const std::int64_t begins = midnight(d), ends = midnight(d + 1);
        out.push_back({weekday_of_day(d), begins, d, offset(begins) == offset(ends - 1)});
    }
    return out;
}

}  // namespace relais::domain
