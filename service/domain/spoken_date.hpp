#pragma once

#include "domain/city_time.hpp"

#include <cstdint>
#include <string>

namespace relais::domain {

/// "jeudi 24/11/2026 15:00" / "Thursday 24/11/2026 15:00": the local date and time of `utc` with its day
/// of the week, in the language of `t` (keys weekday.mon ... weekday.sun and common.weekday_date). What
/// residents and volunteers read: a date alone is easy to misread on the phone. `Texts` is a dictionary of
/// the pages (core::dictionary) or of the messages (notify::message_texts::language).
template <class Texts>
std::string spoken_date_time(const Texts& t, const city_time& city, std::int64_t utc) {
    const std::string weekday = t("weekday." + std::string(city.weekday_code(utc)));
    const std::string date = city.date_time(utc);
    return t("common.weekday_date", {{"weekday", weekday}, {"date", date}});
}

}  // namespace relais::domain
