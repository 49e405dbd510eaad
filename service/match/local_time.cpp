#include "match/local_time.hpp"

namespace relais::match {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = floor_div(y, 400);
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// Year of a day count since 1970-01-01.
std::int64_t year_of_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = floor_div(z, 146097);
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

/// Weekday (0 = Monday) of a day count since 1970-01-01 (a Thursday).
int weekday_of_days(std::int64_t z) { return static_cast<int>(((z + 3) % 7 + 7) % 7); }

/// Day count of the last Sunday of month `m` of year `y`.
std::int64_t last_sunday(std::int64_t y, unsigned m) {
    const std::int64_t first_next = m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
    const std::int64_t last = first_next - 1;
    return last - ((weekday_of_days(last) + 1) % 7);  // Sunday is weekday 6
}

}  // namespace

std::int64_t paris_offset(std::int64_t utc) {
    const std::int64_t y = year_of_days(floor_div(utc, day_s));
    const std::int64_t summer_from = last_sunday(y, 3) * day_s + 3600;
    const std::int64_t summer_until = last_sunday(y, 10) * day_s + 3600;
    return utc >= summer_from && utc < summer_until ? 7200 : 3600;
}

std::int64_t week_start_utc(std::int64_t t) {
    const std::int64_t days = floor_div(t, day_s);
    return (days - weekday_of_days(days)) * day_s;
}

int local_week_minute(std::int64_t t) {
    const std::int64_t local = t + paris_offset(t);
    const std::int64_t days = floor_div(local, day_s);
    const std::int64_t minute = (local - days * day_s) / 60;
    return weekday_of_days(days) * 1440 + static_cast<int>(minute);
}

std::vector<local_day> local_days(std::int64_t from, std::int64_t until, int max_days) {
    std::vector<local_day> out;
    if (until <= from)
        return out;
    const std::int64_t first = floor_div(from + paris_offset(from), day_s);
    const std::int64_t last = floor_div(until - 1 + paris_offset(until - 1), day_s);
    for (std::int64_t d = first; d <= last && static_cast<int>(out.size()) < max_days; ++d) {
        // The offset in force at local noon names that day's offset (switches happen at night).
        const std::int64_t noon_guess = d * day_s + 12 * 3600 - 3600;
        out.push_back({weekday_of_days(d), d * day_s - paris_offset(noon_guess)});
    }
    return out;
}

}  // namespace relais::match
