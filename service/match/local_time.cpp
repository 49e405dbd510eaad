#include "match/local_time.hpp"

#include "domain/city_time.hpp"

namespace relais::match {

std::int64_t week_start_utc(std::int64_t t) {
    const std::int64_t days = t >= 0 ? t / day_s : -((-t + day_s - 1) / day_s);
    return (days - domain::weekday_of_day(days)) * day_s;
}

}  // namespace relais::match
