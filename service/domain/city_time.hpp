#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace date {
class time_zone;
}

namespace relais::domain {

/// The city's wall-clock time: the one place where UTC instants become local days, minutes and dates and
/// back. Requests, missions and events are absolute UTC instants; volunteers give their availability and
/// residents their dates in the city's time. The rules come from the system's time zone database (IANA
/// names such as "Europe/Paris" or "America/Toronto", through Howard Hinnant's date library): no offset
/// rule is written by hand anywhere else. Cheap to copy; thread-safe (the zone is immutable once loaded).
class city_time {
  public:
    /// The zone a programme has until it says otherwise (the demo city, Rennes).
    static constexpr std::string_view default_zone = "Europe/Paris";

    /// The zone named `zone`; throws std::invalid_argument if the system's database does not know it.
    explicit city_time(std::string_view zone);
    /// The default zone.
    city_time() : city_time(default_zone) {}

    /// True if `zone` names a zone of the system's database.
    static bool known(std::string_view zone) noexcept;

    const std::string& zone() const noexcept { return name_; }

    /// The UTC offset in force at `utc` (Unix seconds), in seconds east of UTC.
    std::int64_t offset(std::int64_t utc) const;

    /// The local calendar day of `utc`, as a day count since 1970-01-01.
    std::int64_t day_of(std::int64_t utc) const;

    /// The UTC instant where local day `day` (days since 1970-01-01) begins: its 00:00, or the first
    /// instant after a gap when a change skips midnight.
    std::int64_t midnight(std::int64_t day) const;

    /// The UTC instant of the local wall-clock time `local` (seconds since 1970-01-01 as if local were
    /// UTC). A time skipped by a change (02:30 on a spring-forward night in Paris) is the same distance past
    /// the change; a time lived twice (the autumn night) is the first of the two.
    std::int64_t to_utc(std::int64_t local) const;

    /// The local midnight of a "YYYY-MM-DD" date, in UTC seconds; nullopt if the date is malformed.
    std::optional<std::int64_t> midnight_of(std::string_view date) const;

    /// Local minute of the week (0 = Monday 00:00) of the UTC instant `utc`.
    int week_minute(std::int64_t utc) const;

    /// "24/11/2026 15:00": the local date and time of `utc` (the resident pages' format).
    std::string date_time(std::int64_t utc) const;

    /// The local day of the week of `utc`: 0 = Monday ... 6 = Sunday.
    int weekday(std::int64_t utc) const;

    /// The API's name of that day ("mon" ... "sun"), the key of its name in the dictionaries ("day.mon").
    std::string_view weekday_code(std::int64_t utc) const;

    /// One local calendar day touched by a time window.
    struct day {
        int weekday = 0;                ///< 0 = Monday
        std::int64_t midnight_utc = 0;  ///< the UTC instant where that local day begins
        std::int64_t number = 0;        ///< days since 1970-01-01
        bool uniform = true;            ///< one offset all day (no change that night)
    };

    /// The local days overlapping [from, until), oldest first, at most `max_days`.
    std::vector<day> days(std::int64_t from, std::int64_t until, int max_days) const;

    /// The UTC instant of `minute` (0..1440) of local day `d`: plain arithmetic on a day without a change,
    /// the zone's rules on the two nights a year that have one (matching calls this per volunteer and day).
    std::int64_t at(const day& d, int minute) const {
        return d.uniform ? d.midnight_utc + std::int64_t{minute} * 60
                         : to_utc(d.number * 86400 + std::int64_t{minute} * 60);
    }

  private:
    const date::time_zone* zone_;
    std::string name_;
};

/// Weekday (0 = Monday) of a day count since 1970-01-01 (a Thursday).
inline int weekday_of_day(std::int64_t day) {
    return static_cast<int>(((day + 3) % 7 + 7) % 7);
}

}  // namespace relais::domain
