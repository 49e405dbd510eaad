#include "stats/summary.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace relais::stats {

namespace {

std::chrono::year_month_day civil(std::int64_t t) {
    return std::chrono::year_month_day{std::chrono::sys_days{std::chrono::days{day_of(t)}}};
}

template <class Map>
void erase_if_zero(Map& m) {
    using row = typename Map::mapped_type;
    std::erase_if(m, [](const auto& kv) { return kv.second == row{}; });
}

}  // namespace

void drop_empty_rows(summary& s) {
    erase_if_zero(s.by_category);
    erase_if_zero(s.by_neighbourhood);
    erase_if_zero(s.by_channel);
    erase_if_zero(s.withdrawals);
    std::erase_if(s.setbacks, [](const auto& kv) { return kv.second == 0; });
}

std::string iso_week_label(std::int64_t monday, const domain::city_time& city) {
    // The ISO week-year is the year of the week's Thursday; week 1 holds the year's first Thursday. Plain day
    // arithmetic on the city's date of the Monday (day numbers as if UTC).
    const std::int64_t thursday = (city.day_of(monday) + 3) * day_s;
    const auto ymd = civil(thursday);
    const std::int64_t jan1 =
        std::chrono::sys_days{
            std::chrono::year_month_day{ymd.year(), std::chrono::January, std::chrono::day{1}}}
            .time_since_epoch()
            .count();
    const std::int64_t week = (day_of(thursday) - jan1) / 7 + 1;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(ymd.year()), static_cast<int>(week));
    return buf;
}

std::string date_label(std::int64_t t) {
    const auto ymd = civil(t);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

std::string date_label(std::int64_t t, const domain::city_time& city) {
    return date_label(city.day_of(t) * day_s);
}

std::optional<std::int64_t> nearest_rank(std::vector<std::int64_t>& values, int percent) {
    if (values.empty())
        return std::nullopt;
    const std::size_t n = values.size();
    const std::size_t rank = (n * static_cast<std::size_t>(percent) + 99) / 100;  // ceil(p n / 100), >= 1
    auto nth = values.begin() + static_cast<std::ptrdiff_t>(std::max<std::size_t>(rank, 1) - 1);
    std::nth_element(values.begin(), nth, values.end());
    return *nth;
}

std::vector<std::pair<std::int64_t, std::int64_t>> weeks_of(const period& p, const domain::city_time& city) {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (std::int64_t w = monday_of(p.from, city); w < p.until;) {
        const std::int64_t next = city.midnight(city.day_of(w) + 7);
        out.emplace_back(std::max(w, p.from), std::min(next, p.until));
        w = next;
    }
    return out;
}

}  // namespace relais::stats
